{{ config(schema='reporting', materialized='table') }}
{#- The two council business plan pages: first-time entrants to youth justice per 100,000 aged
    10-17 (cbp_fte, rolling 12 months, with the number of entrants) and adoption scorecard A1
    (cbp_a1, average days from entering care to moving in with the adopters over 3 years, with
    the number of children). One column, the month, as the reference report prints them; the
    comparator columns stay empty. -#}
with

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

figures as (

    select * from {{ ref('rpt_kpi_figures') }}
    where
        (kpi_id = 'cbp_fte' and period_type = 'rolling_12m')
        or (kpi_id = 'cbp_a1' and period_type = '3yr')

),

page_rows as (

    select * from (
        values
            (
                'cbp_fte', 1,
                'First time entrants into the youth justice system (per 100,000 aged 10-17)',
                'rate_per_100000', 'value'
            ),
            ('cbp_fte', 2, 'First time entrants (number)', 'count', 'numerator'),
            ('cbp_a1', 1, 'Average no. of days taken to placement', 'days', 'value'),
            (
                'cbp_a1', 2, 'Children adopted who had been placed for adoption', 'count',
                'denominator'
            )
    ) as page_rows (kpi_id, row_order, measure, unit, field)  -- noqa: AL05

),

final as (

    select
        page_rows.kpi_id,
        months.period_end,
        page_rows.row_order,
        page_rows.measure,
        page_rows.unit,
        cast(null as varchar) as comparator_heading,
        cast(null as double) as comparator_value,
        false as comparator_suppressed,
        months.month_label || case page_rows.kpi_id
            when 'cbp_fte' then coalesce(
                ' (' || strftime(figures.window_start, '%b %Y') || ' - '
                || strftime(figures.window_end, '%b %Y') || ')', ''
            )
            else ' (3 year average)'
        end as month_heading,
        case page_rows.field
            when 'value' then figures.value
            when 'numerator' then figures.numerator
            else figures.denominator
        end as month_value,
        coalesce(figures.suppressed, false) as month_suppressed
    from months
    cross join page_rows
    left join figures
        on months.period_end = figures.period_end
        and page_rows.kpi_id = figures.kpi_id

)

select * from final
