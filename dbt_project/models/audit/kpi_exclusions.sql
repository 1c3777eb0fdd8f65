{#- Records left out of a KPI's numerator and denominator because their dates are impossible for
    the measure (kpi-definitions: data quality). period_end is the month the record would have
    counted in. -#}
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

exclusions as (

    select
        'kpi_01' as kpi_id,
        referral_id as record_id,
        cast(last_day(decision_on) as date) as period_end,
        decision_exclusion_reason as reason
    from referrals
    where decision_exclusion_reason is not null
    union all
    select
        'kpi_03',
        assessment_id,
        cast(last_day(authorised_on) as date),
        exclusion_reason
    from assessments
    where exclusion_reason is not null
    union all
    select
        'kpi_05',
        icpc_id,
        cast(last_day(held_on) as date),
        exclusion_reason
    from conferences
    where exclusion_reason is not null
    union all
    select
        'kpi_08',
        review_id,
        cast(last_day(held_on) as date),
        exclusion_reason
    from reviews
    where exclusion_reason is not null
    union all
    select
        'kpi_10',
        permanence_id,
        cast(last_day(adopted_on) as date),
        a2_exclusion_reason
    from adoptions
    where a2_exclusion_reason is not null
    union all
    select
        'cbp_a1',
        permanence_id,
        cast(last_day(adopted_on) as date),
        a1_exclusion_reason
    from adoptions
    where a1_exclusion_reason is not null

),

final as (

    select kpi_id, record_id, period_end, reason from exclusions

)

select * from final
