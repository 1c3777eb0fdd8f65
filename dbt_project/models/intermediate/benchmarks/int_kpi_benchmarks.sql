{#- One row per KPI and benchmark period: national, regional and statistical-neighbour averages
    and the authority's own published figure. Computed from DfE's published statistics
    (stg_dfe__cin_benchmarks, one row per statistics year) where DfE publishes the measure
    (the registry's dfe_measure, kpi_catalogue); the reference report's printed comparators
    (reference_report_comparators, statistics_year_end null) fill what DfE does not give. -#}
with

published as (

    select * from {{ ref('stg_dfe__cin_benchmarks') }}

),

measures as (

    select kpi_id, dfe_measure, benchmark_like_for_like as like_for_like
    from {{ ref('kpi_catalogue') }}
    where dfe_measure is not null

),

neighbours as (

    select * from {{ ref('statistical_neighbours') }}
    where la_code = '{{ var("la_code") }}'

),

printed as (

    select * from {{ ref('reference_report_comparators') }}

),

own_region as (

    select max(region_name) as region_name
    from published
    where geography_level = 'la' and la_code = '{{ var("la_code") }}'

),

from_dfe as (

    select
        measures.kpi_id,
        published.statistics_year_end,
        max(published.value) filter (where published.geography_level = 'england')
            as benchmark_national,
        max(published.value) filter (
            where published.geography_level = 'region'
            and published.area_name = own_region.region_name
        ) as benchmark_regional,
        max(published.value) filter (
            where published.geography_level = 'la'
            and published.la_code = '{{ var("la_code") }}'
        ) as benchmark_own_la_published,
        -- Simple mean of the neighbours' published figures; null without a neighbour list.
        avg(published.value) filter (where neighbours.neighbour_la_code is not null)
            as benchmark_statistical_neighbours,
        'DfE Characteristics of children in need, year ending '
        || strftime(published.statistics_year_end, '%-d %B %Y')
        || ' (' || max(published.source_table) || ')' as benchmark_source,
        bool_and(measures.like_for_like) as like_for_like
    from measures
    inner join published on measures.dfe_measure = published.measure
    cross join own_region
    left join neighbours
        on published.geography_level = 'la'
        and published.la_code = neighbours.neighbour_la_code
    group by measures.kpi_id, published.statistics_year_end

),

from_report as (

    select
        kpi_id,
        cast(null as date) as statistics_year_end,
        max(value) filter (where comparator = 'national') as benchmark_national,
        max(value) filter (where comparator = 'regional') as benchmark_regional,
        max(value) filter (where comparator = 'own_la_published') as benchmark_own_la_published,
        max(value) filter (where comparator = 'statistical_neighbours')
            as benchmark_statistical_neighbours,
        max(value) filter (where comparator = 'yot_family') as benchmark_yot_family,
        max(value) filter (where comparator = 'core_cities') as benchmark_core_cities,
        'reference report, as printed ('
        || string_agg(distinct period_label, '; ' order by period_label) || ')'
            as benchmark_source
    from printed
    group by kpi_id

),

final as (

    select
        kpi_id,
        statistics_year_end,
        benchmark_national,
        benchmark_regional,
        benchmark_own_la_published,
        benchmark_statistical_neighbours,
        cast(null as double) as benchmark_yot_family,
        cast(null as double) as benchmark_core_cities,
        benchmark_source,
        like_for_like
    from from_dfe
    union all
    select
        kpi_id,
        statistics_year_end,
        benchmark_national,
        benchmark_regional,
        benchmark_own_la_published,
        benchmark_statistical_neighbours,
        benchmark_yot_family,
        benchmark_core_cities,
        benchmark_source,
        cast(null as boolean) as like_for_like
    from from_report

)

select * from final
