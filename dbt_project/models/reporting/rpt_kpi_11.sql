{{ config(schema='reporting', materialized='table') }}
{#- The KPI 11 page table: re-offenders, the cohort and the percentage, for the month's cohort and
    the cohort 12 months earlier (column headings name the cohorts). Rows and columns as the
    reference report prints them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_11',
    period_type='cohort',
    comparator='year_earlier',
    rows=[
        {'measure': "Re-offenders", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Cohort", 'unit': 'count', 'field': 'denominator'},
        {'measure': "%", 'unit': 'percent', 'field': 'value'},
    ],
) }}
