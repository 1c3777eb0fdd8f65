{#- One row per KPI of the catalogue: the months its own source extracts cover together. A KPI
    is covered from the latest covered_from of its dated sources to the earliest covered_to
    (int_source_coverage); a source with no rows, or one that covers no complete month, leaves
    the KPI uncovered, with the reason. Reference sources (people, workers) must hold rows but
    cover no months of their own. A KPI whose extracts came from statutory returns that do not
    support it (int_kpi_source_support) is not covered, with that reason. The look-back and the
    windows are applied in int_kpi_windows. -#}
with

catalogue as (

    select kpi_id, source_extracts, lookback_months from {{ ref('kpi_catalogue') }}

),

sources as (

    select * from {{ ref('int_source_coverage') }}

),

source_support as (

    select * from {{ ref('int_kpi_source_support') }}

),

kpi_sources as (

    select
        catalogue.kpi_id,
        catalogue.lookback_months,
        unnest(string_split(catalogue.source_extracts, ' ')) as extract
    from catalogue

),

joined as (

    select
        kpi_sources.kpi_id,
        kpi_sources.lookback_months,
        kpi_sources.extract,
        sources.coverage,
        sources.covered_from,
        sources.covered_to,
        sources.reason_not_covered,
        sources.extract is not null
        and sources.reason_not_covered is null as is_source_covered
    from kpi_sources
    left join sources on kpi_sources.extract = sources.extract

),

combined as (

    select
        kpi_id,
        any_value(lookback_months) as lookback_months,
        string_agg(extract, ' ' order by extract) as source_extracts,
        bool_and(is_source_covered) as are_sources_covered,
        max(covered_from) as latest_covered_from,
        min(covered_to) as earliest_covered_to,
        string_agg(reason_not_covered, '; ' order by extract) as source_reasons
    from joined
    group by kpi_id

),

final as (

    select
        combined.kpi_id,
        combined.source_extracts,
        combined.lookback_months,
        source_support.support as source_support,
        source_support.supported_by,
        source_support.support_note,
        case
            when combined.are_sources_covered
                and combined.latest_covered_from <= combined.earliest_covered_to
                and source_support.reason_not_supported is null
                then combined.latest_covered_from
        end as covered_from,
        case
            when combined.are_sources_covered
                and combined.latest_covered_from <= combined.earliest_covered_to
                and source_support.reason_not_supported is null
                then combined.earliest_covered_to
        end as covered_to,
        case
            when source_support.reason_not_supported is not null
                then source_support.reason_not_supported
            when not combined.are_sources_covered then combined.source_reasons
            when combined.latest_covered_from > combined.earliest_covered_to
                then 'its source extracts cover no month in common'
        end as reason_not_covered
    from combined
    left join source_support on combined.kpi_id = source_support.kpi_id

)

select * from final
