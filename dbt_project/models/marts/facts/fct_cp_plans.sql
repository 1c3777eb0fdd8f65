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
        -- or before its start); the most recent end decides the 2-year test. A plan that ends
        -- before it starts is no history: its end cannot be trusted.
        (
            select max(earlier.ended_on)
            from plans as earlier
            where
                earlier.person_id = plans.person_id
                and earlier.cp_plan_id != plans.cp_plan_id
                and earlier.started_on <= plans.started_on
                and earlier.ended_on <= plans.started_on
                and earlier.ended_on >= earlier.started_on
        ) as previous_plan_ended_on,
        -- An earlier plan of the child whose dates contradict each other: whether this plan is
        -- a repeat within 2 years cannot be told.
        exists (  -- noqa: LT01, LT06
            select 1
            from plans as earlier
            where
                earlier.person_id = plans.person_id
                and earlier.cp_plan_id != plans.cp_plan_id
                and earlier.started_on <= plans.started_on
                and earlier.ended_on < earlier.started_on
        ) as has_contradictory_earlier_plan
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
        ) as is_repeat_within_2_years,
        case
            when ended_on < started_on then 'plan ends before it starts'
        end as interval_exclusion_reason,
        case
            when has_contradictory_earlier_plan
                then 'an earlier plan of the child ends before it starts: cannot tell whether '
                || 'this plan is a repeat'
        end as repeat_exclusion_reason
    from with_history

)

select
    *,
    -- kpi_06's population: a plan of this authority whose repeat status can be told.
    not is_other_la and repeat_exclusion_reason is null as is_in_kpi_06,
    -- kpi_13's denominator: an ended plan of this authority with a length.
    coalesce(
        ended_on is not null and not is_other_la and interval_exclusion_reason is null, false
    ) as is_in_kpi_13
from final
