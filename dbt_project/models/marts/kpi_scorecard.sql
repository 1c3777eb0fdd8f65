{#- The scorecard: one row per KPI and month end for the KPI's headline window, with its target,
    tolerance, status, trend, the previous-12-months comparator and benchmarks. Status rules are
    those of docs/conventions.md ("Status against target"). -#}
with

comparators as (

    select * from {{ ref('int_kpi_comparators') }}

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

benchmarks as (

    select * from {{ ref('int_kpi_benchmarks') }}

),

with_history as (

    select
        comparators.*,
        catalogue.title,
        catalogue.polarity,
        catalogue.target,
        catalogue.tolerance_low,
        catalogue.tolerance_high,
        catalogue.report_order
    from comparators
    inner join catalogue
        on comparators.kpi_id = catalogue.kpi_id
        and comparators.period_type = catalogue.headline_window

),

scored as (

    select
        with_history.*,
        case
            -- Overlapping cumulative windows (ytd, 3 years, cohorts) do not add up; the report
            -- shows the previous month's figure for those (previous_value).
            when with_history.period_type in ('ytd', '3yr', 'cohort') then null
            else with_history.previous_12_months_value
        end as previous_12_months_value_for_scorecard,
        case
            when with_history.value is null or with_history.target is null then null
            when with_history.polarity = 'high' and with_history.value >= with_history.target
                then 'green'
            when with_history.polarity = 'high'
                and with_history.value >= with_history.tolerance_low
                then 'amber'
            when with_history.polarity = 'high' then 'red'
            when with_history.polarity = 'low' and with_history.value <= with_history.target
                then 'green'
            when with_history.polarity = 'low'
                and with_history.value <= with_history.tolerance_high
                then 'amber'
            when with_history.polarity = 'low' then 'red'
        end as status,
        case
            when with_history.value is null or with_history.polarity is null then false
            when with_history.polarity = 'high'
                then with_history.value > with_history.tolerance_high
            else with_history.value < with_history.tolerance_low
        end as outlier,
        case
            when with_history.value is null or with_history.previous_value is null then null
            when round(with_history.value, 6) = round(with_history.previous_value, 6)
                then 'unchanged'
            when with_history.polarity is null
                then case when with_history.value > with_history.previous_value then 'up'
                    else 'down' end
            when (with_history.value > with_history.previous_value)
                = (with_history.polarity = 'high')
                then 'improving'
            else 'declining'
        end as trend
    from with_history

),

published_benchmarks as (

    -- The latest published statistics at or before the period end (a year ending 31 March is
    -- not used for months before it).
    select
        scored.kpi_id,
        scored.period_end,
        benchmarks.*
    from scored
    inner join benchmarks
        on scored.kpi_id = benchmarks.kpi_id
        and benchmarks.statistics_year_end <= scored.period_end
    qualify row_number() over (
        partition by scored.kpi_id, scored.period_end
        order by benchmarks.statistics_year_end desc
    ) = 1

),

printed_benchmarks as (

    select * from benchmarks where statistics_year_end is null

),

final as (

    select
        scored.kpi_id,
        scored.title,
        scored.report_order,
        scored.period_end,
        scored.period_type,
        scored.numerator,
        scored.denominator,
        scored.value,
        scored.unit,
        scored.target,
        scored.tolerance_low,
        scored.tolerance_high,
        scored.polarity,
        scored.status,
        coalesce(scored.outlier, false) as outlier,
        scored.trend,
        scored.previous_value,
        case
            when scored.previous_12_months_value_for_scorecard is not null
                then scored.previous_12_months_numerator
        end as previous_12_months_numerator,
        case
            when scored.previous_12_months_value_for_scorecard is not null
                then scored.previous_12_months_denominator
        end as previous_12_months_denominator,
        scored.previous_12_months_value_for_scorecard as previous_12_months_value,
        case when scored.period_type = 'ytd' then scored.value end as ytd_value,
        coalesce(published.benchmark_national, printed.benchmark_national)
            as benchmark_national,
        coalesce(
            published.benchmark_statistical_neighbours, printed.benchmark_statistical_neighbours
        ) as benchmark_statistical_neighbours,
        coalesce(published.benchmark_regional, printed.benchmark_regional) as benchmark_regional,
        coalesce(published.benchmark_own_la_published, printed.benchmark_own_la_published)
            as benchmark_own_la_published,
        printed.benchmark_yot_family,
        printed.benchmark_core_cities,
        published.like_for_like as benchmark_like_for_like,
        nullif(concat_ws(
            '; ',
            published.benchmark_source,
            case
                when printed.kpi_id is not null
                    and (
                        published.kpi_id is null
                        or published.benchmark_statistical_neighbours is null
                    )
                    then printed.benchmark_source
            end
        ), '') as benchmark_source
    from scored
    left join published_benchmarks as published
        on scored.kpi_id = published.kpi_id and scored.period_end = published.period_end
    left join printed_benchmarks as printed on scored.kpi_id = printed.kpi_id
)

select * from final
