with

source as (

    select * from {{ source('csc', 'ssd_cla_episodes') }}

),

renamed as (

    select
        clae_cla_episode_id as episode_id,
        clae_person_id as person_id,
        clae_cla_id as period_of_care_id,
        cast(clae_cla_episode_start_date as date) as started_on,
        clae_cla_episode_start_reason as start_reason,
        cast(clae_cla_episode_ceased_date as date) as ceased_on,
        clae_cla_episode_ceased_reason as ceased_reason,
        cast(clae_entered_care_date as date) as entered_care_on,
        clae_cla_placement_id as placement_id,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
