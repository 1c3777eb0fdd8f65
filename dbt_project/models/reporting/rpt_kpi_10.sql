{{ config(schema='reporting', materialized='table') }}
{#- The KPI 10 page table (adoption scorecard A2): the average days from court authority to place
    to the match, over the 3 years to the month end (the headline) beside the rolling 12 months,
    with the number of children adopted each average is over. Columns as the reference report
    prints them: "3 years average", then the month (rolling 12 months). -#}
with

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

three_years as (

    select * from {{ ref('rpt_kpi_figures') }}
    where kpi_id = 'kpi_10' and period_type = '3yr'

),

rolling_12 as (

    select * from {{ ref('rpt_kpi_figures') }}
    where kpi_id = 'kpi_10' and period_type = 'rolling_12m'

),

page_rows as (

    select * from (
        values
            (1, 'Average no. of days taken to match decision', 'days', 'value'),
            (2, 'Children adopted who had been placed for adoption', 'count', 'denominator')
    ) as page_rows (row_order, measure, unit, field)  -- noqa: AL05

),

final as (

    select
        'kpi_10' as kpi_id,
        months.period_end,
        page_rows.row_order,
        page_rows.measure,
        page_rows.unit,
        '3 years average' as comparator_heading,
        case page_rows.field
            when 'value' then three_years.value else three_years.denominator
        end as comparator_value,
        coalesce(three_years.suppressed, false) as comparator_suppressed,
        months.month_label || ' (rolling 12 months)' as month_heading,
        case page_rows.field
            when 'value' then rolling_12.value else rolling_12.denominator
        end as month_value,
        coalesce(rolling_12.suppressed, false) as month_suppressed
    from months
    cross join page_rows
    left join three_years on months.period_end = three_years.period_end
    left join rolling_12 on months.period_end = rolling_12.period_end

)

select * from final
