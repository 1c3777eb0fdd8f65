with

source as (

    select * from {{ source('csc', 'ssd_person') }}

),

renamed as (

    select
        pers_person_id as person_id,
        pers_sex as sex,
        pers_ethnicity as ethnicity,
        cast(pers_dob as date) as date_of_birth,
        cast(pers_expected_dob as date) as expected_date_of_birth,
        cast(pers_death_date as date) as date_of_death,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
