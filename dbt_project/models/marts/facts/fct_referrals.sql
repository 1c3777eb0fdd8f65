{#- One row per referral with its decision clock (kpi_01) and whether it is a re-referral within
    12 months (kpi_02). -#}
with

referrals as (

    select * from {{ ref('stg_csc__referrals') }}

),

ordered as (

    select
        referrals.*,
        -- The child's previous referral: earlier datetime, ties broken by referral id (numeric
        -- ids in number order), so of two referrals received at the same moment the second is a
        -- re-referral (docs/kpi-definitions.md, kpi_02).
        lag(referral_id) over child_referrals as previous_referral_id,
        lag(referral_at) over child_referrals as previous_referral_at
    from referrals
    window child_referrals as (
        partition by person_id
        order by referral_at, try_cast(referral_id as bigint) nulls last, referral_id
    )

),

final as (

    select
        referral_id,
        person_id,
        referral_at,
        cast(referral_at as date) as referral_on,
        decision_at,
        cast(decision_at as date) as decision_on,
        coalesce(is_nfa, false) as is_nfa,
        closed_on,
        team,
        date_diff('minute', referral_at, decision_at) / 60.0 as hours_to_decision,
        -- Exactly 24 hours is within (docs/kpi-definitions.md, kpi_01).
        decision_at <= referral_at + interval 24 hour as is_decided_within_24h,
        case
            when decision_at < referral_at then 'decision recorded before the referral was received'
        end as decision_exclusion_reason,
        previous_referral_id,
        previous_referral_at,
        -- Calendar months on dates: a previous referral on this referral's date 12 months ago
        -- counts (received "on or after this referral's date - 12 months").
        coalesce(
            cast(previous_referral_at as date)
            >= cast(referral_at as date) - interval 12 month,
            false
        ) as is_re_referral_12m
    from ordered

)

select
    *,
    -- kpi_01's denominator: decided, and not excluded for an impossible decision time.
    coalesce(decision_at is not null and decision_exclusion_reason is null, false) as is_in_kpi_01
from final
