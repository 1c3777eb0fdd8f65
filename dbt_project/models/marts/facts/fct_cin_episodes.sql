{#- One row per child-in-need episode: a referral that was not NFA, open from its referral date
    until its close date (kpi_04, rate_cin). -#}
with

referrals as (

    select * from {{ ref('stg_csc__referrals') }}

),

final as (

    select
        referral_id as cin_episode_id,
        person_id,
        cast(referral_at as date) as started_on,
        closed_on,
        close_reason,
        primary_need_code,
        team
    from referrals
    where not coalesce(is_nfa, false)

)

select * from final
