{#- One row per child adopted (permanence order of type Adoption): the adoption scorecard
    clocks. A2: days from the placement order (court authority to place) to the match, counted
    as 0 when the match came first. A1: days from the start of the period of care to moving in
    with the adoptive family (placed for adoption). -#}
with

permanence as (

    select * from {{ ref('stg_csc__permanence') }}

),

periods as (

    select period_of_care_id, person_id, started_on, ended_on
    from {{ ref('int_cla__periods_of_care') }}

),

adopted as (

    select *
    from permanence
    where permanence_order_type = 'Adoption' and permanence_order_on is not null

),

with_period as (

    -- The period of care named on the record, or else the child's period that contains the
    -- placement for adoption (the latest one starting on or before it).
    select
        adopted.*,
        coalesce(named.started_on, containing.started_on) as period_started_on
    from adopted
    left join periods as named on adopted.period_of_care_id = named.period_of_care_id
    left join lateral (
        select max(periods.started_on) as started_on
        from periods
        where
            periods.person_id = adopted.person_id
            and periods.started_on <= adopted.placed_for_adoption_on
    ) as containing on true

),

final as (

    select
        permanence_id,
        person_id,
        permanence_order_on as adopted_on,
        placement_order_on,
        matched_on,
        placed_for_adoption_on,
        period_started_on,
        placed_for_adoption_on is not null as was_placed_for_adoption,
        -- greatest() skips nulls in DuckDB, so guard the missing match explicitly.
        case
            when matched_on is not null and placement_order_on is not null
                then greatest(0, date_diff('day', placement_order_on, matched_on))
        end as a2_days,
        date_diff('day', period_started_on, placed_for_adoption_on) as a1_days,
        case
            when placed_for_adoption_on is not null
                and placement_order_on is not null
                and matched_on is null
                then 'no match date'
        end as a2_exclusion_reason,
        case
            when placed_for_adoption_on is not null and period_started_on is null
                then 'no period of care found'
            when placed_for_adoption_on < period_started_on
                then 'placed for adoption before the period of care began'
        end as a1_exclusion_reason
    from with_period

)

select * from final
