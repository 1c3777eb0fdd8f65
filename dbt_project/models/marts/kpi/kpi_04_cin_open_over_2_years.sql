{#- kpi_04 records: one row per month end and child open as a child in need at the end of that day
    (int_cin__open_cases_by_month: each child once, by the earliest open episode); the numerator
    is 1 when that episode began 2 years or more before the month end. -#}
with

open_cases as (

    select * from {{ ref('int_cin__open_cases_by_month') }}

),

final as (

    select
        'kpi_04' as kpi_id,
        cast(null as date) as event_on,
        period_end as period_end,
        'snapshot' as period_type,
        earliest_open_cin_episode_id as record_id,
        person_id,
        team,
        earliest_open_start as started_on,
        cast(null as date) as ended_on,
        date_diff('day', earliest_open_start, period_end) as measure_value,
        'days open at the period end' as measure,
        case when is_open_over_2_years then 1 else 0 end as numerator,
        1 as denominator
    from open_cases

)

select * from final
