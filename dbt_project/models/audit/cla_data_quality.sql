{#- Contradictions between the looked-after extracts, one row per finding, with the rule the
    warehouse applied instead of guessing silently:
    - overlapping_periods: two periods of care of one child overlap. Rule: at any date the child
      counts once, in the later-starting period.
    - gap_in_period: an episode starts after the previous episode of its period ended (or the
      previous one did not end X1 on that day). Rule: the period runs from its first start to its
      last end, the gap included.
    - period_ends_x1: the last episode of a period ended X1 ("new episode the same day") but no
      episode follows. Rule: the period ends on that date.
    - placement_outside_period: a placement starts before or ends after its period of care, or
      names an unknown period. Rule: the placement is still used while it is open at a date.
    - review_due_date_disagrees: the extract's due date differs from the regulation 33 due date
      computed by the warehouse. Rule: kpi_08 uses the computed date.
    record_id is the record at fault, related_record_id the period of care it is compared with; the
    detail names no id, so the analyst database can publish it beside their pseudonyms. -#}
with

episodes as (

    select * from {{ ref('stg_csc__cla_episodes') }}

),

periods as (

    select * from {{ ref('int_cla__periods_of_care') }}

),

placements as (

    select * from {{ ref('int_cla__placements') }}

),

reviews as (

    select * from {{ ref('fct_cla_reviews') }}

),

episode_sequence as (

    select
        episodes.*,
        lag(ceased_on) over period_episodes as previous_ceased_on,
        lag(ceased_reason) over period_episodes as previous_ceased_reason
    from episodes
    window period_episodes as (partition by period_of_care_id order by started_on, episode_id)

),

findings as (

    select
        'overlapping_periods' as check_name,
        a.period_of_care_id as record_id,
        b.period_of_care_id as related_record_id,
        a.person_id,
        'overlaps the period of care in related_record_id' as detail
    from periods as a
    inner join periods as b
        on a.person_id = b.person_id
        and a.period_of_care_id < b.period_of_care_id
        and a.started_on < coalesce(b.ended_on, date '9999-12-31')
        and b.started_on < coalesce(a.ended_on, date '9999-12-31')
    union all
    select
        'gap_in_period',
        episode_id,
        period_of_care_id,
        person_id,
        'starts ' || cast(started_on as varchar) || '; previous episode ended '
        || coalesce(cast(previous_ceased_on as varchar), '(open)') || ' with '
        || coalesce(previous_ceased_reason, '(no reason)')
    from episode_sequence
    where
        previous_ceased_on is distinct from started_on
        or previous_ceased_reason is distinct from 'X1'
    qualify row_number() over (partition by period_of_care_id order by started_on) > 1
    union all
    select
        'period_ends_x1',
        period_of_care_id,
        null,
        person_id,
        'last episode ended X1 on ' || cast(ended_on as varchar) || ' with no next episode'
    from periods
    where end_reason = 'X1'
    union all
    select
        'placement_outside_period',
        placement_id,
        period_of_care_id,
        person_id,
        'placement ' || cast(started_on as varchar) || ' to '
        || coalesce(cast(ended_on as varchar), '(open)') || ' in the period in related_record_id'
    from placements
    where not is_within_period_of_care
    union all
    select
        'review_due_date_disagrees',
        review_id,
        null,
        person_id,
        'recorded due ' || cast(recorded_due_on as varchar) || ', computed due '
        || cast(due_on as varchar)
    from reviews
    where due_date_disagrees

),

final as (

    select check_name, record_id, related_record_id, person_id, detail from findings

)

select * from final
