{#- rate_cp: children on a CP plan at the period end (int_cp__children_on_plans_by_month, other-LA
    plans excluded) per 10,000 aged 0-17.
    rate_cla: children looked after at the period end, short breaks (V3/V4) excluded, per 10,000.
-#}
with

children_on_plans as (

    select * from {{ ref('int_cp__children_on_plans_by_month') }}

),

looked_after as (

    select * from {{ ref('int_cla__looked_after_at_month_end') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id in ('rate_cp', 'rate_cla')

),

population as (

    select period_end, population_0_17 from {{ ref('int_population__by_month') }}

),

children as (

    select 'rate_cp' as kpi_id, period_end, person_id from children_on_plans
    union all
    select 'rate_cla', period_end, person_id
    from looked_after
    where not is_short_break and not is_excluded_from_cla_counts

),

counts as (

    select
        windows.kpi_id,
        windows.period_end,
        windows.period_type,
        count(children.person_id) as children
    from windows
    left join children
        on windows.kpi_id = children.kpi_id
        and windows.period_end = children.period_end
    group by windows.kpi_id, windows.period_end, windows.period_type

),

final as (

    select
        counts.kpi_id,
        counts.period_end,
        counts.period_type,
        counts.children as numerator,
        population.population_0_17 as denominator,
        {{ rate_per('counts.children', 'population.population_0_17', 10000) }} as value
    from counts
    left join population on counts.period_end = population.period_end

)

select * from final
