{#- kpi_15 records: one row per qualified social worker or senior practitioner in the month-end
    snapshot, not on long-term absence (fct_workforce_month_end.is_in_supervision_scope), for
    the calendar month of the snapshot; the numerator is 1 when a supervision is recorded in
    that month. People, not FTE. -#}
with

workforce as (

    select * from {{ ref('fct_workforce_month_end') }}
    where is_qualified_social_worker
        and role in ('social_worker', 'senior_practitioner', 'team_manager')
        and is_in_supervision_scope

),

final as (

    select
        'kpi_15' as kpi_id,
        cast(null as date) as event_on,
        snapshot_on as period_end,
        'month' as period_type,
        professional_id as record_id,
        cast(null as varchar) as person_id,
        team,
        cast(null as date) as started_on,
        snapshot_on as ended_on,
        cast(null as double) as measure_value,
        'worker with no recorded supervision in the month' as measure,
        cast(case when supervised_in_month then 1 else 0 end as decimal(18, 4)) as numerator,
        cast(1 as decimal(18, 4)) as denominator
    from workforce

)

select * from final
