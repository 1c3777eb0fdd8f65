{#- kpi_07: long-term placement stability. Of children looked after at the period end, under 16
    then, in care for 2.5 years or more (period began on or before the period end minus 30
    months) and not on a short-break status (V3/V4): the % in their current placement for 2 years
    or more. A placement for adoption (A3-A6) counts from the start of the placement before it. -#}
with

looked_after as (

    select * from {{ ref('int_cla__looked_after_at_month_end') }}

),

months as (

    select period_end from {{ ref('int_month_spine') }}

),

in_scope as (

    select
        period_end,
        person_id,
        case
            when is_placed_for_adoption
                then coalesce(previous_placement_started_on, placement_started_on)
            else placement_started_on
        end as stable_since
    from looked_after
    where
        age_at_period_end < 16
        and period_started_on <= period_end - interval 30 month
        and not is_short_break

),

final as (

    select
        'kpi_07' as kpi_id,
        months.period_end,
        'snapshot' as period_type,
        count(in_scope.person_id) filter (
            where in_scope.stable_since <= months.period_end - interval 2 year
        ) as numerator,
        count(in_scope.person_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from months
    left join in_scope on months.period_end = in_scope.period_end
    group by months.period_end

)

select * from final
