{#- The two steps every KPI figure goes through, shared by marts.kpi_values (the authority-wide
    figure) and marts.kpi_breakdowns (the same by team and characteristics), so a breakdown's
    members are computed exactly as the total is. -#}

{#- Each record in every window it counts in: event records (event_on) in every window whose
    dates hold it, period records in the window they name. `columns`: record columns to carry
    besides the numerator and denominator. The records are summed per KPI, date (or period) and
    columns before they meet the windows: a window's figure is a sum, and a day then joins each
    window that holds it once, however many records it has (a rolling 12 months' window holds a
    day for twelve month ends; before this the join was the records times their windows). The
    numerators and denominators are decimals, so the sums are exact in any order. -#}
{% macro kpi_records_in_windows(windows, records, columns=[]) -%}
    select windows.kpi_id, windows.period_end, windows.period_type,
        {%- for column in columns %} records.{{ column }},{% endfor %}
        records.numerator, records.denominator
    from {{ windows }} as windows
    inner join (
        select kpi_id, event_on,
            {%- for column in columns %} {{ column }},{% endfor %}
            sum(numerator) as numerator, sum(denominator) as denominator
        from {{ records }}
        where event_on is not null
        group by all
    ) as records
        on windows.kpi_id = records.kpi_id
        and records.event_on between windows.window_start and windows.window_end
    union all
    select windows.kpi_id, windows.period_end, windows.period_type,
        {%- for column in columns %} records.{{ column }},{% endfor %}
        records.numerator, records.denominator
    from {{ windows }} as windows
    inner join (
        select kpi_id, period_end, period_type,
            {%- for column in columns %} {{ column }},{% endfor %}
            sum(numerator) as numerator, sum(denominator) as denominator
        from {{ records }}
        where period_end is not null
        group by all
    ) as records
        on windows.kpi_id = records.kpi_id
        and windows.period_end = records.period_end
        and windows.period_type = records.period_type
{%- endmacro %}

{#- A KPI's value from the sums of its records, by the registry's unit: percent 100 x
    numerator / denominator; count the numerator; rate_per_10000 and rate_per_100000 the
    numerator per that many of the population given; days and cases numerator / denominator
    (an average). -#}
{% macro kpi_value(unit, numerator, denominator, population_0_17, population_10_17) -%}
    case {{ unit }}
        when 'percent' then {{ percentage(numerator, denominator) }}
        when 'count' then cast({{ numerator }} as double)
        when 'rate_per_10000' then {{ rate_per(numerator, population_0_17, 10000) }}
        when 'rate_per_100000' then {{ rate_per(numerator, population_10_17, 100000) }}
        else {{ numerator }} / nullif({{ denominator }}, 0)
    end
{%- endmacro %}

{#- The denominator published beside the value: none for a count, the population for a rate,
    else the records' denominator sum. -#}
{% macro kpi_denominator(unit, denominator, population_0_17, population_10_17) -%}
    case {{ unit }}
        when 'count' then null
        when 'rate_per_10000' then {{ population_0_17 }}
        when 'rate_per_100000' then {{ population_10_17 }}
        else {{ denominator }}
    end
{%- endmacro %}
