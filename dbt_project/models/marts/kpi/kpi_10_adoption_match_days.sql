{#- kpi_10 (adoption scorecard A2) records: one row per child adopted who was placed for adoption
    and has a placement order date, without an A2 exclusion (fct_adoptions), placed in windows
    by the adoption order date; the numerator is the days from the placement order (court
    authority to place) to the match, 0 when the match came first. Value: the average. -#}
with

adoptions as (

    select * from {{ ref('fct_adoptions') }}
    where was_placed_for_adoption
        and placement_order_on is not null
        and a2_exclusion_reason is null

),

final as (

    select
        'kpi_10' as kpi_id,
        adopted_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        permanence_id as record_id,
        person_id,
        cast(null as varchar) as team,
        placement_order_on as started_on,
        matched_on as ended_on,
        a2_days as measure_value,
        'days from the placement order to the match' as measure,
        a2_days as numerator,
        1 as denominator
    from adoptions

)

select * from final
