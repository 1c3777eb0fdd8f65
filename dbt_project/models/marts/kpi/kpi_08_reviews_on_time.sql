{#- kpi_08: % of looked-after reviews held on or before their regulation 33 due date, year to
    date (from 1 April) and by month. Reviews under a short-break status (V3/V4) on the day are
    excluded, as are reviews that cannot be placed in a period of care (audit.kpi_exclusions). -#}
with

reviews as (

    select * from {{ ref('fct_cla_reviews') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_08'

),

in_scope as (

    select held_on, is_on_time
    from reviews
    where is_in_kpi_08

),

final as (

    select
        'kpi_08' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(in_scope.held_on) filter (where in_scope.is_on_time) as numerator,
        count(in_scope.held_on) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join in_scope on in_scope.held_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

)

select * from final
