{#- rate_cin: children in need at the period end (int_cin__open_cases_by_month, kpi_04's
    denominator) per 10,000 aged 0-17. -#}
with

open_cases as (

    select * from {{ ref('int_cin__open_cases_by_month') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'rate_cin'

),

population as (

    select period_end, population_0_17 from {{ ref('int_population__by_month') }}

),

counted as (

    select
        windows.period_end,
        windows.period_type,
        count(open_cases.person_id) as children_in_need
    from windows
    left join open_cases on windows.period_end = open_cases.period_end
    group by windows.period_end, windows.period_type

),

final as (

    select
        'rate_cin' as kpi_id,
        counted.period_end,
        counted.period_type,
        counted.children_in_need as numerator,
        population.population_0_17 as denominator,
        {{ rate_per('counted.children_in_need', 'population.population_0_17', 10000) }} as value
    from counted
    left join population on counted.period_end = population.period_end

)

select * from final
