{#- rate_cin records: one row per month end and child in need at the end of that day
    (int_cin__open_cases_by_month, kpi_04's denominator). The rate per 10,000 children aged 0-17 is taken in
    marts.kpi_values from the population of the period end. -#}
with

children as (

    select * from {{ ref('int_cin__open_cases_by_month') }}

),

final as (

    select
        'rate_cin' as kpi_id,
        cast(null as date) as event_on,
        period_end,
        'snapshot' as period_type,
        earliest_open_cin_episode_id as record_id,
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
