{#- One row per KPI, month end and window it is published for: the windows the catalogue names
    for the KPI (kpi_catalogue.windows), kept only where the KPI's source extracts cover the
    whole window and its look-back (int_kpi_coverage): the window (and lookback_months before
    it) starts on or after covered_from, and the period ends on or before covered_to (for
    kpi_11's cohort, whose follow-up runs to the period end). Every KPI model aggregates its
    facts over these rows and no others, so a partial window is never published. -#}
with

catalogue as (

    select kpi_id, windows from {{ ref('kpi_catalogue') }}

),

coverage as (

    select * from {{ ref('int_kpi_coverage') }}

),

windows as (

    select * from {{ ref('int_reporting_windows') }}

),

kpi_periods as (

    select kpi_id, unnest(string_split(windows, ' ')) as period_type from catalogue

),

final as (

    select
        kpi_periods.kpi_id,
        windows.period_end,
        windows.period_type,
        windows.window_start,
        windows.window_end
    from kpi_periods
    inner join coverage on kpi_periods.kpi_id = coverage.kpi_id
    inner join windows on kpi_periods.period_type = windows.period_type
    where
        coverage.covered_from is not null
        and cast(windows.window_start - to_months(coverage.lookback_months) as date)
        >= coverage.covered_from
        and windows.period_end <= coverage.covered_to

)

select * from final
