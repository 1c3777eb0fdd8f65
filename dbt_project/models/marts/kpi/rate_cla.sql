{#- rate_cla records: one row per month end and child looked after at the end of that day, short
    breaks (V3/V4) and periods of care holding an episode that ceases before it starts excluded. The rate per 10,000 children aged 0-17 is taken in
    marts.kpi_values from the population of the period end. -#}
with

children as (

    select * from {{ ref('int_cla__looked_after_at_month_end') }}
    where not is_short_break and not is_excluded_from_cla_counts

),

final as (

    select
        'rate_cla' as kpi_id,
        cast(null as date) as event_on,
        period_end,
        'snapshot' as period_type,
        period_of_care_id as record_id,
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
