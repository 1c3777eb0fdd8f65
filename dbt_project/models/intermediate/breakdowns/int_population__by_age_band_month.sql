{#- The denominators of rates broken down by age band (marts.kpi_breakdowns): one row per period
    end, age band and population (0_17 or 10_17).
    - 0_17: the authority-wide 0-17 population of the month (int_population__by_month)
      apportioned across DfE's bands in the proportions of the ONS estimate nearest the period
      end (seed population_age_bands: the latest at or before it, else the earliest), so the
      bands add up to the authority-wide denominator;
    - 10_17: the 10-15 and 16+ bands of the estimate int_population_10_17__by_month uses (the
      latest at or before the period end), which add up to its 10-17 population.
    No row where the seed has no estimate for the authority: no rate by age band. -#}
with

months as (

    select period_end, population_0_17 from {{ ref('int_population__by_month') }}

),

months_10_17 as (

    select period_end, estimate_date from {{ ref('int_population_10_17__by_month') }}

),

bands as (

    select estimate_date, age_band, population
    from {{ ref('population_age_bands') }}
    where la_code = '{{ var("la_code") }}'

),

estimate_dates as (

    select distinct estimate_date from bands

),

nearest as (

    select
        months.period_end,
        months.population_0_17,
        coalesce(
            max(estimate_dates.estimate_date) filter (
                where estimate_dates.estimate_date <= months.period_end
            ),
            min(estimate_dates.estimate_date)
        ) as estimate_date
    from months
    cross join estimate_dates
    group by months.period_end, months.population_0_17

),

apportioned as (

    select
        nearest.period_end,
        bands.age_band,
        '0_17' as population_of,
        nearest.population_0_17 * bands.population
        / sum(bands.population) over (partition by nearest.period_end) as population
    from nearest
    inner join bands on nearest.estimate_date = bands.estimate_date

),

aged_10_17 as (

    select
        months_10_17.period_end,
        bands.age_band,
        '10_17' as population_of,
        cast(bands.population as double) as population
    from months_10_17
    inner join bands
        on months_10_17.estimate_date = bands.estimate_date
        and bands.age_band in ('10-15', '16+')

),

final as (

    select * from apportioned
    union all
    select * from aged_10_17

)

select * from final
