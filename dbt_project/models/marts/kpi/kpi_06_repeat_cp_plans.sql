{#- kpi_06 records: one row per kpi_06 window and child who became the subject of a CP plan of this
    authority in it (int_cp__children_becoming_subject_by_window: each child once, by the first
    plan start); the numerator is 1 when that plan started within 2 years of the end of an
    earlier plan. A flow, not the month-end stock of children on plans. -#}
with

children as (

    select * from {{ ref('int_cp__children_becoming_subject_by_window') }}

),

final as (

    select
        'kpi_06' as kpi_id,
        cast(null as date) as event_on,
        period_end as period_end,
        period_type as period_type,
        cp_plan_id as record_id,
        person_id,
        cast(null as varchar) as team,
        previous_plan_ended_on as started_on,
        started_on as ended_on,
        date_diff('day', previous_plan_ended_on, started_on) as measure_value,
        'days from the end of the earlier plan to this plan' as measure,
        case when is_repeat_within_2_years then 1 else 0 end as numerator,
        1 as denominator
    from children

)

select * from final
