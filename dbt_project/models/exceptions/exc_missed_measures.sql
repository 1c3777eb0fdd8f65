{#- The records behind each missed measure, for practice managers: one row per KPI with an
    exception list (kpi_catalogue.exception_list), month end and record that counted against the
    KPI in that month - for a KPI where high is good, a record in its denominator but not its
    numerator (a referral decided after 24 hours, an assessment over 45 working days); where low
    is good, a record in its numerator (a re-referral, a child open as CIN over 2 years) - with
    the child, team and dates. The team is the one the record counts in in the KPI's team
    breakdown (int_kpi_record_members: the record's own, or the child's allocated worker's on
    the record's date; unallocated or unknown), so each team manager's list is the records
    behind their team's row of the pack. The rows are the KPI's own records (int_kpi_records), so the list
    and the figure cannot disagree: an event record in the month it happened, a period record
    in its month or month-end snapshot. Child-level: written only to the restricted folder. -#}
with

records as (

    select * from {{ ref('int_kpi_records') }}

),

teams as (

    select kpi_id, record_id, event_on, period_end, period_type, team
    from {{ ref('int_kpi_record_members') }}
    where team is not null

),

catalogue as (

    select kpi_id, polarity, report_order from {{ ref('kpi_catalogue') }}
    where exception_list

),

missed as (

    select
        records.kpi_id,
        coalesce(records.period_end, cast(last_day(records.event_on) as date)) as period_end,
        records.person_id,
        records.record_id,
        coalesce(teams.team, records.team) as team,
        records.started_on,
        records.ended_on,
        records.measure_value,
        records.measure,
        catalogue.report_order
    from records
    inner join catalogue on records.kpi_id = catalogue.kpi_id
    left join teams
        on records.kpi_id = teams.kpi_id
        and records.record_id = teams.record_id
        and records.event_on is not distinct from teams.event_on
        and records.period_end is not distinct from teams.period_end
        and records.period_type is not distinct from teams.period_type
    where
        (records.event_on is not null or records.period_type in ('month', 'snapshot'))
        and case catalogue.polarity
            when 'high' then records.numerator = 0
            when 'low' then records.numerator > 0
        end

),

final as (

    select
        kpi_id,
        period_end,
        person_id,
        record_id,
        team,
        started_on,
        ended_on,
        measure_value,
        measure
    from missed

)

select * from final
