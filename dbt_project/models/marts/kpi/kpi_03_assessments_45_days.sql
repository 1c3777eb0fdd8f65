{#- kpi_03: % of assessments authorised in the window that took 45 working days or fewer. -#}
with

assessments as (

    select * from {{ ref('fct_assessments') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_03'

),

authorised as (

    select authorised_on, is_within_45_working_days
    from assessments
    where is_in_kpi_03

),

final as (

    select
        'kpi_03' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(authorised.authorised_on)
            filter (where authorised.is_within_45_working_days) as numerator,
        count(authorised.authorised_on) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join authorised
        on authorised.authorised_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

)

select * from final
