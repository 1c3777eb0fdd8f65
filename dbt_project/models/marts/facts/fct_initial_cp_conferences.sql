{#- One row per initial child protection conference with its 15-working-day clock (kpi_05). The
    clock starts at the linked S47 enquiry's start (the strategy discussion); for a transfer-in
    conference, or one whose S47 link is blank, at the linked referral's date. A link to an S47
    enquiry missing from the extract, or no clock start at all, excludes the conference with
    the reason (audit.kpi_exclusions). -#}
with

conferences as (

    select * from {{ ref('stg_csc__initial_cp_conferences') }}

),

s47_enquiries as (

    select s47_enquiry_id, started_on from {{ ref('stg_csc__s47_enquiries') }}

),

referrals as (

    select referral_id, cast(referral_at as date) as referral_on
    from {{ ref('stg_csc__referrals') }}

),

calendar as (

    select calendar_date, working_day_index from {{ ref('int_calendar__days') }}

),

linked as (

    select
        conferences.*,
        coalesce(conferences.is_transfer_in, false) as is_transfer_in_flag,
        s47_enquiries.started_on as s47_started_on,
        s47_enquiries.s47_enquiry_id is not null as is_s47_found,
        referrals.referral_on
    from conferences
    left join s47_enquiries on conferences.s47_enquiry_id = s47_enquiries.s47_enquiry_id
    left join referrals on conferences.referral_id = referrals.referral_id

),

clocked as (

    -- The clock starts at the linked S47 enquiry's start. A transfer-in conference, or one
    -- whose S47 link is blank, is clocked from its linked referral (kpi_05's definition). A
    -- link to an S47 enquiry that is not in the extract (never sent, or rejected at ingest) is
    -- a data-quality exclusion, never clocked from the referral instead: the enquiry's start
    -- is unknown, not absent.
    select
        icpc_id,
        person_id,
        s47_enquiry_id,
        referral_id,
        is_transfer_in_flag as is_transfer_in,
        held_on,
        is_cp_plan_outcome,
        cp_plan_id,
        case
            when not is_transfer_in_flag and s47_enquiry_id is not null then s47_started_on
            else referral_on
        end as clock_started_on,
        case
            when not is_transfer_in_flag and s47_enquiry_id is not null and is_s47_found
                then 's47 start'
            when (is_transfer_in_flag or s47_enquiry_id is null) and referral_on is not null
                then 'referral date'
        end as clock_start_source,
        case
            when not is_transfer_in_flag and s47_enquiry_id is not null and not is_s47_found
                then 'linked S47 enquiry not in the loaded extract (absent, or rejected at '
                || 'ingest: see audit.rejected_rows)'
            -- A transfer-in is clocked from its referral whatever its S47 link: the reason says
            -- so rather than "no linked S47 enquiry" when it has one.
            when is_transfer_in_flag and referral_on is null
                then 'no clock start: a transfer-in conference is clocked from its referral, '
                || 'and it has no linked referral with a date'
            when s47_enquiry_id is null and referral_on is null
                then 'no clock start: no linked S47 enquiry, and no linked referral with a date'
        end as clock_exclusion_reason
    from linked

),

final as (

    select
        clocked.*,
        held.working_day_index - started.working_day_index as working_days_to_conference,
        held.working_day_index - started.working_day_index <= 15 as is_within_15_working_days,
        case
            when clocked.clock_exclusion_reason is not null then clocked.clock_exclusion_reason
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
