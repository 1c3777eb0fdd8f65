{#- kpi_06: of the children who became the subject of a CP plan of this authority in the window
    (each child once, int_cp__children_becoming_subject_by_window), the % whose plan started
    within 2 years of the end of an earlier plan. A flow (rolling 12 months headline, and by
    month), not the month-end stock of children on plans. -#}
with

children as (

    select * from {{ ref('int_cp__children_becoming_subject_by_window') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_06'

),

final as (

    select
        'kpi_06' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(children.person_id) filter (where children.is_repeat_within_2_years) as numerator,
        count(children.person_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join children
        on windows.period_end = children.period_end
        and windows.period_type = children.period_type
    group by windows.period_end, windows.period_type

)

select * from final
