with

source as (

    select * from {{ source('csc', 'ssd_cla_reviews') }}

),

renamed as (

    select
        clar_cla_review_id as review_id,
        clar_cla_id as period_of_care_id,
        cast(clar_cla_review_date as date) as held_on,
        cast(clar_cla_review_due_date as date) as recorded_due_on,
        clar_cla_review_cancelled as is_cancelled,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
