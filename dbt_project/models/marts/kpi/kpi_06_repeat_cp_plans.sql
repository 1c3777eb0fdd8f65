{#- kpi_06: % of children on a CP plan at the period end whose current plan began within 2 years
    of the end of an earlier plan. Other-LA plans are excluded; a child counts once, by their
    latest-starting open plan. -#}
with

plans as (

    select * from {{ ref('fct_cp_plans') }}

),

months as (

    select period_end from {{ ref('int_month_spine') }}

),

current_plans as (

    select
        months.period_end,
        plans.person_id,
        plans.is_repeat_within_2_years,
        row_number() over (
            partition by months.period_end, plans.person_id
            order by plans.started_on desc, plans.cp_plan_id desc
        ) as plan_rank
    from months
    inner join plans
        on plans.started_on <= months.period_end
        and (plans.ended_on is null or plans.ended_on > months.period_end)
    where not plans.is_other_la

),

final as (

    select
        'kpi_06' as kpi_id,
        months.period_end,
        'snapshot' as period_type,
        count(current_plans.person_id)
            filter (where current_plans.is_repeat_within_2_years) as numerator,
        count(current_plans.person_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from months
    left join current_plans
        on months.period_end = current_plans.period_end and current_plans.plan_rank = 1
    group by months.period_end

)

select * from final
