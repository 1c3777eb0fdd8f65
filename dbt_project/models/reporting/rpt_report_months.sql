{{ config(schema='reporting', materialized='table') }}
{#- The months a pack can be made for: every month of the data, whether it is complete, and which
    is the latest complete month (the pack's default when CSC_REPORT_MONTH is unset). Completeness
    is int_month_spine.is_complete_month (the data reach the month's last day), the exception
    lists use this model too (orchestration/assets/exception_lists.py). -#}
with

months as (

    select * from {{ ref('int_month_spine') }}

),

final as (

    select
        strftime(period_start, '%Y-%m') as report_month,
        period_start,
        period_end,
        {{ month_label('period_end') }} as month_label,
        coalesce(is_complete_month, false) as is_complete,
        coalesce(
            period_end = max(period_end) filter (where is_complete_month) over (), false
        ) as is_latest_complete
    from months

)

select * from final
