{#- One row per looked-after review held (not cancelled), with its regulation 33 due date: the
    first review 20 working days after the period of care began, the second 3 months after the
    first, later ones 6 months after the previous review (Care Planning, Placement and Case Review
    (England) Regulations 2010, reg. 33). The due date the extract records is kept beside the
    computed one; disagreements are listed in audit.cla_data_quality. -#}
with

reviews as (

    select * from {{ ref('stg_csc__cla_reviews') }}

),

periods as (

    select period_of_care_id, person_id, started_on from {{ ref('int_cla__periods_of_care') }}

),

legal_statuses as (

    select * from {{ ref('int_cla__legal_status_spells') }}

),

calendar as (

    select calendar_date, is_working_day, working_day_index from {{ ref('int_calendar__days') }}

),

reviews_held as (

    -- A review of a period of care not in the extract, or held before its period began, is
    -- kept with the reason and left out of kpi_08 (audit.kpi_exclusions).
    select
        reviews.review_id,
        reviews.period_of_care_id,
        periods.person_id,
        periods.started_on as period_started_on,
        reviews.held_on,
        reviews.recorded_due_on,
        case
            when periods.started_on is null then 'review of an unknown period of care'
            when reviews.held_on < periods.started_on
                then 'review held before its period of care began'
        end as exclusion_reason
    from reviews
    left join periods on reviews.period_of_care_id = periods.period_of_care_id
    where reviews.held_on is not null and not coalesce(reviews.is_cancelled, false)

),

held as (

    -- The regulation 33 sequence runs over the period's reviews that can belong to it: an
    -- excluded review is neither numbered nor anyone's previous review, so an impossible date
    -- cannot make the real first review a "second" one due 3 months after it.
    select
        reviews_held.*,
        case
            when reviews_held.exclusion_reason is null then row_number() over period_reviews
        end as review_number,
        case
            when reviews_held.exclusion_reason is null
                then lag(reviews_held.held_on) over period_reviews
        end as previous_review_on
    from reviews_held
    window period_reviews as (
        partition by reviews_held.period_of_care_id, reviews_held.exclusion_reason is null
        order by reviews_held.held_on, reviews_held.review_id
    )

),

first_due as (

    -- The 20th working day after the start: the first working day whose index is 20 more.
    select
        held.review_id,
        min(due.calendar_date) as due_on
    from held
    inner join calendar as start_day on held.period_started_on = start_day.calendar_date
    inner join calendar as due
        on due.working_day_index = start_day.working_day_index + 20
        and due.is_working_day
    where held.review_number = 1
    group by held.review_id

),

short_breaks as (

    select distinct held.review_id
    from held
    inner join legal_statuses
        on held.person_id = legal_statuses.person_id
        and legal_statuses.started_on <= held.held_on
        and held.held_on < legal_statuses.stops_on
    where legal_statuses.is_short_break

),

final as (

    select
        held.review_id,
        held.period_of_care_id,
        held.person_id,
        held.period_started_on,
        held.held_on,
        held.review_number,
        held.previous_review_on,
        cast(case
            when held.review_number = 1 then first_due.due_on
            when held.review_number = 2 then held.previous_review_on + interval 3 month
            else held.previous_review_on + interval 6 month
        end as date) as due_on,
        held.recorded_due_on,
        short_breaks.review_id is not null as is_short_break,
        held.exclusion_reason
    from held
    left join first_due on held.review_id = first_due.review_id
    left join short_breaks on held.review_id = short_breaks.review_id

)

select
    *,
    held_on <= due_on as is_on_time,
    recorded_due_on is not null and recorded_due_on != due_on as due_date_disagrees,
    -- kpi_08's denominator: not under a short-break status, and in a known period of care.
    not is_short_break and exclusion_reason is null as is_in_kpi_08
from final
