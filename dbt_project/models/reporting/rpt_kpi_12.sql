{{ config(schema='reporting', materialized='table') }}
{#- The KPI 12 page table: % agency social workers, % agency team managers and % agency in total
    (the registry's KPIs of this page; share of FTE) at the month end and on average over the
    previous 12 month ends (cumulative agency FTE / cumulative FTE). -#}
with

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

catalogue as (

    -- The KPIs shown on this page (the registry's report_page): the splits first, then the
    -- total, as the reference report prints them, each labelled by its title.
    select
        kpi_id,
        title,
        row_number() over (order by kpi_id = 'kpi_12', report_order) as row_order
    from {{ ref('kpi_catalogue') }}
    where report_page = 'kpi_12'

),

figures as (

    select * from {{ ref('rpt_kpi_figures') }}
    where period_type = 'snapshot'

),

page_rows as (

    select row_order, title as measure, kpi_id as row_kpi_id from catalogue

),

final as (

    select
        'kpi_12' as kpi_id,
        months.period_end,
        page_rows.row_order,
        page_rows.measure,
        'percent' as unit,
        'Prev. 12 months average' as comparator_heading,
        figures.previous_12_months_value as comparator_value,
        coalesce(figures.previous_12_months_suppressed, false) as comparator_suppressed,
        months.month_label as month_heading,
        figures.value as month_value,
        coalesce(figures.suppressed, false) as month_suppressed
    from months
    cross join page_rows
    left join figures
        on months.period_end = figures.period_end
        and page_rows.row_kpi_id = figures.kpi_id

)

select * from final
