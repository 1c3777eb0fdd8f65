with

source as (

    select * from {{ source('csc', 'ssd_cin_episodes') }}

),

renamed as (

    select
        cine_referral_id as referral_id,
        cine_person_id as person_id,
        cast(cine_referral_date as timestamp) as referral_at,
        cast(cine_referral_decision_date as timestamp) as decision_at,
        cine_referral_source_code as referral_source_code,
        cine_referral_nfa as is_nfa,
        cine_cin_primary_need_code as primary_need_code,
        cast(cine_close_date as date) as closed_on,
        cine_close_reason as close_reason,
        cine_referral_team as team,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
