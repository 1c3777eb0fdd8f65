{{ config(schema='reporting', materialized='table') }}
{#- The data of the pack's trend charts: for every page with a headline figure (contacts, KPI 1-15,
    the council business plan measures) and every month, the headline value (null and flagged
    where suppressed), the target, the tolerance band and the national and statistical-neighbour
    averages. The pack draws the 13 months ending with its month. -#}
with

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

pages as (

    select * from {{ ref('rpt_report_pages') }}
    where kpi_id is not null

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

figures as (

    select * from {{ ref('rpt_kpi_figures') }}

),

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

final as (

    select
        pages.page_id,
        catalogue.kpi_id,
        months.period_end,
        months.month_label,
        catalogue.unit,
        catalogue.headline_window as period_type,
        figures.value,
        coalesce(figures.suppressed, false) as suppressed,
        catalogue.target,
        catalogue.tolerance_low,
        catalogue.tolerance_high,
        scorecard.benchmark_national,
        scorecard.benchmark_statistical_neighbours
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

)

select * from final
