with

source as (

    select * from {{ source('csc', 'ssd_contacts') }}

),

renamed as (

    select
        cont_contact_id as contact_id,
        cont_person_id as person_id,
        cast(cont_contact_date as timestamp) as contact_at,
        cont_contact_source_code as contact_source_code,
        cont_contact_outcome_json as contact_outcome_json,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
