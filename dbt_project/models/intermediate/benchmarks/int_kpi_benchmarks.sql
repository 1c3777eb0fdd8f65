{#- One row per KPI with the comparators shown beside it: national, statistical-neighbour and
    regional averages and the authority's own published figure, from the reference report's
    comparator seed. -#}
with

comparators as (

    select * from {{ ref('reference_report_comparators') }}

),

final as (

    select
        kpi_id,
        max(value) filter (where comparator = 'national') as benchmark_national,
        max(value) filter (where comparator = 'statistical_neighbours')
            as benchmark_statistical_neighbours,
        max(value) filter (where comparator = 'regional') as benchmark_regional,
        max(value) filter (where comparator = 'own_la_published') as benchmark_own_la_published,
        max(value) filter (where comparator = 'yot_family') as benchmark_yot_family,
        max(value) filter (where comparator = 'core_cities') as benchmark_core_cities,
        string_agg(distinct period_label, '; ' order by period_label) as benchmark_period,
        'reference report comparators (' || min(source) || ')' as benchmark_source
    from comparators
    group by kpi_id

)

select * from final
