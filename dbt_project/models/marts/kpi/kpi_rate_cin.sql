{#- rate_cin: children in need at the period end (kpi_04's denominator) per 10,000 aged 0-17. -#}
with

cin as (

    select period_end, denominator as children_in_need
    from {{ ref('kpi_04_cin_open_over_2_years') }}

),

population as (

    select period_end, population_0_17 from {{ ref('int_population__by_month') }}

),

final as (

    select
        'rate_cin' as kpi_id,
        cin.period_end,
        'snapshot' as period_type,
        cin.children_in_need as numerator,
        population.population_0_17 as denominator,
        {{ rate_per('cin.children_in_need', 'population.population_0_17', 10000) }} as value
    from cin
    left join population on cin.period_end = population.period_end

)

select * from final
