{{ config(schema='reporting', materialized='table') }}
{#- The KPI 9 page table: care leavers in education, employment or training, all care leavers
    counted and the percentage, financial year to date, for the month and the month before. Rows
    and columns as the reference report prints them; suppressed cells are null with their flag
    set. -#}
{{ kpi_page_table(
    kpi_id='kpi_09',
    period_type='ytd',
    comparator='previous',
    month_suffix=' (YTD)',
    rows=[
        {'measure': "Care leavers in EET (YTD)", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Total care leavers (YTD)", 'unit': 'count', 'field': 'denominator'},
        {'measure': "EET %", 'unit': 'percent', 'field': 'value'},
    ],
) }}
