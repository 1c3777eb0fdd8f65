{#- kpi_05 records: one row per initial child protection conference with a clock start on or before
    it (fct_initial_cp_conferences.is_in_kpi_05), placed in windows by the date held; the
    numerator is 1 when it was held within 15 working days of the clock start. -#}
with

conferences as (

    select * from {{ ref('fct_initial_cp_conferences') }}
    where is_in_kpi_05

),

final as (

    select
        'kpi_05' as kpi_id,
        held_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        icpc_id as record_id,
        person_id,
        cast(null as varchar) as team,
        clock_started_on as started_on,
        held_on as ended_on,
        working_days_to_conference as measure_value,
        'working days from ' || clock_start_source || ' to conference' as measure,
        case when is_within_15_working_days then 1 else 0 end as numerator,
        1 as denominator
    from conferences

)

select * from final
