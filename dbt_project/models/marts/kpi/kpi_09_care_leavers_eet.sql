{#- kpi_09 records: one row per care leaver's 19th, 20th or 21st birthday in the measure (not died
    or returned home: fct_care_leaver_outcomes.is_in_kpi_09), placed in windows by the birthday;
    the numerator is 1 when their activity is education, employment or training (F1-F5, P1-P5). -#}
with

outcomes as (

    select * from {{ ref('fct_care_leaver_outcomes') }}
    where is_in_kpi_09

),

final as (

    select
        'kpi_09' as kpi_id,
        birthday_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        care_leaver_outcome_id as record_id,
        person_id,
        cast(null as varchar) as team,
        birthday_on as started_on,
        cast(null as date) as ended_on,
        birthday_age as measure_value,
        'age at the birthday; activity ' || coalesce(activity, 'unknown') || ', in touch ' || in_touch as measure,
        case when is_in_eet then 1 else 0 end as numerator,
        1 as denominator
    from outcomes

)

select * from final
