{#- kpi_07: long-term placement stability: of the cohort in int_cla__placement_stability_by_month
    (looked after, under 16, in care 2.5 years or more, no short breaks), the % in their
    placement (or adoption placement with the one before it) for 2 years or more. -#}
with

cohort as (

    select * from {{ ref('int_cla__placement_stability_by_month') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_07'

),

final as (

    select
        'kpi_07' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(cohort.person_id) filter (where cohort.is_stable) as numerator,
        count(cohort.person_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join cohort on windows.period_end = cohort.period_end
    group by windows.period_end, windows.period_type

)

select * from final
