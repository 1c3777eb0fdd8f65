{#- One row per month end and child open as a child in need at the end of that day: a non-NFA
    referral received on or before it and not closed, or closed after it. A child with several
    open episodes counts once, from the earliest (docs/kpi-definitions.md, kpi_04). -#}
with

episodes as (

    select * from {{ ref('fct_cin_episodes') }}

),

months as (

    select period_end from {{ ref('int_month_spine') }}

),

open_episodes as (

    select
        months.period_end,
        episodes.person_id,
        episodes.cin_episode_id,
        episodes.started_on,
        episodes.team,
        row_number() over (
            partition by months.period_end, episodes.person_id
            order by episodes.started_on, episodes.cin_episode_id
        ) as episode_rank
    from months
    inner join episodes
        on episodes.started_on <= months.period_end
        -- An episode closed before it began (fct_cin_episodes.interval_exclusion_reason) is
        -- open on no day by this test: it drops out by itself, and audit.kpi_exclusions lists it.
        and (episodes.closed_on is null or episodes.closed_on > months.period_end)

),

final as (

    select
        period_end,
        person_id,
        cin_episode_id as earliest_open_cin_episode_id,
        started_on as earliest_open_start,
        team,
        started_on <= period_end - interval 2 year as is_open_over_2_years
    from open_episodes
    where episode_rank = 1

)

select * from final
