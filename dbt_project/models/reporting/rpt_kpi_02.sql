{{ config(schema='reporting', materialized='table') }}
{#- The KPI 2 page table: re-referrals within 12 months, referrals received and the percentage,
    for the month and the previous 12 months cumulative. Rows and columns as the reference report
    prints them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_02',
    period_type='month',
    comparator='cumulative',
    rows=[
        {'measure': "No. re-referrals", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Total referrals initiated", 'unit': 'count', 'field': 'denominator'},
        {'measure': "Re-referrals %", 'unit': 'percent', 'field': 'value'},
    ],
) }}
