{#- One row per care leaver per birthday (17 to 21) with their activity and contact. The
    birthday is date_of_birth + birthday_age years (29 February falls on 1 March in other years,
    as in the age_at macro and English law on coming of age). -#}
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
        case
            -- A 29 February birthday falls on 1 March in other years, as in age_at().
            when month(date_of_birth) = 2 and day(date_of_birth) = 29
                and day(date_of_birth + to_years(cast(birthday_age as integer))) = 28
                then make_date(year(date_of_birth) + birthday_age, 3, 1)
            else cast(date_of_birth + to_years(cast(birthday_age as integer)) as date)
        end as birthday_on,
        in_touch,
        activity,
        accommodation,
        in_touch in ('DIED', 'RHOM') as is_out_of_scope,
        coalesce(activity in (
            'F1', 'F2', 'F3', 'F4', 'F5', 'P1', 'P2', 'P3', 'P4', 'P5'
        ), false) as is_in_eet
    from outcomes

)

select
    *,
    -- kpi_09's denominator: ages 19-21, not died or returned home.
    coalesce(birthday_age between 19 and 21 and not is_out_of_scope, false) as is_in_kpi_09
from final
