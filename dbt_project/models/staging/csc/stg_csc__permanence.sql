with

source as (

    select * from {{ source('csc', 'ssd_permanence') }}

),

renamed as (

    select
        perm_table_id as permanence_id,
        perm_person_id as person_id,
        perm_cla_id as period_of_care_id,
        cast(perm_adm_decision_date as date) as adm_decision_on,
        cast(perm_placement_order_date as date) as placement_order_on,
        cast(perm_matched_date as date) as matched_on,
        cast(perm_placed_for_adoption_date as date) as placed_for_adoption_on,
        cast(perm_permanence_order_date as date) as permanence_order_on,
        perm_permanence_order_type as permanence_order_type,
        cast(perm_decision_reversed_date as date) as decision_reversed_on,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
