{#- Every KPI value broken down: one row per KPI, period end, window, dimension (team,
    age_band, sex, ethnicity_group, disability: the registry's breakdowns for the KPI) and
    member that has records in the window, with the columns of marts.kpi_values. The records
    are the KPI's own (int_kpi_records, each in one member of each dimension:
    int_kpi_record_members) and the figure is computed as kpi_values computes the total
    (macros/kpi_aggregation.sql), so a dimension's numerators and denominators add up to the
    KPI's. A member with no records in the window has no row (its figure is 0 or none).
    Each dimension's members are the records summed per KPI, day (or period) and member of
    that dimension (int_kpi_record_members has a column per dimension).
    Rates: there is no population by team, sex, ethnicity or disability, so those rows carry
    the count (numerator) with no denominator and no value; by age band the denominator is
    the band's population (int_population__by_age_band_month), null for "unborn" and
    "unknown" and, for rates per 100,000 aged 10-17, for bands under 10. -#}
with

catalogue as (

    select kpi_id, unit from {{ ref('kpi_catalogue') }}

),

windows as (

    select kpi_id, period_end, period_type, window_start, window_end
    from {{ ref('int_kpi_windows') }}

),

records as (

    select * from {{ ref('int_kpi_record_members') }}

),

band_populations as (

    select period_end, age_band, population_of, population
    from {{ ref('int_population__by_age_band_month') }}

),

-- Each dimension's members from the records, summed per KPI, day (or period) and member: a
-- record's member is null only in a dimension its KPI does not have.
members as (

    {% for dimension in ['team', 'age_band', 'sex', 'ethnicity_group', 'disability'] %}
    select
        kpi_id,
        event_on,
        period_end,
        period_type,
        '{{ dimension }}' as dimension,
        {{ dimension }} as member,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from records
    where {{ dimension }} is not null
    group by kpi_id, event_on, period_end, period_type, {{ dimension }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

in_windows as (

    {{ kpi_records_in_windows('windows', 'members', ['dimension', 'member']) }}

),

totals as (

    select
        windows.kpi_id,
        windows.period_end,
        windows.period_type,
        windows.window_start,
        windows.window_end,
        in_windows.dimension,
        in_windows.member,
        sum(in_windows.numerator) as numerator_sum,
        sum(in_windows.denominator) as denominator_sum
    from windows
    inner join in_windows
        on windows.kpi_id = in_windows.kpi_id
        and windows.period_end = in_windows.period_end
        and windows.period_type = in_windows.period_type
    group by all

),

valued as (

    select
        totals.kpi_id,
        totals.period_end,
        totals.period_type,
        totals.dimension,
        totals.member,
        catalogue.unit,
        totals.window_start,
        totals.window_end,
        totals.numerator_sum as numerator,
        {{ kpi_denominator(
            'catalogue.unit', 'totals.denominator_sum', 'aged_0_17.population',
            'aged_10_17.population'
        ) }} as denominator,
        {{ kpi_value(
            'catalogue.unit', 'totals.numerator_sum', 'totals.denominator_sum',
            'aged_0_17.population', 'aged_10_17.population'
        ) }} as value
    from totals
    inner join catalogue on totals.kpi_id = catalogue.kpi_id
    left join band_populations as aged_0_17
        on totals.dimension = 'age_band'
        and totals.period_end = aged_0_17.period_end
        and totals.member = aged_0_17.age_band
        and aged_0_17.population_of = '0_17'
    left join band_populations as aged_10_17
        on totals.dimension = 'age_band'
        and totals.period_end = aged_10_17.period_end
        and totals.member = aged_10_17.age_band
        and aged_10_17.population_of = '10_17'

),

final as (

    select
        kpi_id,
        cast(period_end as date) as period_end,
        period_type,
        dimension,
        member,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(value as double) as value,
        unit,
        cast(window_start as date) as window_start,
        cast(window_end as date) as window_end
    from valued

)

select * from final
