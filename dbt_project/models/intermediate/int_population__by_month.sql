{#- The 0-17 population used for rates at each period end: the latest ONS mid-year estimate at or
    before the period end for the authority (var la_code). Months before the first estimate in the
    seed use the first one, flagged `is_before_first_estimate`, rather than having no rate. -#}
with

months as (

    select period_end from {{ ref('int_month_spine') }}

),

estimates as (

    select estimate_date, mid_year, population
    from {{ ref('population_0_17') }}
    where geography_level = 'la' and la_code = '{{ var("la_code") }}'

),

latest_at_or_before as (

    select
        months.period_end,
        max(estimates.estimate_date) as estimate_date
    from months
    left join estimates on estimates.estimate_date <= months.period_end
    group by months.period_end

),

first_estimate as (

    select min(estimate_date) as estimate_date from estimates

),

final as (

    select
        latest_at_or_before.period_end,
        coalesce(latest_at_or_before.estimate_date, first_estimate.estimate_date) as estimate_date,
        latest_at_or_before.estimate_date is null as is_before_first_estimate,
        estimates.population as population_0_17
    from latest_at_or_before
    cross join first_estimate
    left join estimates
        on estimates.estimate_date
        = coalesce(latest_at_or_before.estimate_date, first_estimate.estimate_date)

)

select * from final
