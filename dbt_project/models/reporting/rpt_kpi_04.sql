{{ config(schema='reporting', materialized='table') }}
{#- The KPI 4 page table: child-in-need cases open more than 2 years, all open cases and the
    percentage, at the month end and on average over the previous 12 month ends. Rows and columns
    as the reference report prints them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_04',
    period_type='snapshot',
    comparator='average',
    rows=[
        {'measure': "Total of CIN cases open for more than 2 years", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Total number of CIN cases", 'unit': 'count', 'field': 'denominator'},
        {'measure': "% of Child in Need cases open for more than 2 years", 'unit': 'percent', 'field': 'value'},
    ],
) }}
