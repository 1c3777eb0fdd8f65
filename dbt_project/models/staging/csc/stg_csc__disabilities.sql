with

source as (

    select * from {{ source('csc', 'ssd_disability') }}

),

renamed as (

    select
        disa_person_id as person_id,
        disa_disability_code as disability_code,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
