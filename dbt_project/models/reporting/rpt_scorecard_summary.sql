{{ config(schema='reporting', materialized='table') }}
{#- The scorecard page: for every month of the data, every KPI page of the pack (KPI 1-15 and the
    council business plan measures) with its target, tolerance, value, comparator, status,
    outlier flag, trend and benchmarks. Suppressed figures (denominator below 5) are null with
    the flag set, and so are the status, outlier and trend they would give away. availability
    says why a value is missing: not_available (the loaded extracts do not support the KPI for
    the month: availability_reason, from marts.kpi_coverage, says why), no_figure (published,
    but with no denominator), or suppressed. -#}
with

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

pages as (

    select * from {{ ref('rpt_report_pages') }}
    where page_kind in ('kpi', 'cbp')

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

figures as (

    select * from {{ ref('rpt_kpi_figures') }}

),

coverage as (

    select * from {{ ref('kpi_coverage') }}

),

joined as (

    select
        months.period_end,
        pages.page_order,
        pages.page_id,
        pages.page_label,
        catalogue.kpi_id,
        catalogue.title,
        catalogue.unit,
        catalogue.polarity,
        catalogue.target,
        catalogue.tolerance_low,
        catalogue.tolerance_high,
        catalogue.headline_window as period_type,
        figures.value,
        coalesce(figures.suppressed, false) as value_suppressed,
        figures.previous_value,
        coalesce(figures.previous_suppressed, false) as previous_suppressed,
        case
            when catalogue.headline_window in ('ytd', '3yr') then 'Previous month'
            when catalogue.headline_window = 'cohort' then 'Cohort a year earlier'
            else 'Prev. 12 months'
        end as comparator_heading,
        case
            when catalogue.headline_window in ('ytd', '3yr') then figures.previous_value
            when catalogue.headline_window = 'cohort' then figures.year_earlier_value
            else figures.previous_12_months_value
        end as comparator_value,
        coalesce(case
            when catalogue.headline_window in ('ytd', '3yr') then figures.previous_suppressed
            when catalogue.headline_window = 'cohort' then figures.year_earlier_suppressed
            else figures.previous_12_months_suppressed
        end, false) as comparator_suppressed,
        scorecard.status,
        scorecard.outlier,
        scorecard.trend,
        scorecard.benchmark_national,
        scorecard.benchmark_statistical_neighbours,
        scorecard.benchmark_regional,
        scorecard.benchmark_yot_family,
        scorecard.benchmark_core_cities,
        scorecard.benchmark_source,
        -- Published for this month in its headline window (its sources cover the window).
        figures.kpi_id is not null as is_published,
        case
            when coverage.reason_not_published is not null then coverage.reason_not_published
            else
                'the loaded extracts support it from ' || month_labels.first_label || ' to '
                || month_labels.last_label
        end as not_published_reason
    from months
    cross join pages
    inner join catalogue on pages.kpi_id = catalogue.kpi_id
    left join figures
        on months.period_end = figures.period_end
        and catalogue.kpi_id = figures.kpi_id
        and catalogue.headline_window = figures.period_type
    left join scorecard
        on months.period_end = scorecard.period_end
        and catalogue.kpi_id = scorecard.kpi_id
    left join coverage on catalogue.kpi_id = coverage.kpi_id
    left join lateral (
        select
            {{ month_label('coverage.first_period_end') }} as first_label,
            {{ month_label('coverage.last_period_end') }} as last_label
    ) as month_labels on true

),

final as (

    select
        period_end,
        page_order,
        page_id,
        page_label,
        kpi_id,
        title,
        unit,
        polarity,
        target,
        tolerance_low,
        tolerance_high,
        period_type,
        value,
        value_suppressed,
        previous_value,
        previous_suppressed,
        comparator_heading,
        comparator_value,
        comparator_suppressed,
        case when not value_suppressed then status end as status,
        case when not value_suppressed then outlier end as outlier,
        case when not value_suppressed and not previous_suppressed then trend end as trend,
        benchmark_national,
        benchmark_statistical_neighbours,
        benchmark_regional,
        benchmark_yot_family,
        benchmark_core_cities,
        benchmark_source,
        case
            when not is_published then 'not_available'
            when value_suppressed then 'suppressed'
            when value is null then 'no_figure'
            else 'available'
        end as availability,
        case when not is_published then not_published_reason end as availability_reason
    from joined

)

select * from final
