{{ config(schema='reporting', materialized='table') }}
{#- The KPI 13 page table: CP plans ended within 3 months or less, all plans ended and the
    percentage, over the 3 months to the month end and on average over the previous 12 month ends.
    Rows and columns as the reference report prints them; suppressed cells are null with their
    flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_13',
    period_type='rolling_3m',
    comparator='average',
    rows=[
        {'measure': "Child protection plans ending within 3 months or less", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Total CP plans de-listed during 3 months to reporting month end", 'unit': 'count', 'field': 'denominator'},
        {'measure': "%", 'unit': 'percent', 'field': 'value'},
    ],
) }}
