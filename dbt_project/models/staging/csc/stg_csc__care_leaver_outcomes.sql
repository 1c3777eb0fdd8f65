with

source as (

    select * from {{ source('csc', 'ext_care_leaver_outcomes') }}

),

renamed as (

    select
        person_id as person_id,
        cast(date_of_birth as date) as date_of_birth,
        birthday_age as birthday_age,
        in_touch as in_touch,
        activity as activity,
        accommodation as accommodation,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
