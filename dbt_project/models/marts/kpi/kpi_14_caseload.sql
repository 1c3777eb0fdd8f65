{#- kpi_14 records: one row per case holder in the month-end snapshot - a qualified social worker or
    senior practitioner, not on long-term absence, with at least one open allocated case;
    numerator their open allocated cases (distinct children), denominator their FTE, so the
    value is cases per FTE. FTE as an exact decimal: a sum of doubles depends on the order
    DuckDB's parallel aggregation adds them, and two builds of the same extracts must publish
    identical figures. -#}
with

workforce as (

    select * from {{ ref('fct_workforce_month_end') }}
    where is_qualified_social_worker
        and role in ('social_worker', 'senior_practitioner')
        and not is_long_term_absent
        and open_allocated_cases > 0

),

final as (

    select
        'kpi_14' as kpi_id,
        cast(null as date) as event_on,
        snapshot_on as period_end,
        'snapshot' as period_type,
        professional_id as record_id,
        cast(null as varchar) as person_id,
        team,
        cast(null as date) as started_on,
        snapshot_on as ended_on,
        open_allocated_cases as measure_value,
        'open allocated cases' as measure,
        cast(open_allocated_cases as decimal(18, 4)) as numerator,
        cast(fte as decimal(9, 4)) as denominator
    from workforce

)

select * from final
