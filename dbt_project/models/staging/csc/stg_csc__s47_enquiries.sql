with

source as (

    select * from {{ source('csc', 'ssd_s47_enquiry') }}

),

renamed as (

    select
        s47e_s47_enquiry_id as s47_enquiry_id,
        s47e_person_id as person_id,
        s47e_referral_id as referral_id,
        cast(s47e_s47_start_date as date) as started_on,
        cast(s47e_s47_end_date as date) as ended_on,
        s47e_s47_nfa as is_nfa,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
