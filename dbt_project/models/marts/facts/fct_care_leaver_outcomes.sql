{#- One row per care leaver per birthday (17 to 21) with their activity and contact. The
    birthday is date_of_birth + birthday_age years (29 February falls on 28 February in other
    years, as DuckDB's calendar arithmetic gives). -#}
with

outcomes as (

    select * from {{ ref('stg_csc__care_leaver_outcomes') }}

),

final as (

    select
        person_id || '|' || cast(birthday_age as varchar) as care_leaver_outcome_id,
        person_id,
        date_of_birth,
        birthday_age,
        cast(date_of_birth + to_years(cast(birthday_age as integer)) as date) as birthday_on,
        in_touch,
        activity,
        accommodation,
        in_touch in ('DIED', 'RHOM') as is_out_of_scope,
        coalesce(activity in (
            'F1', 'F2', 'F3', 'F4', 'F5', 'P1', 'P2', 'P3', 'P4', 'P5'
        ), false) as is_in_eet
    from outcomes

)

select * from final
