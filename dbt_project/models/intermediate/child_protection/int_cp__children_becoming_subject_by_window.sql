{#- One row per kpi_06 window (int_kpi_windows) and child who became the subject of a child
    protection plan of this authority in it: the child's first plan start in the window, with
    whether that plan started within 2 years of the end of an earlier plan of theirs
    (fct_cp_plans.is_repeat_within_2_years; an earlier plan of any authority is history).
    kpi_06 counts these rows and the exception lists list the repeats, so the two cannot
    disagree. -#}
with

plans as (

    select * from {{ ref('fct_cp_plans') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_06'

),

starts as (

    select
        windows.period_end,
        windows.period_type,
        plans.person_id,
        plans.cp_plan_id,
        plans.started_on,
        plans.previous_plan_ended_on,
        plans.is_repeat_within_2_years,
        row_number() over (
            partition by windows.period_end, windows.period_type, plans.person_id
            order by plans.started_on, plans.cp_plan_id
        ) as start_rank
    from windows
    inner join plans
        on plans.is_in_kpi_06
        and plans.started_on between windows.window_start and windows.window_end

),

final as (

    select
        period_end,
        period_type,
        person_id,
        cp_plan_id,
        started_on,
        previous_plan_ended_on,
        is_repeat_within_2_years
    from starts
    where start_rank = 1

)

select * from final
