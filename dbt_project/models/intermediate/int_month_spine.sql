{#- The months any measure can be published for: from the first month any extract covers to the
    last complete month of the data (int_source_coverage, int_data_as_at). Which of them a given
    KPI is published for is decided by its own sources (int_kpi_coverage, int_kpi_windows). -#}
with

coverage as (

    select * from {{ ref('int_source_coverage') }}

),

bounds as (

    select min(covered_from) as first_month, max(covered_to) as last_month_end
    from coverage

),

months as (

    select cast(spine.month_start as date) as period_start
    from bounds,
        range(
            cast(bounds.first_month as timestamp),
            cast(bounds.last_month_end as timestamp),
            interval 1 month
        ) as spine (month_start)
    where bounds.first_month is not null

),

final as (

    select
        period_start,
        cast(last_day(period_start) as date) as period_end,
        cast(
            case
                when month(period_start) >= 4 then make_date(year(period_start), 4, 1)
                else make_date(year(period_start) - 1, 4, 1)
            end as date
        ) as financial_year_start
    from months

)

select * from final
