{#- Every KPI figure with its comparators: for each KPI, month end and window, the previous 12
    months (summed, averaged, and as a value: cumulative numerator / denominator for ratios -
    percent, days, cases - and the monthly average for counts and rates), the previous month's
    figure and the figure 12 months earlier. A comparator is given only when all its months are
    there: 12 consecutive previous months, the month just before, the month exactly a year
    before. The one place these comparators are computed: the scorecard (marts) and the report
    tables (reporting, which add suppression) both read it. Unsuppressed: not for publication as
    it stands. -#}
with

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

history as (

    select
        kpi_values.*,
        count(kpi_values.period_end) over previous_12 as previous_12_months_count,
        min(kpi_values.period_end) over previous_12 as previous_12_months_first,
        sum(kpi_values.numerator) over previous_12 as previous_12_months_numerator_sum,
        sum(kpi_values.denominator) over previous_12 as previous_12_months_denominator_sum,
        avg(kpi_values.value) over previous_12 as previous_12_months_value_average,
        lag(kpi_values.period_end) over kpi_months as previous_period_end,
        lag(kpi_values.numerator) over kpi_months as previous_numerator_raw,
        lag(kpi_values.denominator) over kpi_months as previous_denominator_raw,
        lag(kpi_values.value) over kpi_months as previous_value_raw,
        lag(kpi_values.period_end, 12) over kpi_months as year_earlier_period_end,
        lag(kpi_values.numerator, 12) over kpi_months as year_earlier_numerator_raw,
        lag(kpi_values.denominator, 12) over kpi_months as year_earlier_denominator_raw,
        lag(kpi_values.value, 12) over kpi_months as year_earlier_value_raw,
        lag(kpi_values.window_start, 12) over kpi_months as year_earlier_window_start,
        lag(kpi_values.window_end, 12) over kpi_months as year_earlier_window_end
    from kpi_values
    window
        kpi_months as (
            partition by kpi_values.kpi_id, kpi_values.period_type
            order by kpi_values.period_end
        ),
        previous_12 as (
            partition by kpi_values.kpi_id, kpi_values.period_type
            order by kpi_values.period_end
            rows between 12 preceding and 1 preceding
        )

),

comparators as (

    -- A comparator counts only when its months are all there: 12 consecutive previous months,
    -- the month just before, the month exactly 12 months before.
    select
        history.*,
        history.previous_12_months_count = 12
        and history.previous_12_months_first
        = last_day(history.period_end - interval 12 month) as has_previous_12_months,
        coalesce(
            history.previous_period_end = last_day(history.period_end - interval 1 month), false
        ) as has_previous,
        coalesce(
            history.year_earlier_period_end = last_day(history.period_end - interval 12 month),
            false
        ) as has_year_earlier
    from history

),

unsuppressed as (

    select
        kpi_id,
        period_end,
        period_type,
        unit,
        window_start,
        window_end,
        numerator,
        denominator,
        value,
        -- A rolling window's 12 previous figures overlap (each month sits in 3 or 12 of them),
        -- so their sum counts nothing real: for rolling windows the previous-12-months
        -- numerator and denominator are the monthly averages, as the reference report prints
        -- them for KPI 13 ("Prev. 12 months average": 82 of 374). The value is unchanged by
        -- this (a ratio of averages is the ratio of sums).
        case
            when not has_previous_12_months then null
            when period_type in ('rolling_3m', 'rolling_12m')
                then previous_12_months_numerator_sum / 12
            else previous_12_months_numerator_sum
        end as previous_12_months_numerator,
        case
            when not has_previous_12_months then null
            when period_type in ('rolling_3m', 'rolling_12m')
                then previous_12_months_denominator_sum / 12
            else previous_12_months_denominator_sum
        end as previous_12_months_denominator,
        case when has_previous_12_months then previous_12_months_numerator_sum / 12 end
            as previous_12_months_numerator_average,
        case when has_previous_12_months then previous_12_months_denominator_sum / 12 end
            as previous_12_months_denominator_average,
        case
            when not has_previous_12_months then null
            when unit = 'percent'
                then {{ percentage('previous_12_months_numerator_sum',
                                   'previous_12_months_denominator_sum') }}
            when unit in ('days', 'cases')
                then previous_12_months_numerator_sum
                / nullif(previous_12_months_denominator_sum, 0)
            else previous_12_months_value_average
        end as previous_12_months_value,
        case when has_previous then previous_numerator_raw end as previous_numerator,
        case when has_previous then previous_denominator_raw end as previous_denominator,
        case when has_previous then previous_value_raw end as previous_value,
        case when has_year_earlier then year_earlier_numerator_raw end as year_earlier_numerator,
        case when has_year_earlier then year_earlier_denominator_raw end
            as year_earlier_denominator,
        case when has_year_earlier then year_earlier_value_raw end as year_earlier_value,
        case when has_year_earlier then year_earlier_window_start end
            as year_earlier_window_start,
        case when has_year_earlier then year_earlier_window_end end as year_earlier_window_end
    from comparators

)

select * from unsuppressed
