with

source as (

    select * from {{ source('csc', 'ssd_cla_placement') }}

),

renamed as (

    select
        clap_cla_placement_id as placement_id,
        clap_cla_id as period_of_care_id,
        clap_person_id as person_id,
        cast(clap_cla_placement_start_date as date) as started_on,
        cast(clap_cla_placement_end_date as date) as ended_on,
        clap_cla_placement_type as placement_type,
        clap_cla_placement_provider as provider,
        clap_cla_placement_change_reason as change_reason,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
