{#- One row per month end and child in kpi_07's cohort: looked after at the end of that day,
    under 16 then, in care for 2.5 years or more (period began on or before the period end minus
    30 months), not on a short-break status (V3/V4) and with dates that do not contradict each
    other (int_cla__looked_after_at_month_end, int_cla__placements); with the date their placement counts
    from and whether that is 2 years or more. A placement for adoption (A3-A6) counts from the
    start of the placement before it in the period (DfE's rule), or its own start without one. -#}
with

looked_after as (

    select * from {{ ref('int_cla__looked_after_at_month_end') }}

),

placements as (

    select * from {{ ref('int_cla__placements') }}

),

in_scope as (

    select
        period_end,
        person_id,
        period_of_care_id,
        period_started_on,
        placement_id,
        placement_type,
        placement_started_on,
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
        and not is_excluded_from_cla_counts
        -- A placement of the period that ends before it starts, begun by the period end,
        -- leaves the current placement unknown (listed in audit.kpi_exclusions).
        and not exists (
            select 1
            from placements
            where
                placements.period_of_care_id = looked_after.period_of_care_id
                and placements.ends_before_it_starts
                and placements.started_on <= looked_after.period_end
        )

),

final as (

    select
        *,
        coalesce(stable_since <= period_end - interval 2 year, false) as is_stable
    from in_scope

)

select * from final
