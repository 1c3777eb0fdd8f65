with

source as (

    select * from {{ source('csc', 'ext_supervisions') }}

),

renamed as (

    select
        supervision_id as supervision_id,
        prof_professional_id as professional_id,
        cast(supervision_date as date) as supervised_on,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
