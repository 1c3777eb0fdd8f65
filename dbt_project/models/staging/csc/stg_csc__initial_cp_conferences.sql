with

source as (

    select * from {{ source('csc', 'ssd_initial_cp_conference') }}

),

renamed as (

    select
        icpc_icpc_id as icpc_id,
        icpc_person_id as person_id,
        icpc_s47_enquiry_id as s47_enquiry_id,
        icpc_referral_id as referral_id,
        icpc_icpc_transfer_in as is_transfer_in,
        cast(icpc_icpc_date as date) as held_on,
        icpc_icpc_outcome_cp_flag as is_cp_plan_outcome,
        icpc_cp_plan_id as cp_plan_id,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
