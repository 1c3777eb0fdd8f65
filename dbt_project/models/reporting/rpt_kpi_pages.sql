{{ config(schema='reporting', materialized='table') }}
{#- The tables of the standard KPI pages, one per KPI whose registry row lays one out
    (kpi_catalogue.page_rows): for every month, each row the reference report prints for the
    KPI (numerator, denominator, value, or denominator - numerator), with the comparator column
    the page uses (previous 12 months cumulative or average, the previous month's year to date,
    or the cohort a year earlier) and the month's column. Suppressed cells are null with their
    flag set. Pages with another layout (KPI 10, KPI 12, the council business plan measures,
    headline rates) have models of their own. -#}
{%- set pages = kpi_registry() | selectattr('page_rows') | list -%}
with

{% for kpi in pages %}
{{ kpi.kpi_id }}_page as (

    {{ kpi_page_table(
        kpi_id=kpi.kpi_id,
        period_type=kpi.page_period_type,
        comparator=kpi.page_comparator,
        rows=kpi.page_rows,
        month_suffix=kpi.page_month_suffix,
    ) | indent(4) }}

),

{% endfor %}
final as (

    {% for kpi in pages %}
    select * from {{ kpi.kpi_id }}_page
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select * from final
