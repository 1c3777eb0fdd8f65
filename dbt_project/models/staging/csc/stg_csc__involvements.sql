with

source as (

    select * from {{ source('csc', 'ssd_involvements') }}

),

renamed as (

    select
        invo_involvements_id as involvement_id,
        invo_professional_id as professional_id,
        invo_person_id as person_id,
        invo_professional_role_id as role_id,
        invo_professional_team as team,
        cast(invo_involvement_start_date as date) as started_on,
        cast(invo_involvement_end_date as date) as ended_on,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
