{#- One row per month end and child looked after at the end of that day: their current period of
    care, age, legal status and current placement. Looked after at the end of day d means a period
    with started_on <= d and no end or an end after d (a child leaving care on d is not looked
    after at its end). A child in two overlapping periods (a contradiction, listed in
    audit.cla_data_quality) counts once, in the later-starting period. -#}
with

months as (

    select period_end from {{ ref('int_month_spine') }}

),

periods as (

    select * from {{ ref('int_cla__periods_of_care') }}

),

persons as (

    select person_id, date_of_birth from {{ ref('stg_csc__persons') }}

),

placements as (

    select * from {{ ref('int_cla__placements') }}

),

legal_statuses as (

    select * from {{ ref('int_cla__legal_status_spells') }}

),

open_periods as (

    select
        months.period_end,
        periods.person_id,
        periods.period_of_care_id,
        periods.started_on as period_started_on,
        periods.contradictory_episode_id,
        row_number() over (
            partition by months.period_end, periods.person_id
            order by periods.started_on desc, periods.period_of_care_id desc
        ) as period_rank
    from months
    inner join periods
        on periods.started_on <= months.period_end
        and (periods.ended_on is null or periods.ended_on > months.period_end)

),

current_placements as (

    select
        open_periods.period_end,
        open_periods.period_of_care_id,
        placements.placement_id,
        placements.placement_type,
        placements.started_on,
        placements.is_placed_for_adoption,
        placements.previous_placement_started_on,
        row_number() over (
            partition by open_periods.period_end, open_periods.period_of_care_id
            order by placements.started_on desc, placements.placement_id desc
        ) as placement_rank
    from open_periods
    inner join placements
        on open_periods.period_of_care_id = placements.period_of_care_id
        and placements.started_on <= open_periods.period_end
        and (placements.ended_on is null or placements.ended_on > open_periods.period_end)
    where open_periods.period_rank = 1

),

current_legal_status as (

    select
        open_periods.period_end,
        open_periods.person_id,
        legal_statuses.legal_status,
        row_number() over (
            partition by open_periods.period_end, open_periods.person_id
            order by legal_statuses.started_on desc, legal_statuses.legal_status_id desc
        ) as status_rank
    from open_periods
    inner join legal_statuses
        on open_periods.person_id = legal_statuses.person_id
        and legal_statuses.started_on <= open_periods.period_end
        and open_periods.period_end < legal_statuses.stops_on
    where open_periods.period_rank = 1

),

final as (

    select
        open_periods.period_end,
        open_periods.person_id,
        open_periods.period_of_care_id,
        open_periods.period_started_on,
        -- The period's interval is unreliable (an episode ceases before it starts): left out of
        -- rate_cla and kpi_07, listed in audit.kpi_exclusions.
        open_periods.contradictory_episode_id is not null as is_excluded_from_cla_counts,
        persons.date_of_birth,
        {{ age_at('persons.date_of_birth', 'open_periods.period_end') }} as age_at_period_end,
        current_legal_status.legal_status,
        coalesce(current_legal_status.legal_status in ('V3', 'V4'), false) as is_short_break,
        current_placements.placement_id,
        current_placements.placement_type,
        current_placements.started_on as placement_started_on,
        current_placements.is_placed_for_adoption,
        current_placements.previous_placement_started_on
    from open_periods
    left join persons on open_periods.person_id = persons.person_id
    left join current_placements
        on open_periods.period_end = current_placements.period_end
        and open_periods.period_of_care_id = current_placements.period_of_care_id
        and current_placements.placement_rank = 1
    left join current_legal_status
        on open_periods.period_end = current_legal_status.period_end
        and open_periods.person_id = current_legal_status.person_id
        and current_legal_status.status_rank = 1
    where open_periods.period_rank = 1

)

select * from final
