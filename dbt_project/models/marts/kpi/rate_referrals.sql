{#- rate_referrals records: one row per referral received, placed in windows by the date received. The rate per 10,000 children aged 0-17 is taken in
    marts.kpi_values from the population of the period end. -#}
with

events as (

    select * from {{ ref('fct_referrals') }}

),

final as (

    select
        'rate_referrals' as kpi_id,
        referral_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        referral_id as record_id,
        person_id,
        team as team,
        referral_on as started_on,
        cast(null as date) as ended_on,
        cast(null as double) as measure_value,
        cast(null as varchar) as measure,
        1 as numerator,
        cast(null as integer) as denominator
    from events

)

select * from final
