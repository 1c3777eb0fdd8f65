{#- kpi_13: % of CP plans ended in the rolling 3 months that lasted 3 months or less. -#}
with

plans as (

    select * from {{ ref('fct_cp_plans') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_13'

),

ended as (

    select ended_on, ended_within_3_months
    from plans
    where is_in_kpi_13

),

final as (

    select
        'kpi_13' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(ended.ended_on) filter (where ended.ended_within_3_months) as numerator,
        count(ended.ended_on) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join ended on ended.ended_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

)

select * from final
