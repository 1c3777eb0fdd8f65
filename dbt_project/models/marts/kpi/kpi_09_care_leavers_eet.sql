{#- kpi_09: % of care leavers aged 19-21 in education, employment or training, by the birthday
    falling in the window (ytd from 1 April, and by month). Young people who died or returned
    home (in_touch DIED, RHOM) are out of scope; those not in touch stay in the denominator. -#}
with

outcomes as (

    select * from {{ ref('fct_care_leaver_outcomes') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_09'

),

in_scope as (

    select birthday_on, is_in_eet
    from outcomes
    where is_in_kpi_09

),

final as (

    select
        'kpi_09' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(in_scope.birthday_on) filter (where in_scope.is_in_eet) as numerator,
        count(in_scope.birthday_on) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join in_scope
        on in_scope.birthday_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

)

select * from final
