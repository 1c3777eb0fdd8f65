{#- The 10-17 population used for rates per 100,000 (cbp_fte) at each period end: the latest ONS
    mid-year estimate at or before the period end for the authority (var la_code, seed
    population_10_17). No estimate yet (before the first mid-year in the seed), no rate: null,
    rather than one borrowed from a later year. -#}
with

months as (

    select period_end from {{ ref('int_month_spine') }}

),

estimates as (

    select estimate_date, population
    from {{ ref('population_10_17') }}
    where la_code = '{{ var("la_code") }}'

),

final as (

    select
        months.period_end,
        arg_max(estimates.population, estimates.estimate_date) as population_10_17,
        max(estimates.estimate_date) as estimate_date
    from months
    left join estimates on estimates.estimate_date <= months.period_end
    group by months.period_end

)

select * from final
