{#- One row per section 47 enquiry. -#}
with

enquiries as (

    select * from {{ ref('stg_csc__s47_enquiries') }}

),

final as (

    select
        s47_enquiry_id,
        person_id,
        referral_id,
        started_on,
        ended_on,
        coalesce(is_nfa, false) as is_nfa
    from enquiries

)

select * from final
