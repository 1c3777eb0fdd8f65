{#- cbp_a1 (adoption scorecard A1) records: one row per child adopted who was placed for adoption,
    without an A1 exclusion (fct_adoptions), placed in windows by the adoption order date; the
    numerator is the days from the start of the period of care to moving in with the adoptive
    family. Value: the average. -#}
with

adoptions as (

    select * from {{ ref('fct_adoptions') }}
    where was_placed_for_adoption and a1_exclusion_reason is null

),

final as (

    select
        'cbp_a1' as kpi_id,
        adopted_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        permanence_id as record_id,
        person_id,
        cast(null as varchar) as team,
        period_started_on as started_on,
        placed_for_adoption_on as ended_on,
        a1_days as measure_value,
        'days from entering care to placed for adoption' as measure,
        a1_days as numerator,
        1 as denominator
    from adoptions

)

select * from final
