{{ config(schema='reporting', materialized='table') }}
{#- The KPI 3 page table: assessments completed inside and outside 45 working days, the total and
    the percentage inside, for the month and the previous 12 months' monthly average. Rows and
    columns as the reference report prints them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_03',
    period_type='month',
    comparator='average',
    rows=[
        {'measure': "No. inside", 'unit': 'count', 'field': 'numerator'},
        {'measure': "No. outside", 'unit': 'count', 'field': 'outside'},
        {'measure': "Total", 'unit': 'count', 'field': 'denominator'},
        {'measure': "% inside", 'unit': 'percent', 'field': 'value'},
    ],
) }}
