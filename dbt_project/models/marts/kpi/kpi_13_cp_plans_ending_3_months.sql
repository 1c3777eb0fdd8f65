{#- kpi_13 records: one row per CP plan of this authority that ended with a length
    (fct_cp_plans.is_in_kpi_13), placed in windows by its end date; the numerator is 1 when it
    lasted 3 calendar months or less. -#}
with

plans as (

    select * from {{ ref('fct_cp_plans') }}
    where is_in_kpi_13

),

final as (

    select
        'kpi_13' as kpi_id,
        ended_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        cp_plan_id as record_id,
        person_id,
        cast(null as varchar) as team,
        started_on,
        ended_on,
        days_on_plan as measure_value,
        'days on the plan' as measure,
        case when ended_within_3_months then 1 else 0 end as numerator,
        1 as denominator
    from plans

)

select * from final
