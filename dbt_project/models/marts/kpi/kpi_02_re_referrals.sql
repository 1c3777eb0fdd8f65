{#- kpi_02 records: one row per referral received (NFA included), placed in windows by the date
    received; the numerator is 1 for a re-referral within 12 months of an earlier referral of
    the child (fct_referrals.is_re_referral_12m). -#}
with

referrals as (

    select * from {{ ref('fct_referrals') }}

),

final as (

    select
        'kpi_02' as kpi_id,
        referral_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        referral_id as record_id,
        person_id,
        team,
        cast(previous_referral_at as date) as started_on,
        referral_on as ended_on,
        date_diff('day', cast(previous_referral_at as date), referral_on) as measure_value,
        'days since the previous referral' as measure,
        case when is_re_referral_12m then 1 else 0 end as numerator,
        1 as denominator
    from referrals

)

select * from final
