{#- rate_cp: children on a CP plan at the period end (int_cp__children_on_plans_by_month, kpi_06's
    denominator) per 10,000 aged 0-17.
    rate_cla: children looked after at the period end, short breaks (V3/V4) excluded, per 10,000.
-#}
with

children_on_plans as (

    select * from {{ ref('int_cp__children_on_plans_by_month') }}

),

looked_after as (

    select * from {{ ref('int_cla__looked_after_at_month_end') }}

),

months as (

    select period_end from {{ ref('int_month_spine') }}

),

population as (

    select period_end, population_0_17 from {{ ref('int_population__by_month') }}

),

cp as (

    select months.period_end, count(children_on_plans.person_id) as children
    from months
    left join children_on_plans on months.period_end = children_on_plans.period_end
    group by months.period_end

),

cla as (

    select
        months.period_end,
        count(looked_after.person_id) filter (where not looked_after.is_short_break) as children
    from months
    left join looked_after on months.period_end = looked_after.period_end
    group by months.period_end

),

counts as (

    select 'rate_cp' as kpi_id, period_end, children from cp
    union all
    select 'rate_cla', period_end, children from cla

),

final as (

    select
        counts.kpi_id,
        counts.period_end,
        'snapshot' as period_type,
        counts.children as numerator,
        population.population_0_17 as denominator,
        {{ rate_per('counts.children', 'population.population_0_17', 10000) }} as value
    from counts
    left join population on counts.period_end = population.period_end

)

select * from final
