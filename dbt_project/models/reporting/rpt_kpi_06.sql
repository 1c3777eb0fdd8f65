{{ config(schema='reporting', materialized='table') }}
{#- The KPI 6 page table: children who became the subject of a CP plan in the 12 months to the
    month end, those for whom it was a second or subsequent plan within 2 years of an earlier
    one, and the percentage, beside the average of the previous 12 months' rolling figures. The
    reference report labels the first row "Number of children on a CP Plan", but its 1,820 is a
    year's plan starts, not the month-end stock (docs: kpi_06 is a flow). Suppressed cells are
    null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_06',
    period_type='rolling_12m',
    comparator='average',
    month_suffix=' (12 months)',
    rows=[
        {'measure': "Children who became the subject of a CP plan", 'unit': 'count', 'field': 'denominator'},
        {'measure': "Number of children who become the subject of a CP plan for a second or subsequent time within the last 2 years", 'unit': 'count', 'field': 'numerator'},
        {'measure': "% of children who become the subject of a CP plan for a second or subsequent time within the last 2 years", 'unit': 'percent', 'field': 'value'},
    ],
) }}
