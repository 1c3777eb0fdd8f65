{#- Published outputs suppress a figure whose denominator is below 5 (docs/conventions.md, Status
    against target; as DfE statistics do): the figure, its numerator and its denominator all
    become null, and the `_suppressed` flag says so (the pack prints `x`). A figure without a
    denominator (a count) is never suppressed. -#}
{% macro suppression_threshold() -%}
    {{ var('suppress_denominator_below', 5) }}
{%- endmacro %}

{% macro is_suppressed(denominator) -%}
    coalesce({{ denominator }} < {{ suppression_threshold() }}, false)
{%- endmacro %}

{% macro unless_suppressed(expression, denominator) -%}
    case when {{ is_suppressed(denominator) }} then null else {{ expression }} end
{%- endmacro %}

{#- A month label as the reference report prints it: Dec-18. -#}
{% macro month_label(date_expression) -%}
    strftime({{ date_expression }}, '%b-%y')
{%- endmacro %}

{#- One KPI page table (reporting layer): for every month the KPI is published for and every row
    the reference report shows for it, the comparator column and the month's column.

    kpi_id, period_type: the KPI and window the page reports (rpt_kpi_figures).
    comparator: which figures fill the first column:
      cumulative - the previous 12 months summed ("Prev. 12 months cumulative")
      average    - the previous 12 months' monthly average ("Prev. 12 months average")
      previous   - the previous month's figure of the same window ("YTD to Nov-18")
      year_earlier - the window 12 months earlier (the previous cohort)
    rows: a list of {measure, unit, field}; field is numerator, denominator, value or outside
      (denominator - numerator, e.g. assessments completed outside 45 days).
    month_suffix: appended to the month heading ("Dec-18 (YTD)"). -#}
{% macro kpi_page_table(kpi_id, period_type, comparator, rows, month_suffix='') %}
{%- set prefix = {
    'cumulative': 'previous_12_months',
    'average': 'previous_12_months',
    'previous': 'previous',
    'year_earlier': 'year_earlier',
}[comparator] -%}
{%- set numerator = prefix ~ ('_numerator_average' if comparator == 'average' else '_numerator') -%}
{%- set denominator = prefix ~ ('_denominator_average' if comparator == 'average' else '_denominator') -%}
with

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

figures as (

    select * from {{ ref('rpt_kpi_figures') }}
    where kpi_id = '{{ kpi_id }}' and period_type = '{{ period_type }}'

),

page_rows as (

    select * from (
        values
        {%- for row in rows %}
            ({{ loop.index }}, '{{ row.measure | replace("'", "''") }}', '{{ row.unit }}', '{{ row.field }}'){{ ',' if not loop.last }}
        {%- endfor %}
    ) as page_rows (row_order, measure, unit, field)

),

final as (

    select
        '{{ kpi_id }}' as kpi_id,
        months.period_end,
        page_rows.row_order,
        page_rows.measure,
        page_rows.unit,
        {%- if comparator == 'cumulative' %}
        'Prev. 12 months cumulative' as comparator_heading,
        {%- elif comparator == 'average' %}
        'Prev. 12 months average' as comparator_heading,
        {%- elif comparator == 'previous' %}
        'YTD to ' || {{ month_label("last_day(months.period_end - interval 1 month)") }}
            as comparator_heading,
        {%- else %}
        'Cohort ' || strftime(figures.year_earlier_window_start, '%b %Y') || ' - '
            || strftime(figures.year_earlier_window_end, '%b %Y') as comparator_heading,
        {%- endif %}
        case page_rows.field
            when 'numerator' then figures.{{ numerator }}
            when 'denominator' then figures.{{ denominator }}
            when 'outside' then figures.{{ denominator }} - figures.{{ numerator }}
            else figures.{{ prefix }}_value
        end as comparator_value,
        coalesce(figures.{{ prefix }}_suppressed, false) as comparator_suppressed,
        {%- if comparator == 'year_earlier' %}
        'Cohort ' || strftime(figures.window_start, '%b %Y') || ' - '
            || strftime(figures.window_end, '%b %Y') as month_heading,
        {%- else %}
        months.month_label || '{{ month_suffix }}' as month_heading,
        {%- endif %}
        case page_rows.field
            when 'numerator' then figures.numerator
            when 'denominator' then figures.denominator
            when 'outside' then figures.denominator - figures.numerator
            else figures.value
        end as month_value,
        coalesce(figures.suppressed, false) as month_suppressed
    from months
    cross join page_rows
    -- A month the KPI is not published for has no table: its page says why instead.
    inner join figures on months.period_end = figures.period_end

)

select * from final
{% endmacro %}
