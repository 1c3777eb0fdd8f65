with

source as (

    select * from {{ source('load', 'extract_sources') }}

),

renamed as (

    select
        extract,
        supplied_by,
        source_returns,
        source_files
    from source

)

select * from renamed
