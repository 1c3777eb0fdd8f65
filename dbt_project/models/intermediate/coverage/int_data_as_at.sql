{#- One row: the date the extracts were taken and the last month they cover completely.
    as_at is CSC_DATA_AS_AT (var data_as_at) when set; otherwise the latest event date found in
    any loaded extract (reference extracts such as people and workers hold no events). A month
    ending after as_at is partial and left out. Without the setting, an as_at followed only by
    weekend days or bank holidays to its month's end covers that month (an extract taken on
    Friday 28 September holds all of September: nothing is recorded on the days after it), so a
    small authority with no event on a month's last Sunday does not lose the month.
    data_from is CSC_DATA_FROM (var data_from) when set, else null (inferred per extract in
    int_source_coverage). -#}
with

activity as (

    select * from {{ ref('int_source_activity_by_month') }}

),

calendar as (

    select calendar_date, is_working_day from {{ ref('int_calendar__days') }}

),

settings as (

    select
        {{ date_var('data_as_at') }} as as_at_setting,
        {{ date_var('data_from') }} as data_from

),

latest as (

    select max(last_event_on) as latest_event_on
    from activity
    where coverage != 'reference'

),

resolved as (

    select
        settings.as_at_setting,
        settings.data_from,
        latest.latest_event_on,
        coalesce(settings.as_at_setting, latest.latest_event_on) as as_at,
        settings.as_at_setting is not null as is_as_at_set
    from settings
    cross join latest

),

covered as (

    select
        resolved.*,
        case
            when resolved.is_as_at_set then resolved.as_at
            when not exists (
                select 1
                from calendar
                where
                    calendar.is_working_day
                    and calendar.calendar_date > resolved.as_at
                    and calendar.calendar_date <= last_day(resolved.as_at)
            ) then cast(last_day(resolved.as_at) as date)
            else resolved.as_at
        end as covered_to
    from resolved

),

final as (

    select
        as_at,
        is_as_at_set,
        latest_event_on,
        data_from,
        covered_to,
        cast(
            case
                when covered_to = last_day(covered_to) then covered_to
                else date_trunc('month', covered_to) - interval 1 day
            end as date
        ) as last_complete_month_end
    from covered

)

select * from final
