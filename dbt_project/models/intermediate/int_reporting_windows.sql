{#- Every window a KPI can be reported over, for every month of the spine: the calendar month,
    the month-end snapshot (a window of one day), rolling 3 and 12 months, the financial year
    to date (from 1 April), 3 years (36 months) and kpi_11's cohort (the 12 months ending 18
    months before the period end, so its follow-up is complete by then). Which KPI is published
    for which window, and only where its sources cover the whole window and its look-back, is
    int_kpi_windows. -#}
with

months as (

    select * from {{ ref('int_month_spine') }}

),

windows as (

    select
        period_end, 'month' as period_type, period_start as window_start,
        period_end as window_end
    from months
    -- Later branches of a union take the first branch's names, so repeating period_end is not
    -- a reused alias (sqlfluff's AL08 reads it as one).
    -- noqa: disable=AL08
    union all
    select period_end, 'snapshot', period_end, period_end
    from months
    union all
    select period_end, 'rolling_3m', cast(period_start - interval 2 month as date), period_end
    from months
    union all
    select period_end, 'rolling_12m', cast(period_start - interval 11 month as date), period_end
    from months
    union all
    select period_end, 'ytd', financial_year_start, period_end
    from months
    union all
    select period_end, '3yr', cast(period_start - interval 35 month as date), period_end
    from months
    union all
    -- d = 2018-12-31: 2016-07-01 to 2017-06-30. The start is the first day of the month 29
    -- months before d's month (window_end - 12 months + 1 day in whole months, without the 29
    -- February that day arithmetic gives after a February window end).
    select
        period_end,
        'cohort',
        cast(period_start - interval 29 month as date),
        cast(last_day(cast(period_start - interval 18 month as date)) as date)
    from months
    -- noqa: enable=AL08

),

final as (

    select period_end, period_type, window_start, window_end from windows

)

select * from final
