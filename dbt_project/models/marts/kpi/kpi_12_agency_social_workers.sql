{#- kpi_12 records: one row per qualified social worker, senior practitioner or team manager in the
    month-end workforce snapshot (long-term absent included: they hold the post); numerator the
    agency workers' FTE, denominator their FTE, so the value is the agency share of FTE. FTE as
    an exact decimal: a sum of doubles depends on the order DuckDB's parallel aggregation adds
    them, and two builds of the same extracts must publish identical figures. -#}
with

workforce as (

    select * from {{ ref('fct_workforce_month_end') }}
    where is_qualified_social_worker
        and role in ('social_worker', 'senior_practitioner', 'team_manager')

),

final as (

    select
        'kpi_12' as kpi_id,
        cast(null as date) as event_on,
        snapshot_on as period_end,
        'snapshot' as period_type,
        professional_id as record_id,
        cast(null as varchar) as person_id,
        team,
        cast(null as date) as started_on,
        snapshot_on as ended_on,
        cast(null as double) as measure_value,
        cast(null as varchar) as measure,
        case when is_agency then cast(fte as decimal(9, 4)) else 0 end as numerator,
        cast(fte as decimal(9, 4)) as denominator
    from workforce

)

select * from final
