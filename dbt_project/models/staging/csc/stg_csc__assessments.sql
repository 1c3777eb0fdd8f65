with

source as (

    select * from {{ source('csc', 'ssd_cin_assessments') }}

),

renamed as (

    select
        cina_assessment_id as assessment_id,
        cina_person_id as person_id,
        cina_referral_id as referral_id,
        cast(cina_assessment_start_date as date) as started_on,
        cast(cina_assessment_auth_date as date) as authorised_on,
        cina_assessment_team as team,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
