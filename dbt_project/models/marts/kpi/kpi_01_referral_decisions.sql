{#- kpi_01 records: one row per referral in the measure - decided, and not excluded for a decision
    recorded before receipt (fct_referrals.is_in_kpi_01) - placed in windows by its decision
    date; the numerator is 1 when it was decided within 24 clock hours. -#}
with

referrals as (

    select * from {{ ref('fct_referrals') }}
    where is_in_kpi_01

),

final as (

    select
        'kpi_01' as kpi_id,
        decision_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        referral_id as record_id,
        person_id,
        team,
        cast(referral_at as date) as started_on,
        decision_on as ended_on,
        round(hours_to_decision, 1) as measure_value,
        'hours from receipt to decision' as measure,
        case when is_decided_within_24h then 1 else 0 end as numerator,
        1 as denominator
    from referrals

)

select * from final
