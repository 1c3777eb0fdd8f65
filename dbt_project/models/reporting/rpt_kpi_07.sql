{{ config(schema='reporting', materialized='table') }}
{#- The KPI 7 page table: children looked after 2.5 years or more in a stable placement, all such
    children and the percentage, at the month end and on average over the previous 12 month ends.
    Rows and columns as the reference report prints them; suppressed cells are null with their
    flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_07',
    period_type='snapshot',
    comparator='average',
    rows=[
        {'measure': "Looked after > 2.5 years, same placement > 2 yrs, or placed for adoption", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Total children", 'unit': 'count', 'field': 'denominator'},
        {'measure': "%", 'unit': 'percent', 'field': 'value'},
    ],
) }}
