{#- cbp_fte records: one row per young person's first-ever formal youth justice outcome (youth
    caution, youth conditional caution, court sentence) when they were 10-17 on its date
    (fct_yj_outcomes), placed in windows by the outcome date. The rate per 100,000 aged 10-17 is
    taken in marts.kpi_values from the latest ONS mid-year estimate at or before the window end. -#}
with

entrants as (

    select * from {{ ref('fct_yj_outcomes') }}
    where is_first_ever_formal_outcome and age_at_outcome between 10 and 17

),

final as (

    select
        'cbp_fte' as kpi_id,
        outcome_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        yj_outcome_id as record_id,
        person_id,
        cast(null as varchar) as team,
        outcome_on as started_on,
        cast(null as date) as ended_on,
        cast(null as double) as measure_value,
        cast(null as varchar) as measure,
        1 as numerator,
        cast(null as integer) as denominator
    from entrants

)

select * from final
