{#- kpi_01: % of referrals with a decision within 24 hours, by month and rolling 12 months. -#}
with

referrals as (

    select * from {{ ref('fct_referrals') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_01'

),

decided as (

    select decision_on, is_decided_within_24h
    from referrals
    where is_in_kpi_01

),

final as (

    select
        'kpi_01' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(decided.decision_on) filter (where decided.is_decided_within_24h) as numerator,
        count(decided.decision_on) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join decided
        on decided.decision_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

)

select * from final
