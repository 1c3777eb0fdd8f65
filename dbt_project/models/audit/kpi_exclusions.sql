{#- Records left out of a KPI's numerator and denominator because their dates are impossible for
    the measure, only from the measures that need the impossible interval (the record stays in
    the warehouse; docs/conventions.md, data quality). period_end is the month the record
    would have counted in; for a month-end count, the month the record began. -#}
with

referrals as (

    select * from {{ ref('fct_referrals') }}

),

assessments as (

    select * from {{ ref('fct_assessments') }}

),

conferences as (

    select * from {{ ref('fct_initial_cp_conferences') }}

),

reviews as (

    select * from {{ ref('fct_cla_reviews') }}

),

adoptions as (

    select * from {{ ref('fct_adoptions') }}

),

cin_episodes as (

    select * from {{ ref('fct_cin_episodes') }}

),

plans as (

    select * from {{ ref('fct_cp_plans') }}

),

periods as (

    select * from {{ ref('int_cla__periods_of_care') }}

),

placements as (

    select * from {{ ref('int_cla__placements') }}

),

involvements as (

    select * from {{ ref('stg_csc__involvements') }}

),

yj_outcomes as (

    select * from {{ ref('fct_yj_outcomes') }}

),

episode_starts as (

    select episode_id, started_on from {{ ref('stg_csc__cla_episodes') }}

),

exclusions as (

    select
        'kpi_01' as kpi_id,
        'ssd_cin_episodes' as source_extract,
        referral_id as record_id,
        cast(last_day(decision_on) as date) as period_end,
        decision_exclusion_reason as reason
    from referrals
    where decision_exclusion_reason is not null
    union all
    select
        'kpi_03',
        'ssd_cin_assessments',
        assessment_id,
        cast(last_day(authorised_on) as date),
        exclusion_reason
    from assessments
    where exclusion_reason is not null
    union all
    select
        'kpi_05',
        'ssd_initial_cp_conference',
        icpc_id,
        cast(last_day(held_on) as date),
        exclusion_reason
    from conferences
    where exclusion_reason is not null
    union all
    select
        'kpi_08',
        'ssd_cla_reviews',
        review_id,
        cast(last_day(held_on) as date),
        exclusion_reason
    from reviews
    where exclusion_reason is not null
    union all
    select
        'kpi_10',
        'ssd_permanence',
        permanence_id,
        cast(last_day(adopted_on) as date),
        a2_exclusion_reason
    from adoptions
    where a2_exclusion_reason is not null
    union all
    select
        'cbp_a1',
        'ssd_permanence',
        permanence_id,
        cast(last_day(adopted_on) as date),
        a1_exclusion_reason
    from adoptions
    where a1_exclusion_reason is not null
    union all
    -- A record whose interval is impossible is left out of the month-end counts that need it;
    -- it is listed once, in the month it began, for each KPI it is left out of.
    select
        kpi.kpi_id,
        'ssd_cin_episodes',
        cin_episodes.cin_episode_id,
        cast(last_day(cin_episodes.started_on) as date),
        cin_episodes.interval_exclusion_reason
    from cin_episodes
    cross join (values ('kpi_04'), ('rate_cin')) as kpi (kpi_id)
    where cin_episodes.interval_exclusion_reason is not null
    union all
    select
        kpi.kpi_id,
        'ssd_cp_plans',
        plans.cp_plan_id,
        cast(last_day(plans.started_on) as date),
        plans.interval_exclusion_reason
    from plans
    cross join (values ('kpi_13'), ('rate_cp')) as kpi (kpi_id)
    where plans.interval_exclusion_reason is not null and not plans.is_other_la
    union all
    select
        'kpi_06',
        'ssd_cp_plans',
        cp_plan_id,
        cast(last_day(started_on) as date),
        repeat_exclusion_reason
    from plans
    where repeat_exclusion_reason is not null and not is_other_la
    union all
    select
        kpi.kpi_id,
        'ssd_cla_episodes',
        periods.contradictory_episode_id,
        cast(last_day(episode_starts.started_on) as date),
        'looked-after episode ceases before it starts: its period of care is left out'
    from periods
    inner join episode_starts on periods.contradictory_episode_id = episode_starts.episode_id
    cross join (values ('kpi_07'), ('rate_cla')) as kpi (kpi_id)
    union all
    select
        'kpi_07',
        'ssd_cla_placement',
        placement_id,
        cast(last_day(started_on) as date),
        'placement ends before it starts: the current placement is unknown from its start'
    from placements
    where ends_before_it_starts
    union all
    select
        'kpi_14',
        'ssd_involvements',
        involvement_id,
        cast(last_day(started_on) as date),
        'allocation ends before it starts'
    from involvements
    where ended_on < started_on
    union all
    select
        'kpi_11',
        'ext_yj_outcomes',
        yj_outcome_id,
        cast(last_day(outcome_on) as date),
        offence_exclusion_reason
    from yj_outcomes
    where offence_exclusion_reason is not null

),

final as (

    select kpi_id, source_extract, record_id, period_end, reason from exclusions

)

select * from final
