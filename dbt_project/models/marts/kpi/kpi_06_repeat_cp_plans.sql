{#- kpi_06: % of children on a CP plan at the period end whose current plan began within 2 years
    of the end of an earlier plan (int_cp__children_on_plans_by_month). -#}
with

children_on_plans as (

    select * from {{ ref('int_cp__children_on_plans_by_month') }}

),

months as (

    select period_end from {{ ref('int_month_spine') }}

),

final as (

    select
        'kpi_06' as kpi_id,
        months.period_end,
        'snapshot' as period_type,
        count(children_on_plans.person_id)
            filter (where children_on_plans.is_repeat_within_2_years) as numerator,
        count(children_on_plans.person_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from months
    left join children_on_plans on months.period_end = children_on_plans.period_end
    group by months.period_end

)

select * from final
