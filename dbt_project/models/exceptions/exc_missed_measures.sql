{#- The records behind each missed measure, for practice managers: one row per KPI, month end and
    record that counted against the KPI in that month (a referral decided after 24 hours, an
    assessment over 45 working days, a child open as CIN over 2 years, a late review, ...), with
    the child, team and dates. Each row comes from the same fact or intermediate flag the KPI
    counts, so the list and the figure cannot disagree. Child-level: written only to the
    restricted folder. -#}
with

referrals as (

    select * from {{ ref('fct_referrals') }}

),

assessments as (

    select * from {{ ref('fct_assessments') }}

),

open_cin as (

    select * from {{ ref('int_cin__open_cases_by_month') }}

),

conferences as (

    select * from {{ ref('fct_initial_cp_conferences') }}

),

children_becoming_subject as (

    select * from {{ ref('int_cp__children_becoming_subject_by_window') }}
    where period_type = 'month'

),

stability as (

    select * from {{ ref('int_cla__placement_stability_by_month') }}

),

reviews as (

    select * from {{ ref('fct_cla_reviews') }}

),

care_leavers as (

    select * from {{ ref('fct_care_leaver_outcomes') }}

),

plans as (

    select * from {{ ref('fct_cp_plans') }}

),

workforce as (

    select * from {{ ref('fct_workforce_month_end') }}

),

exceptions as (

    select
        'kpi_01' as kpi_id,
        cast(last_day(decision_on) as date) as period_end,
        person_id,
        referral_id as record_id,
        team,
        cast(referral_at as date) as started_on,
        decision_on as ended_on,
        round(hours_to_decision, 1) as measure_value,
        'hours from receipt to decision' as measure
    from referrals
    where is_in_kpi_01 and not is_decided_within_24h
    union all
    select
        'kpi_02',
        cast(last_day(referral_on) as date),
        person_id,
        referral_id,
        team,
        cast(previous_referral_at as date),
        referral_on,
        date_diff('day', cast(previous_referral_at as date), referral_on),
        'days since the previous referral'
    from referrals
    where is_re_referral_12m
    union all
    select
        'kpi_03',
        cast(last_day(authorised_on) as date),
        person_id,
        assessment_id,
        team,
        started_on,
        authorised_on,
        working_days_to_authorisation,
        'working days from start to authorisation'
    from assessments
    where is_in_kpi_03 and not is_within_45_working_days
    union all
    select
        'kpi_04',
        period_end,
        person_id,
        earliest_open_cin_episode_id,
        team,
        earliest_open_start,
        null,
        date_diff('day', earliest_open_start, period_end),
        'days open at the period end'
    from open_cin
    where is_open_over_2_years
    union all
    select
        'kpi_05',
        cast(last_day(held_on) as date),
        person_id,
        icpc_id,
        null,
        clock_started_on,
        held_on,
        working_days_to_conference,
        'working days from ' || clock_start_source || ' to conference'
    from conferences
    where is_in_kpi_05 and not is_within_15_working_days
    union all
    select
        'kpi_06',
        period_end,
        person_id,
        cp_plan_id,
        null,
        previous_plan_ended_on,
        started_on,
        date_diff('day', previous_plan_ended_on, started_on),
        'days from the end of the earlier plan to this plan'
    from children_becoming_subject
    where is_repeat_within_2_years
    union all
    select
        'kpi_07',
        period_end,
        person_id,
        placement_id,
        null,
        period_started_on,
        stable_since,
        date_diff('day', stable_since, period_end),
        'days in the current placement at the period end'
    from stability
    where not is_stable
    union all
    select
        'kpi_08',
        cast(last_day(held_on) as date),
        person_id,
        review_id,
        null,
        due_on,
        held_on,
        date_diff('day', due_on, held_on),
        'days late'
    from reviews
    where is_in_kpi_08 and not is_on_time
    union all
    select
        'kpi_09',
        cast(last_day(birthday_on) as date),
        person_id,
        care_leaver_outcome_id,
        null,
        birthday_on,
        null,
        birthday_age,
        'age at the birthday; activity ' || coalesce(activity, 'unknown') || ', in touch '
        || in_touch
    from care_leavers
    where is_in_kpi_09 and not is_in_eet
    union all
    select
        'kpi_13',
        cast(last_day(ended_on) as date),
        person_id,
        cp_plan_id,
        null,
        started_on,
        ended_on,
        days_on_plan,
        'days on the plan'
    from plans
    where is_in_kpi_13 and ended_within_3_months
    union all
    select
        'kpi_15',
        snapshot_on,
        null,
        professional_id,
        team,
        null,
        snapshot_on,
        null,
        'worker with no recorded supervision in the month'
    from workforce
    where is_in_supervision_scope and not supervised_in_month

),

final as (

    select * from exceptions

)

select * from final
