{{ config(schema='reporting', materialized='table') }}
{#- The KPI 15 page table: social workers supervised in the month, all social workers and the
    percentage, for the month and the previous 12 months' monthly average. Rows and columns as the
    reference report prints them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_15',
    period_type='month',
    comparator='average',
    rows=[
        {'measure': "Supervisions", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Total no. of social workers", 'unit': 'count', 'field': 'denominator'},
        {'measure': "% supervised", 'unit': 'percent', 'field': 'value'},
    ],
) }}
