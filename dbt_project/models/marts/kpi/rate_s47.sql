{#- rate_s47 records: one row per section 47 enquiry, placed in windows by its start. The rate per 10,000 children aged 0-17 is taken in
    marts.kpi_values from the population of the period end. -#}
with

events as (

    select * from {{ ref('fct_s47_enquiries') }}

),

final as (

    select
        'rate_s47' as kpi_id,
        started_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        s47_enquiry_id as record_id,
        person_id,
        cast(null as varchar) as team,
        started_on as started_on,
        cast(null as date) as ended_on,
        cast(null as double) as measure_value,
        cast(null as varchar) as measure,
        1 as numerator,
        cast(null as integer) as denominator
    from events

)

select * from final
