{#- rate_referrals, rate_assessments, rate_s47, rate_icpc: events in the rolling 12 months per
    10,000 children aged 0-17 (the latest mid-year estimate at or before the period end). -#}
with

referrals as (

    select referral_on as event_on from {{ ref('fct_referrals') }}

),

assessments as (

    select authorised_on as event_on
    from {{ ref('fct_assessments') }}
    where is_in_kpi_03

),

s47_enquiries as (

    select started_on as event_on from {{ ref('fct_s47_enquiries') }}

),

conferences as (

    select held_on as event_on from {{ ref('fct_initial_cp_conferences') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id in ('rate_referrals', 'rate_assessments', 'rate_s47', 'rate_icpc')

),

population as (

    select period_end, population_0_17 from {{ ref('int_population__by_month') }}

),

events as (

    select 'rate_referrals' as kpi_id, event_on from referrals
    union all
    select 'rate_assessments', event_on from assessments
    union all
    select 'rate_s47', event_on from s47_enquiries
    union all
    select 'rate_icpc', event_on from conferences

),

counted as (

    select
        windows.kpi_id,
        windows.period_end,
        windows.period_type,
        count(events.event_on) as events
    from windows
    left join events
        on windows.kpi_id = events.kpi_id
        and events.event_on between windows.window_start and windows.window_end
    group by windows.kpi_id, windows.period_end, windows.period_type

),

final as (

    select
        counted.kpi_id,
        counted.period_end,
        counted.period_type,
        counted.events as numerator,
        population.population_0_17 as denominator,
        {{ rate_per('counted.events', 'population.population_0_17', 10000) }} as value
    from counted
    left join population on counted.period_end = population.period_end

)

select * from final
