{{ config(schema='reporting', materialized='table') }}
{#- The KPI 12 page table: % agency social workers, % agency team managers and % agency in total
    (kpi_12_sw, kpi_12_tm, kpi_12; share of FTE) at the month end and on average over the
    previous 12 month ends (cumulative agency FTE / cumulative FTE). -#}
with

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

figures as (

    select * from {{ ref('rpt_kpi_figures') }}
    where kpi_id in ('kpi_12_sw', 'kpi_12_tm', 'kpi_12') and period_type = 'snapshot'

),

page_rows as (

    select * from (
        values
            (1, '% agency social workers', 'kpi_12_sw'),
            (2, '% agency team managers', 'kpi_12_tm'),
            (3, '% agency total (social workers and team managers)', 'kpi_12')
    ) as page_rows (row_order, measure, row_kpi_id)

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
