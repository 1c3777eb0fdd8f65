{{ config(schema='reporting', materialized='table') }}
{#- The months a pack can be made for: every month of the spine (every month some extract
    covers completely), whether any KPI is published for it, and which is the latest such month
    (the pack's default when CSC_REPORT_MONTH is unset; the exception lists use it too,
    orchestration/assets/exception_lists.py). -#}
with

months as (

    select * from {{ ref('int_month_spine') }}

),

published as (

    select period_end, count(distinct kpi_id) as kpis_published
    from {{ ref('kpi_values') }}
    group by period_end

),

final as (

    select
        strftime(months.period_start, '%Y-%m') as report_month,
        months.period_start,
        months.period_end,
        {{ month_label('months.period_end') }} as month_label,
        coalesce(published.kpis_published, 0) as kpis_published,
        coalesce(published.kpis_published, 0) > 0 as is_complete,
        coalesce(
            months.period_end
            = max(months.period_end) filter (where published.kpis_published > 0) over (),
            false
        ) as is_latest_complete
    from months
    left join published on months.period_end = published.period_end

)

select * from final
