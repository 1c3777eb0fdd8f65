{{ config(schema='reporting', materialized='table') }}
{#- The KPI 5 page table: ICPCs held within 15 working days, all ICPCs held and the percentage,
    for the month and the previous 12 months' monthly average. Rows and columns as the reference
    report prints them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_05',
    period_type='month',
    comparator='average',
    rows=[
        {'measure': "Number of ICPCs held within 15 working days", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Number of ICPCs", 'unit': 'count', 'field': 'denominator'},
        {'measure': "% of ICPCs held within 15 working days", 'unit': 'percent', 'field': 'value'},
    ],
) }}
