with

source as (

    select * from {{ source('csc', 'ssd_legal_status') }}

),

renamed as (

    select
        lega_legal_status_id as legal_status_id,
        lega_person_id as person_id,
        lega_legal_status as legal_status,
        cast(lega_legal_status_start_date as date) as started_on,
        cast(lega_legal_status_end_date as date) as ended_on,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
