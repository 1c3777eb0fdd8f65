{#- One row per month end and child on a child protection plan at the end of that day (started
    on or before it, not ended or ended after it), other-LA plans and plans that end before
    they start excluded, by the child's latest-starting open plan (rate_cp). -#}
with

plans as (

    select * from {{ ref('fct_cp_plans') }}

),

months as (

    select period_end from {{ ref('int_month_spine') }}

),

open_plans as (

    select
        months.period_end,
        plans.person_id,
        plans.cp_plan_id,
        plans.started_on,
        plans.previous_plan_ended_on,
        plans.is_repeat_within_2_years,
        row_number() over (
            partition by months.period_end, plans.person_id
            order by plans.started_on desc, plans.cp_plan_id desc
        ) as plan_rank
    from months
    inner join plans
        on plans.started_on <= months.period_end
        and (plans.ended_on is null or plans.ended_on > months.period_end)
    -- A plan that ends before it starts is open on no day by the join above: it drops out by
    -- itself (listed in audit.kpi_exclusions for rate_cp).
    where not plans.is_other_la

),

final as (

    select
        period_end,
        person_id,
        cp_plan_id,
        started_on,
        previous_plan_ended_on,
        is_repeat_within_2_years
    from open_plans
    where plan_rank = 1

)

select * from final
