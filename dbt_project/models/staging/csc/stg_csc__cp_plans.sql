with

source as (

    select * from {{ source('csc', 'ssd_cp_plans') }}

),

renamed as (

    select
        cppl_cp_plan_id as cp_plan_id,
        cppl_person_id as person_id,
        cast(cppl_cp_plan_start_date as date) as started_on,
        cast(cppl_cp_plan_end_date as date) as ended_on,
        cppl_cp_plan_initial_category as initial_category,
        cppl_cp_plan_latest_category as latest_category,
        cppl_cp_plan_ola as is_other_la,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
