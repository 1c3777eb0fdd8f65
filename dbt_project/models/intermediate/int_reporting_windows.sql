{#- Every window a KPI is reported over, for every month of the spine: the calendar month,
    rolling 3 and 12 months, the financial year to date (from 1 April) and 3 years (36 months).
    A window that reaches back before the first month of data is partial: `is_complete` is false
    and KPI models leave it out rather than publish a figure built on part of its window. -#}
with

months as (

    select * from {{ ref('int_month_spine') }}

),

windows as (

    select period_end, 'month' as period_type, period_start as window_start, data_first_month
    from months
    union all
    select
        period_end, 'rolling_3m', cast(period_start - interval 2 month as date), data_first_month
    from months
    union all
    select
        period_end, 'rolling_12m', cast(period_start - interval 11 month as date), data_first_month
    from months
    union all
    select period_end, 'ytd', financial_year_start, data_first_month
    from months
    union all
    select period_end, '3yr', cast(period_start - interval 35 month as date), data_first_month
    from months

),

final as (

    select
        period_end,
        period_type,
        window_start,
        period_end as window_end,
        window_start >= data_first_month as is_complete
    from windows

)

select * from final
