{#- kpi_08 records: one row per looked-after review in the measure (held, not cancelled, not under a
    short-break status, in a known period of care: fct_cla_reviews.is_in_kpi_08), placed in
    windows by the date held; the numerator is 1 when held on or before its regulation 33 due
    date. -#}
with

reviews as (

    select * from {{ ref('fct_cla_reviews') }}
    where is_in_kpi_08

),

final as (

    select
        'kpi_08' as kpi_id,
        held_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        review_id as record_id,
        person_id,
        cast(null as varchar) as team,
        due_on as started_on,
        held_on as ended_on,
        date_diff('day', due_on, held_on) as measure_value,
        'days late' as measure,
        case when is_on_time then 1 else 0 end as numerator,
        1 as denominator
    from reviews

)

select * from final
