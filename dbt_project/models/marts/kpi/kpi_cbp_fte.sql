{#- cbp_fte: first-time entrants to the youth justice system per 100,000 young people aged
    10-17, over the rolling 12 months. The numerator is final; the denominator waits for a
    sourced ONS mid-year 10-17 population seed, so denominator and value are null until then. -#}
with

outcomes as (

    select * from {{ ref('fct_yj_outcomes') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'cbp_fte'

),

first_time_entrants as (

    -- A person's first-ever formal outcome, when they were 10-17 on its date. A person whose
    -- first formal outcome came earlier (in or before any window) is not a first-time entrant
    -- when a later one falls in the window.
    select person_id, outcome_on
    from outcomes
    where is_first_ever_formal_outcome and age_at_outcome between 10 and 17

),

population as (

    select estimate_date, population
    from {{ ref('population_10_17') }}
    where la_code = '{{ var("la_code") }}'

),

counted as (

    select
        windows.period_end,
        windows.period_type,
        count(distinct first_time_entrants.person_id) as entrants
    from windows
    left join first_time_entrants
        on first_time_entrants.outcome_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

),

with_population as (

    -- The latest mid-year 10-17 estimate at or before the window end; none while the seed is
    -- empty, which leaves the rate null rather than invented.
    select
        counted.*,
        (
            select arg_max(population.population, population.estimate_date)
            from population
            where population.estimate_date <= counted.period_end
        ) as population_10_17
    from counted

),

final as (

    select
        'cbp_fte' as kpi_id,
        period_end,
        period_type,
        entrants as numerator,
        cast(population_10_17 as double) as denominator,
        {{ rate_per('entrants', 'population_10_17', 100000) }} as value
    from with_population

)

select * from final
