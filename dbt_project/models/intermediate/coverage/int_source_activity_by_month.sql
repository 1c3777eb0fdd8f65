{#- One row per extract and month of its activity date (the date the extract contract names as
    showing which months the extract covers: an end date, or an event's own date), with the
    rows whose activity falls in the month, the first activity date in it and the latest event
    date of those rows. Rows without an activity date (open records) are one row with a null
    month; reference extracts (people, workers) have only that row. Built from the sources
    extract_contract() macro, generated from the contract (orchestration/extracts.py). -#}
{%- set extracts = extract_contract() -%}
with

{% for node in extracts %}
{{ node.name }} as (

    select
        '{{ node.name }}' as extract,
        '{{ node.label }}' as label,
        '{{ node.coverage }}' as coverage,
        {%- if node.activity %}
        cast({{ node.activity }} as date) as activity_on,
        {%- else %}
        cast(null as date) as activity_on,
        {%- endif %}
        {%- if node.events %}
        cast(greatest(
            {%- for column in node.events %}
            cast({{ column }} as date){{ ',' if not loop.last }}
            {%- endfor %}
        ) as date) as last_event_on
        {%- else %}
        cast(null as date) as last_event_on
        {%- endif %}
    from {{ source('csc', node.name) }}

),

{% endfor %}
rows_by_extract as (

    {% for node in extracts %}
    select * from {{ node.name }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

known_extracts as (

    select * from (
        values
        {%- for node in extracts %}
            ('{{ node.name }}', '{{ node.label }}', '{{ node.coverage }}'){{ ',' if not loop.last }}
        {%- endfor %}
    ) as known (extract, label, coverage)  -- noqa: AL05

),

by_month as (

    select
        extract,
        label,
        coverage,
        cast(date_trunc('month', activity_on) as date) as activity_month,
        count(*) as row_count,
        min(activity_on) as first_activity_on,
        max(last_event_on) as last_event_on
    from rows_by_extract
    group by extract, label, coverage, cast(date_trunc('month', activity_on) as date)

),

final as (

    select * from by_month
    union all
    -- An extract with no rows at all (no file, or every row rejected) still has its row, so
    -- the coverage models can say it is missing.
    select
        known_extracts.extract,
        known_extracts.label,
        known_extracts.coverage,
        cast(null as date) as activity_month,
        0 as row_count,
        cast(null as date) as first_activity_on,
        cast(null as date) as last_event_on
    from known_extracts
    where known_extracts.extract not in (select by_month.extract from by_month)

)

select * from final
