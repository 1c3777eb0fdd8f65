{#- One row per child protection plan: its length, whether it ended within 3 months (kpi_13),
    and whether it began within 2 years of the end of an earlier plan of the child (kpi_06). -#}
with

plans as (

    select * from {{ ref('stg_csc__cp_plans') }}

),

with_history as (

    select
        plans.*,
        -- The latest end among the child's earlier plans (started before this one and ended on
        -- or before its start); the most recent end decides the 2-year test.
        (
            select max(earlier.ended_on)
            from plans as earlier
            where
                earlier.person_id = plans.person_id
                and earlier.cp_plan_id != plans.cp_plan_id
                and earlier.started_on <= plans.started_on
                and earlier.ended_on <= plans.started_on
        ) as previous_plan_ended_on
    from plans

),

final as (

    select
        cp_plan_id,
        person_id,
        started_on,
        ended_on,
        initial_category,
        latest_category,
        coalesce(is_other_la, false) as is_other_la,
        date_diff('day', started_on, ended_on) as days_on_plan,
        -- Calendar months: a plan from 15 January ending 15 April lasted 3 months or less.
        ended_on <= started_on + interval 3 month as ended_within_3_months,
        previous_plan_ended_on,
        coalesce(
            started_on <= previous_plan_ended_on + interval 2 year, false
        ) as is_repeat_within_2_years
    from with_history

)

select
    *,
    -- kpi_13's denominator: an ended plan of this authority.
    coalesce(ended_on is not null and not is_other_la, false) as is_in_kpi_13
from final
