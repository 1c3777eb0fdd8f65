{#- Every KPI value: one row per KPI, period end and window it is published for
    (int_kpi_windows: its sources cover the whole window and its look-back), aggregated from
    the KPI's records (int_kpi_records) by the registry's unit:
    - percent: 100 x sum(numerator) / sum(denominator); days, cases: sum / sum (an average);
    - count: sum(numerator), no denominator;
    - rate_per_10000: 10,000 x sum(numerator) / the 0-17 population of the period end
      (int_population__by_month); rate_per_100000: 100,000 x sum(numerator) / the latest
      10-17 estimate at or before the window end (int_population_10_17__by_month).
    Event records count in every window whose dates hold their event_on; period records in the
    window they name. A window with no records has 0 (no value where a ratio has no
    denominator), so a month with no events is there, not missing. -#}
with

catalogue as (

    select kpi_id, unit from {{ ref('kpi_catalogue') }}

),

windows as (

    select kpi_id, period_end, period_type, window_start, window_end
    from {{ ref('int_kpi_windows') }}

),

records as (

    select * from {{ ref('int_kpi_records') }}

),

population_0_17 as (

    select period_end, population_0_17 from {{ ref('int_population__by_month') }}

),

population_10_17 as (

    select period_end, population_10_17 from {{ ref('int_population_10_17__by_month') }}

),

in_windows as (

    select windows.kpi_id, windows.period_end, windows.period_type, records.numerator,
        records.denominator
    from windows
    inner join records
        on windows.kpi_id = records.kpi_id
        and records.event_on between windows.window_start and windows.window_end
    union all
    select windows.kpi_id, windows.period_end, windows.period_type, records.numerator,
        records.denominator
    from windows
    inner join records
        on windows.kpi_id = records.kpi_id
        and windows.period_end = records.period_end
        and windows.period_type = records.period_type

),

totals as (

    select
        windows.kpi_id,
        windows.period_end,
        windows.period_type,
        windows.window_start,
        windows.window_end,
        coalesce(sum(in_windows.numerator), 0) as numerator_sum,
        coalesce(sum(in_windows.denominator), 0) as denominator_sum
    from windows
    left join in_windows
        on windows.kpi_id = in_windows.kpi_id
        and windows.period_end = in_windows.period_end
        and windows.period_type = in_windows.period_type
    group by
        windows.kpi_id, windows.period_end, windows.period_type, windows.window_start,
        windows.window_end

),

valued as (

    select
        totals.kpi_id,
        totals.period_end,
        totals.period_type,
        catalogue.unit,
        totals.window_start,
        totals.window_end,
        totals.numerator_sum as numerator,
        case catalogue.unit
            when 'count' then null
            when 'rate_per_10000' then population_0_17.population_0_17
            when 'rate_per_100000' then population_10_17.population_10_17
            else totals.denominator_sum
        end as denominator,
        case catalogue.unit
            when 'percent' then {{ percentage('totals.numerator_sum', 'totals.denominator_sum') }}
            when 'count' then cast(totals.numerator_sum as double)
            when 'rate_per_10000'
                then {{ rate_per('totals.numerator_sum', 'population_0_17.population_0_17', 10000) }}
            when 'rate_per_100000'
                then {{ rate_per('totals.numerator_sum', 'population_10_17.population_10_17', 100000) }}
            else totals.numerator_sum / nullif(totals.denominator_sum, 0)
        end as value
    from totals
    inner join catalogue on totals.kpi_id = catalogue.kpi_id
    left join population_0_17 on totals.period_end = population_0_17.period_end
    left join population_10_17 on totals.period_end = population_10_17.period_end

),

final as (

    select
        kpi_id,
        cast(period_end as date) as period_end,
        period_type,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(value as double) as value,
        unit,
        cast(window_start as date) as window_start,
        cast(window_end as date) as window_end
    from valued

)

select * from final
