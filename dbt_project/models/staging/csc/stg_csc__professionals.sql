with

source as (

    select * from {{ source('csc', 'ssd_professionals') }}

),

renamed as (

    select
        prof_professional_id as professional_id,
        prof_social_worker_registration_no as registration_number,
        prof_professional_job_title as job_title,
        prof_professional_department as department,
        prof_full_time_equivalency as fte,
        prof_agency_worker_flag as is_agency,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
