{#- kpi_02: % of referrals received that are re-referrals within 12 months (NFA included). -#}
with

referrals as (

    select * from {{ ref('fct_referrals') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_02'

),

final as (

    select
        'kpi_02' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(referrals.referral_id) filter (where referrals.is_re_referral_12m) as numerator,
        count(referrals.referral_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join referrals
        on referrals.referral_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

)

select * from final
