{#- One row per KPI of the catalogue: whether the sources its extracts were loaded from support
    it. A KPI none of whose source extracts came from statutory returns (they came from SSD
    extracts, or were not loaded, which int_source_coverage reports) is not judged here. A KPI
    with any source extract loaded from returns is supported when a row of return_kpi_support
    (support full or partial) names only returns that supplied those extracts; otherwise it is
    not available from the loaded sources, with that seed's reason. -#}
with

catalogue as (

    select kpi_id, source_extracts from {{ ref('kpi_catalogue') }}

),

support as (

    select kpi_id, coalesce(source_returns, '') as source_returns, support, note
    from {{ ref('return_kpi_support') }}

),

extract_sources as (

    select * from {{ ref('stg_load__extract_sources') }}

),

kpi_sources as (

    select
        catalogue.kpi_id,
        unnest(string_split(catalogue.source_extracts, ' ')) as extract
    from catalogue

),

from_returns as (

    select
        kpi_sources.kpi_id,
        string_agg(kpi_sources.extract, ' ' order by kpi_sources.extract) as return_extracts,
        list_sort(list_distinct(flatten(list(string_split(extract_sources.source_returns, ' ')))))
            as loaded_returns
    from kpi_sources
    inner join extract_sources on kpi_sources.extract = extract_sources.extract
    where extract_sources.supplied_by = 'returns'
    group by kpi_sources.kpi_id

),

candidates as (

    select
        from_returns.kpi_id,
        support.support,
        support.source_returns,
        support.note,
        support.support in ('full', 'partial')
        and list_has_all(from_returns.loaded_returns, string_split(support.source_returns, ' '))
            as is_supported
    from from_returns
    inner join support on from_returns.kpi_id = support.kpi_id

),

best as (

    select kpi_id, support, source_returns, note
    from candidates
    where is_supported
    qualify row_number() over (
        partition by kpi_id
        order by case support when 'full' then 0 else 1 end, source_returns
    ) = 1

),

needs as (

    select
        kpi_id,
        string_agg(note, '; ' order by note) filter (where support = 'none') as none_note,
        string_agg(
            replace(source_returns, ' ', ' and ') || ' (' || support || ')', ' or '
            order by source_returns
        ) filter (where support <> 'none') as supporting_returns
    from candidates
    group by kpi_id

),

final as (

    select
        catalogue.kpi_id,
        from_returns.return_extracts,
        array_to_string(from_returns.loaded_returns, ' ') as loaded_returns,
        best.support,
        best.source_returns as supported_by,
        best.note as support_note,
        case
            when from_returns.kpi_id is not null and best.kpi_id is null
                then 'no loaded return supports it: '
                || coalesce(
                    needs.none_note,
                    'its extracts ' || from_returns.return_extracts || ' came from the '
                    || array_to_string(from_returns.loaded_returns, ' and ')
                    || ' return, which does not support it'
                    || coalesce('; it needs ' || needs.supporting_returns, '')
                )
        end as reason_not_supported
    from catalogue
    left join from_returns on catalogue.kpi_id = from_returns.kpi_id
    left join best on catalogue.kpi_id = best.kpi_id
    left join needs on catalogue.kpi_id = needs.kpi_id

)

select * from final
