{#- One row per assessment with the working days from start to authorisation (kpi_03). -#}
with

assessments as (

    select * from {{ ref('stg_csc__assessments') }}

),

calendar as (

    select calendar_date, working_day_index from {{ ref('int_calendar__days') }}

),

final as (

    select
        assessments.assessment_id,
        assessments.person_id,
        assessments.referral_id,
        assessments.team,
        assessments.started_on,
        assessments.authorised_on,
        authorised.working_day_index - started.working_day_index as working_days_to_authorisation,
        authorised.working_day_index - started.working_day_index <= 45 as is_within_45_working_days,
        case
            when assessments.authorised_on < assessments.started_on
                then 'authorised before the assessment started'
        end as exclusion_reason
    from assessments
    left join calendar as started on assessments.started_on = started.calendar_date
    left join calendar as authorised on assessments.authorised_on = authorised.calendar_date

)

select
    *,
    -- kpi_03's denominator (and rate_assessments): authorised, and not excluded.
    coalesce(authorised_on is not null and exclusion_reason is null, false) as is_in_kpi_03
from final
