{#- rate_cp records: one row per month end and child on a child protection plan of this authority at
    the end of that day (int_cp__children_on_plans_by_month). The rate per 10,000 children aged 0-17 is taken in
    marts.kpi_values from the population of the period end. -#}
with

children as (

    select * from {{ ref('int_cp__children_on_plans_by_month') }}

),

final as (

    select
        'rate_cp' as kpi_id,
        cast(null as date) as event_on,
        period_end,
        'snapshot' as period_type,
        cp_plan_id as record_id,
        person_id,
        cast(null as varchar) as team,
        cast(null as date) as started_on,
        cast(null as date) as ended_on,
        cast(null as double) as measure_value,
        cast(null as varchar) as measure,
        1 as numerator,
        cast(null as integer) as denominator
    from children

)

select * from final
