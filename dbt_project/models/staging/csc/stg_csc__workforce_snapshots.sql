with

source as (

    select * from {{ source('csc', 'ext_workforce_snapshots') }}

),

renamed as (

    select
        cast(snapshot_date as date) as snapshot_on,
        prof_professional_id as professional_id,
        role as role,
        qualified_social_worker as is_qualified_social_worker,
        agency_worker as is_agency,
        fte as fte,
        team as team,
        long_term_absence as is_long_term_absent,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
