{#- One row per KPI of the catalogue: the months its own source extracts cover together. A KPI
    is covered from the latest covered_from of its dated sources to the earliest covered_to
    (int_source_coverage); a source with no rows, or one that covers no complete month, leaves
    the KPI uncovered, with the reason. Reference sources (people, workers) must hold rows but
    cover no months of their own. The look-back and the windows are applied in
    int_kpi_windows. -#}
with

catalogue as (

    select kpi_id, source_extracts, lookback_months from {{ ref('kpi_catalogue') }}

),

sources as (

    select * from {{ ref('int_source_coverage') }}

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
        kpi_id,
        source_extracts,
        lookback_months,
        case
            when are_sources_covered and latest_covered_from <= earliest_covered_to
                then latest_covered_from
        end as covered_from,
        case
            when are_sources_covered and latest_covered_from <= earliest_covered_to
                then earliest_covered_to
        end as covered_to,
        case
            when not are_sources_covered then source_reasons
            when latest_covered_from > earliest_covered_to
                then 'its source extracts cover no month in common'
        end as reason_not_covered
    from combined

)

select * from final
