{#- One row per placement within its period of care, with the placement before it in the same
    period (for placed-for-adoption stability) and whether it is a placement for adoption. -#}
with

placements as (

    select * from {{ ref('stg_csc__cla_placements') }}

),

periods as (

    select period_of_care_id, started_on, ended_on from {{ ref('int_cla__periods_of_care') }}

),

final as (

    select
        placements.placement_id,
        placements.period_of_care_id,
        placements.person_id,
        placements.started_on,
        placements.ended_on,
        placements.placement_type,
        placements.placement_type in ('A3', 'A4', 'A5', 'A6') as is_placed_for_adoption,
        placements.ended_on < placements.started_on as ends_before_it_starts,
        lag(placements.placement_id) over period_placements as previous_placement_id,
        lag(placements.started_on) over period_placements as previous_placement_started_on,
        periods.period_of_care_id is not null
        and placements.started_on >= periods.started_on
        and (
            periods.ended_on is null
            or coalesce(placements.ended_on, date '9999-12-31') <= periods.ended_on
        ) as is_within_period_of_care
    from placements
    left join periods on placements.period_of_care_id = periods.period_of_care_id
    window period_placements as (
        partition by placements.period_of_care_id
        order by placements.started_on, placements.placement_id
    )

)

select * from final
