{#- One row per child-in-need episode: a referral that was not NFA, open from its referral date
    until its close date (kpi_04, rate_cin). An episode closed before its referral was received
    has no open interval to count: it stays here with interval_exclusion_reason, is left out of
    the open cases (kpi_04, rate_cin) and listed in audit.kpi_exclusions; the referral itself
    still counts for kpi_01, kpi_02 and rate_referrals, which do not need the interval. -#}
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
        team,
        case
            when closed_on < cast(referral_at as date)
                then 'closed before the referral was received'
        end as interval_exclusion_reason
    from referrals
    where not coalesce(is_nfa, false)

)

select * from final
