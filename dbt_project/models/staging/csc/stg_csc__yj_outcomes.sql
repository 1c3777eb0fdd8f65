with

source as (

    select * from {{ source('csc', 'ext_yj_outcomes') }}

),

renamed as (

    select
        yj_outcome_id as yj_outcome_id,
        yj_person_id as person_id,
        cast(date_of_birth as date) as date_of_birth,
        cast(offence_date as date) as offence_on,
        cast(outcome_date as date) as outcome_on,
        outcome_type as outcome_type,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
