{{ config(schema='reporting', materialized='table') }}
{#- The headline rates page: per 10,000 children aged 0-17, referrals, assessments, S47 enquiries
    and ICPCs over the rolling 12 months and children in need, on a CP plan and in care at the
    month end, beside the latest published statistics at or before the month (the authority's
    own published rate, statistical neighbours, England, the region) and the period they are
    for. -#}
with

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}
    where starts_with(kpi_id, 'rate_')

),

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

figures as (

    select * from {{ ref('rpt_kpi_figures') }}

),

benchmarks as (

    select * from {{ ref('int_kpi_benchmarks') }}

),

printed as (

    select kpi_id, max(period_label) as period_label
    from {{ ref('reference_report_comparators') }}
    group by kpi_id

),

statistics_periods as (

    -- The statistics year the scorecard's published figures are for (the latest at or before
    -- the month end); the reference report's printed label where DfE gives no year.
    select
        months.period_end,
        benchmarks.kpi_id,
        max(benchmarks.statistics_year_end) as statistics_year_end
    from months
    inner join benchmarks on benchmarks.statistics_year_end <= months.period_end
    group by months.period_end, benchmarks.kpi_id

),

final as (

    select
        months.period_end,
        catalogue.report_order as row_order,
        catalogue.kpi_id,
        catalogue.title as measure,
        case catalogue.headline_window
            when 'rolling_12m' then 'Rolling 12 months' else 'At month end'
        end as window_heading,
        months.month_label as month_heading,
        figures.value as month_value,
        coalesce(figures.suppressed, false) as month_suppressed,
        scorecard.benchmark_own_la_published as published_own_la,
        scorecard.benchmark_statistical_neighbours as published_statistical_neighbours,
        scorecard.benchmark_national as published_national,
        scorecard.benchmark_regional as published_regional,
        coalesce(
            {{ month_label('statistics_periods.statistics_year_end') }}, printed.period_label
        ) as statistics_period,
        scorecard.benchmark_source
    from months
    cross join catalogue
    left join figures
        on months.period_end = figures.period_end
        and catalogue.kpi_id = figures.kpi_id
        and catalogue.headline_window = figures.period_type
    left join scorecard
        on months.period_end = scorecard.period_end
        and catalogue.kpi_id = scorecard.kpi_id
    left join statistics_periods
        on months.period_end = statistics_periods.period_end
        and catalogue.kpi_id = statistics_periods.kpi_id
    left join printed on catalogue.kpi_id = printed.kpi_id

)

select * from final
