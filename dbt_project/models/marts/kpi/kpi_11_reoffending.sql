{#- kpi_11 records: one row per month end and young person in its cohort - aged 10-17 at their
    first index outcome in the 12 calendar months ending 18 months before the month end, so
    their 12-month offending window and 6 more months for the outcome are complete (the cohort
    windows of int_kpi_windows) - with numerator 1 when they re-offended within the year. -#}
with

outcomes as (

    select * from {{ ref('fct_yj_outcomes') }}

),

published as (

    -- The cohort windows kpi_11 is published for (int_reporting_windows: the 12 months ending
    -- 18 months before the period end; int_kpi_windows: only where the data cover them).
    select period_end, window_start, window_end
    from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_11'

),

index_candidates as (

    select
        published.period_end,
        outcomes.person_id,
        outcomes.outcome_on as index_on,
        outcomes.age_at_outcome,
        row_number() over (
            partition by published.period_end, outcomes.person_id
            order by
                outcomes.outcome_on,
                try_cast(outcomes.yj_outcome_id as bigint) nulls last,
                outcomes.yj_outcome_id
        ) as index_rank
    from published
    inner join outcomes
        on outcomes.is_qualifying_index_outcome
        and outcomes.outcome_on between published.window_start and published.window_end

),

cohort as (

    -- The index is the person's first index outcome in the window; the age test applies to it.
    select period_end, person_id, index_on
    from index_candidates
    where index_rank = 1 and age_at_outcome between 10 and 17

),

reoffended as (

    -- An offence committed after the index date and no more than 12 calendar months after it,
    -- that reached a formal outcome no more than 18 calendar months after the index date.
    select distinct
        cohort.period_end,
        cohort.person_id
    from cohort
    inner join outcomes as reoffences
        on cohort.person_id = reoffences.person_id
        and reoffences.is_qualifying_offence_outcome
        and reoffences.offence_exclusion_reason is null
        and reoffences.offence_on > cohort.index_on
        and reoffences.offence_on <= cast(cohort.index_on + interval 12 month as date)
        and reoffences.outcome_on <= cast(cohort.index_on + interval 18 month as date)

),

final as (

    select
        'kpi_11' as kpi_id,
        cast(null as date) as event_on,
        cohort.period_end,
        'cohort' as period_type,
        cohort.person_id as record_id,
        cohort.person_id,
        cast(null as varchar) as team,
        cohort.index_on as started_on,
        cast(null as date) as ended_on,
        cast(null as double) as measure_value,
        cast(null as varchar) as measure,
        case when reoffended.person_id is not null then 1 else 0 end as numerator,
        1 as denominator
    from cohort
    left join reoffended
        on cohort.period_end = reoffended.period_end
        and cohort.person_id = reoffended.person_id

)

select * from final
