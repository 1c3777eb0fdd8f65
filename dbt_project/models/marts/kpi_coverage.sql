{#- One row per KPI of the catalogue: which months it is published for and, where it is
    published for none, why. Its source extracts and the months they cover together come from
    int_kpi_coverage; what was published from marts.kpi_values (the headline window). -#}
with

catalogue as (

    select kpi_id, title, headline_window, windows, lookback_months, report_order
    from {{ ref('kpi_catalogue') }}

),

coverage as (

    select * from {{ ref('int_kpi_coverage') }}

),

published as (

    select
        kpi_values.kpi_id,
        min(kpi_values.period_end) filter (
            where kpi_values.period_type = catalogue.headline_window
        ) as first_period_end,
        max(kpi_values.period_end) filter (
            where kpi_values.period_type = catalogue.headline_window
        ) as last_period_end,
        count(distinct kpi_values.period_end) filter (
            where kpi_values.period_type = catalogue.headline_window
        ) as months_published,
        string_agg(distinct kpi_values.period_type, ' ' order by kpi_values.period_type)
            as windows_published
    from {{ ref('kpi_values') }} as kpi_values
    inner join catalogue on kpi_values.kpi_id = catalogue.kpi_id
    group by kpi_values.kpi_id

),

final as (

    select
        catalogue.kpi_id,
        catalogue.title,
        catalogue.report_order,
        coverage.source_extracts,
        coverage.source_support,
        coverage.supported_by,
        coverage.support_note,
        catalogue.headline_window,
        catalogue.lookback_months,
        coverage.covered_from as sources_cover_from,
        coverage.covered_to as sources_cover_to,
        published.first_period_end,
        published.last_period_end,
        coalesce(published.months_published, 0) as months_published,
        published.windows_published,
        case
            when published.first_period_end is not null then null
            when coverage.reason_not_covered is not null then coverage.reason_not_covered
            else
                'no complete ' || catalogue.headline_window || ' window'
                || case
                    when catalogue.lookback_months > 0
                        then ' with its ' || catalogue.lookback_months || '-month look-back'
                    else ''
                end
                || ': its sources cover ' || strftime(coverage.covered_from, '%Y-%m')
                || ' to ' || strftime(coverage.covered_to, '%Y-%m')
        end as reason_not_published
    from catalogue
    left join coverage on catalogue.kpi_id = coverage.kpi_id
    left join published on catalogue.kpi_id = published.kpi_id

)

select * from final
