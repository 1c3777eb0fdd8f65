{#- The age bands' populations add up to the authority-wide denominators they break down: the
    apportioned 0-17 bands to the month's 0-17 population, the 10-15 and 16+ bands to its 10-17
    population. Rows returned are the failures. The config makes it an asset check of
    int_population__by_age_band_month in Dagster (it reads three models). -#}
{{ config(meta={'dagster': {'ref': {'name': 'int_population__by_age_band_month'}}}) }}
with

bands as (

    select period_end, population_of, sum(population) as population
    from {{ ref('int_population__by_age_band_month') }}
    group by all

),

totals as (

    select period_end, '0_17' as population_of, population_0_17 as population
    from {{ ref('int_population__by_month') }}
    union all
    select period_end, '10_17', population_10_17
    from {{ ref('int_population_10_17__by_month') }}

)

select bands.*, totals.population as total
from bands
inner join totals
    on bands.period_end = totals.period_end and bands.population_of = totals.population_of
where abs(bands.population - totals.population) > 1e-6
