{{ config(schema='reporting', materialized='table') }}
{#- Every page of the monthly KPI pack, in print order: the pages that are not a KPI's own
    (seed report_pages: contents, scorecard, headline rates, qualitative evaluation) and one
    page per KPI that has one in the registry (kpi_catalogue: page_order and page_* columns).
    kpi_id is the KPI whose headline figure, status and chart the page shows; table_name the
    reporting model holding its table (for a standard page rpt_kpi_pages, filtered by
    kpi_id). -#}
with

pages as (

    select * from {{ ref('report_pages') }}

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}
    where page_order is not null

),

final as (

    select
        page_order,
        page_id,
        page_label,
        page_kind,
        cast(null as varchar) as kpi_id,
        table_name,
        heading,
        definition
    from pages
    union all
    select
        page_order,
        kpi_id as page_id,
        page_label,
        page_kind,
        kpi_id,
        page_table as table_name,
        page_heading as heading,
        page_definition as definition
    from catalogue

)

select * from final
