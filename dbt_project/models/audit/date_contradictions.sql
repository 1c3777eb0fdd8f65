{#- One row per source record and pair of its dates that contradict each other (an end before
    its start: the date_order pairs of the extract contract, read from the sources YAML). Such
    a record is not rejected: it stays in the warehouse and counts wherever the pair does not
    matter; the measures that need the interval leave it out (audit.kpi_exclusions, whose KPIs
    are named here in excluded_from). A contradiction no measure depends on (an S47 enquiry
    ending before it starts) is listed here only. The pairs come from extract_contract(),
    generated from orchestration/extracts.py. -#}
{%- set extracts = extract_contract() | selectattr('date_order') | list -%}
with

contradictions as (

    {% for node in extracts %}
    {%- set outer_loop = loop %}
    {%- for pair in node.date_order %}
    select
        '{{ node.name }}' as extract,
        {{ node.key | join(" || '|' || ") }} as record_id,
        _source_row as source_row,
        '{{ pair[0] }}' as start_column,
        cast({{ pair[0] }} as date) as start_on,
        '{{ pair[1] }}' as end_column,
        cast({{ pair[1] }} as date) as end_on
    from {{ source('csc', node.name) }}
    where cast({{ pair[1] }} as date) < cast({{ pair[0] }} as date)
    {{ 'union all' if not (loop.last and outer_loop.last) }}
    {%- endfor %}
    {% endfor %}

),

exclusions as (

    select
        source_extract,
        record_id,
        string_agg(distinct kpi_id, ' ' order by kpi_id) as excluded_from
    from {{ ref('kpi_exclusions') }}
    group by source_extract, record_id

),

final as (

    select
        contradictions.extract,
        contradictions.record_id,
        contradictions.source_row,
        contradictions.start_column,
        contradictions.start_on,
        contradictions.end_column,
        contradictions.end_on,
        exclusions.excluded_from
    from contradictions
    left join exclusions
        on contradictions.extract = exclusions.source_extract
        and contradictions.record_id = exclusions.record_id

)

select * from final
