{#- contacts records: one row per contact, placed in windows by its date; a count (numerator 1, no
    denominator). -#}
with

contacts as (

    select * from {{ ref('fct_contacts') }}

),

final as (

    select
        'contacts' as kpi_id,
        contact_on as event_on,
        cast(null as date) as period_end,
        cast(null as varchar) as period_type,
        contact_id as record_id,
        person_id,
        cast(null as varchar) as team,
        contact_on as started_on,
        cast(null as date) as ended_on,
        cast(null as double) as measure_value,
        cast(null as varchar) as measure,
        1 as numerator,
        cast(null as integer) as denominator
    from contacts

)

select * from final
