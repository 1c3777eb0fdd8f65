{#- One row per extract: how many rows it holds and which whole months it covers.

    covered_from (the first day of the first month covered):
    - with CSC_DATA_FROM set: that date, or the first of the next month when it is not a
      first of the month (the setting says the extracts cover completely from it); a
      snapshot extract not before its first snapshot month.
    - otherwise inferred from the extract's activity dates (int_source_activity_by_month): the
      first month whose activity reaches half the median monthly count of its (up to) 12 most
      recent active months - earlier months hold only the odd record carried in from before
      the extract's window - and, for dated events (coverage flow), not a month whose first
      activity falls after its first working day: data that begin part-way through a month
      leave that month out.
    covered_to (the last day of the last month covered): the last complete month of the data
    (int_data_as_at); for a snapshot extract not after its last snapshot's month.
    A reference extract (people, workers) covers no months of its own: only its rows matter. -#}
with

activity as (

    select * from {{ ref('int_source_activity_by_month') }}

),

as_at as (

    select * from {{ ref('int_data_as_at') }}

),

calendar as (

    select calendar_date, is_working_day from {{ ref('int_calendar__days') }}

),

extracts as (

    select
        extract,
        any_value(label) as label,
        any_value(coverage) as coverage,
        sum(row_count) as row_count,
        max(last_event_on) as last_event_on
    from activity
    group by extract

),

active_months as (

    select activity.*
    from activity
    cross join as_at
    where
        activity.activity_month is not null
        and activity.row_count > 0
        and activity.activity_month <= as_at.last_complete_month_end

),

recent as (

    select
        extract,
        row_count,
        row_number() over (partition by extract order by activity_month desc) as recency
    from active_months

),

thresholds as (

    select extract, greatest(1, 0.5 * median(row_count)) as threshold
    from recent
    where recency <= 12
    group by extract

),

first_dense as (

    select
        active_months.extract,
        min(active_months.activity_month) as first_dense_month
    from active_months
    inner join thresholds on active_months.extract = thresholds.extract
    where active_months.row_count >= thresholds.threshold
    group by active_months.extract

),

inferred as (

    select
        first_dense.extract,
        first_dense.first_dense_month,
        first_month.first_activity_on,
        (
            select min(calendar.calendar_date)
            from calendar
            where
                calendar.is_working_day
                and calendar.calendar_date >= first_dense.first_dense_month
        ) as first_working_day
    from first_dense
    inner join active_months as first_month
        on first_dense.extract = first_month.extract
        and first_dense.first_dense_month = first_month.activity_month

),

spans as (

    select
        extract,
        min(activity_month) as first_active_month,
        cast(last_day(max(activity_month)) as date) as last_active_month_end
    from active_months
    group by extract

),

resolved as (

    select
        extracts.extract,
        extracts.label,
        extracts.coverage,
        extracts.row_count,
        extracts.last_event_on,
        thresholds.threshold as inferred_threshold,
        case
            when extracts.coverage = 'reference' or extracts.row_count = 0 then null
            when as_at.data_from is not null
                then greatest(
                    {{ first_whole_month_from('as_at.data_from') }},
                    case when extracts.coverage = 'snapshot' then spans.first_active_month end
                )
            when extracts.coverage = 'flow'
                and inferred.first_activity_on > inferred.first_working_day
                then cast(inferred.first_dense_month + interval 1 month as date)
            else inferred.first_dense_month
        end as covered_from,
        case
            when extracts.coverage = 'reference' or extracts.row_count = 0 then null
            when extracts.coverage = 'snapshot'
                then least(as_at.last_complete_month_end, spans.last_active_month_end)
            else as_at.last_complete_month_end
        end as covered_to
    from extracts
    cross join as_at
    left join thresholds on extracts.extract = thresholds.extract
    left join inferred on extracts.extract = inferred.extract
    left join spans on extracts.extract = spans.extract

),

final as (

    select
        extract,
        label,
        coverage,
        row_count,
        last_event_on,
        inferred_threshold,
        case when covered_from <= covered_to then covered_from end as covered_from,
        case when covered_from <= covered_to then covered_to end as covered_to,
        case
            when row_count = 0 then 'no ' || label || ' loaded'
            when coverage = 'reference' then null
            when covered_from is null or covered_to is null or covered_from > covered_to
                then 'the ' || label || ' loaded cover no complete month'
        end as reason_not_covered
    from resolved

)

select * from final
