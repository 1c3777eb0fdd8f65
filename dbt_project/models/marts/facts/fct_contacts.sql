{#- One row per contact. -#}
with

contacts as (

    select * from {{ ref('stg_csc__contacts') }}

),

final as (

    select
        contact_id,
        person_id,
        contact_at,
        cast(contact_at as date) as contact_on,
        contact_source_code
    from contacts

)

select * from final
