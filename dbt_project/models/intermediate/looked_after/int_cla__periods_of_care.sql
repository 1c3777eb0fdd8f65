{#- One row per period of care: the episodes that share a clae_cla_id, from the first episode's
    start to the last episode's end. An episode ending with reason X1 continues into the next
    episode; a period whose last episode has no end date is open. Contradictions are not
    resolved silently: they are listed in audit.cla_data_quality with the rule applied, and a
    period holding an episode that ceases before it starts carries that episode in
    contradictory_episode_id. -#}
with

episodes as (

    select * from {{ ref('stg_csc__cla_episodes') }}

),

ordered as (

    select
        episodes.*,
        row_number() over (
            partition by period_of_care_id order by started_on desc, episode_id desc
        ) as position_from_last,
        count(*) over (partition by period_of_care_id) as episode_count
    from episodes

),

final as (

    select
        period_of_care_id,
        -- The person of the period's first episode; a period spanning two children is listed
        -- in int_cla__data_quality.
        arg_min(person_id, started_on) as person_id,
        min(started_on) as started_on,
        -- Open while the last episode is open. A last episode ending X1 ("new episode the same
        -- day") with no next episode is taken as ended on that date and listed as a
        -- contradiction.
        max(case when position_from_last = 1 then ceased_on end) as ended_on,
        max(case when position_from_last = 1 then ceased_reason end) as end_reason,
        min(entered_care_on) as recorded_entered_care_on,
        max(episode_count) as episode_count,
        -- An episode that ceases before it starts breaks the period's interval: the period is
        -- left out of the month-end counts that need it (rate_cla, kpi_07) and listed in
        -- audit.kpi_exclusions; its start still serves kpi_08 and cbp_a1.
        arg_min(episode_id, started_on) filter (where ceased_on < started_on)
            as contradictory_episode_id
    from ordered
    group by period_of_care_id

)

select * from final
