{#- kpi_05: % of initial child protection conferences held within 15 working days. -#}
with

conferences as (

    select * from {{ ref('fct_initial_cp_conferences') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_05'

),

clocked as (

    select held_on, is_within_15_working_days
    from conferences
    where is_in_kpi_05

),

final as (

    select
        'kpi_05' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(clocked.held_on) filter (where clocked.is_within_15_working_days) as numerator,
        count(clocked.held_on) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join clocked on clocked.held_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

)

select * from final
