{{ config(schema='reporting', materialized='table') }}
{#- The KPI 14 page table: the average caseload (with the cases and FTE it divides), at the month
    end and on average over the previous 12 month ends. Rows and columns as the reference report
    prints them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_14',
    period_type='snapshot',
    comparator='average',
    rows=[
        {'measure': "Average caseload - city", 'unit': 'cases', 'field': 'value'},
        {'measure': "Open allocated cases", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Qualified social workers (FTE)", 'unit': 'fte', 'field': 'denominator'},
    ],
) }}
