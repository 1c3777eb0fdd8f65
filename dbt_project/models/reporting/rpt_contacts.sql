{{ config(schema='reporting', materialized='table') }}
{#- The contacts page: contacts received in the month and the previous 12 months' monthly average.
    Rows and columns as the reference report prints them; suppressed cells are null with their
    flag set. -#}
{{ kpi_page_table(
    kpi_id='contacts',
    period_type='month',
    comparator='average',
    rows=[
        {'measure': "No of contacts", 'unit': 'count', 'field': 'numerator'},
    ],
) }}
