{#- One row per initial child protection conference with its 15-working-day clock (kpi_05). The
    clock starts at the linked S47 enquiry's start (the strategy discussion); for a transfer-in
    conference, or one with no linked S47, at the linked referral's date. -#}
with

conferences as (

    select * from {{ ref('stg_csc__initial_cp_conferences') }}

),

s47_enquiries as (

    select s47_enquiry_id, started_on from {{ ref('stg_csc__s47_enquiries') }}

),

referrals as (

    select referral_id, cast(referral_at as date) as referral_on from {{ ref('stg_csc__referrals') }}

),

calendar as (

    select calendar_date, working_day_index from {{ ref('int_calendar__days') }}

),

clocked as (

    select
        conferences.icpc_id,
        conferences.person_id,
        conferences.s47_enquiry_id,
        conferences.referral_id,
        coalesce(conferences.is_transfer_in, false) as is_transfer_in,
        conferences.held_on,
        conferences.is_cp_plan_outcome,
        conferences.cp_plan_id,
        case
            when not coalesce(conferences.is_transfer_in, false) and s47_enquiries.started_on is not null
                then s47_enquiries.started_on
            else referrals.referral_on
        end as clock_started_on,
        case
            when not coalesce(conferences.is_transfer_in, false) and s47_enquiries.started_on is not null
                then 's47 start'
            when referrals.referral_on is not null then 'referral date'
        end as clock_start_source
    from conferences
    left join s47_enquiries on conferences.s47_enquiry_id = s47_enquiries.s47_enquiry_id
    left join referrals on conferences.referral_id = referrals.referral_id

),

final as (

    select
        clocked.*,
        held.working_day_index - started.working_day_index as working_days_to_conference,
        held.working_day_index - started.working_day_index <= 15 as is_within_15_working_days,
        case
            when clocked.clock_started_on is null
                then 'no clock start: no linked S47 enquiry or referral with a date'
            when clocked.held_on < clocked.clock_started_on
                then 'conference held before its clock started'
        end as exclusion_reason
    from clocked
    left join calendar as started on clocked.clock_started_on = started.calendar_date
    left join calendar as held on clocked.held_on = held.calendar_date

)

select
    *,
    -- kpi_05's denominator: a conference with a clock start on or before it.
    coalesce(exclusion_reason is null, false) as is_in_kpi_05
from final
