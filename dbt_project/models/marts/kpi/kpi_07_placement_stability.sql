{#- kpi_07 records: one row per month end and child in the long-term stability cohort
    (int_cla__placement_stability_by_month: looked after, under 16, in care 2.5 years or more,
    no short breaks); the numerator is 1 when their placement (or the one before a placement for
    adoption) has lasted 2 years or more. -#}
with

cohort as (

    select * from {{ ref('int_cla__placement_stability_by_month') }}

),

final as (

    select
        'kpi_07' as kpi_id,
        cast(null as date) as event_on,
        period_end as period_end,
        'snapshot' as period_type,
        placement_id as record_id,
        person_id,
        cast(null as varchar) as team,
        period_started_on as started_on,
        stable_since as ended_on,
        date_diff('day', stable_since, period_end) as measure_value,
        'days in the current placement at the period end' as measure,
        case when is_stable then 1 else 0 end as numerator,
        1 as denominator
    from cohort

)

select * from final
