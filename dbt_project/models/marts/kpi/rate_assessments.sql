{#- rate_assessments records: one row per assessment authorised and not excluded (as kpi_03), placed in
    windows by its authorisation date. The rate per 10,000 children aged 0-17 is taken in
    marts.kpi_values from the population of the period end. -#}
with

events as (

    select * from {{ ref('fct_assessments') }}
    where is_in_kpi_03

),

final as (

    select
        'rate_assessments' as kpi_id,
        authorised_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        assessment_id as record_id,
        person_id,
        team as team,
        authorised_on as started_on,
        cast(null as date) as ended_on,
        cast(null as double) as measure_value,
        cast(null as varchar) as measure,
        1 as numerator,
        cast(null as integer) as denominator
    from events

)

select * from final
