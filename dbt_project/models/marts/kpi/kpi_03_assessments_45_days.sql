{#- kpi_03 records: one row per assessment authorised and not excluded
    (fct_assessments.is_in_kpi_03), placed in windows by its authorisation date; the numerator
    is 1 when it took 45 working days or fewer (start = day 0). -#}
with

assessments as (

    select * from {{ ref('fct_assessments') }}
    where is_in_kpi_03

),

final as (

    select
        'kpi_03' as kpi_id,
        authorised_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        assessment_id as record_id,
        person_id,
        team,
        started_on,
        authorised_on as ended_on,
        working_days_to_authorisation as measure_value,
        'working days from start to authorisation' as measure,
        case when is_within_45_working_days then 1 else 0 end as numerator,
        1 as denominator
    from assessments

)

select * from final
