{{ config(schema='reporting', materialized='table') }}
{#- The KPI 6 page table: children on a CP plan, those on a plan for a second or subsequent time
    within 2 years and the percentage, at the month end and on average over the previous 12 month
    ends. Rows and columns as the reference report prints them; suppressed cells are null with
    their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_06',
    period_type='snapshot',
    comparator='average',
    rows=[
        {'measure': "Number of children on a CP plan", 'unit': 'count', 'field': 'denominator'},
        {'measure': "Number of children who become the subject of a CP plan for a second or subsequent time within the last 2 years", 'unit': 'count', 'field': 'numerator'},
        {'measure': "% of children who become the subject of a CP plan for a second or subsequent time within the last 2 years", 'unit': 'percent', 'field': 'value'},
    ],
) }}
