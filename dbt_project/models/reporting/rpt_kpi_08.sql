{{ config(schema='reporting', materialized='table') }}
{#- The KPI 8 page table: reviews held in time, all reviews and the percentage, financial year to
    date, for the month and the month before. Rows and columns as the reference report prints
    them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_08',
    period_type='ytd',
    comparator='previous',
    month_suffix=' (YTD)',
    rows=[
        {'measure': "In time (YTD)", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Total LAC reviews (YTD)", 'unit': 'count', 'field': 'denominator'},
        {'measure': "%", 'unit': 'percent', 'field': 'value'},
    ],
) }}
