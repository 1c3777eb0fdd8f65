{{ config(schema='reporting', materialized='table') }}
{#- The KPI 1 page table: referrals decided within 24 hours, referrals authorised and the
    percentage, for the month and the previous 12 months cumulative. Rows and columns as the
    reference report prints them; suppressed cells are null with their flag set. -#}
{{ kpi_page_table(
    kpi_id='kpi_01',
    period_type='month',
    comparator='cumulative',
    rows=[
        {'measure': "Referrals with a decision within 24 hours", 'unit': 'count', 'field': 'numerator'},
        {'measure': "Total referrals authorised", 'unit': 'count', 'field': 'denominator'},
        {'measure': "% of all referrals with a decision within 24 hours", 'unit': 'percent', 'field': 'value'},
    ],
) }}
