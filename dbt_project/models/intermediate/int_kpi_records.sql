{#- Every KPI's records, one row per record and KPI: the rows each KPI model (the registry's
    `model`, kpi_registry()) says count in it, with their numerator and denominator
    contributions, the date that places them in windows (event_on) or the window they belong
    to (period_end, period_type), and what the exception lists show of them. marts.kpi_values
    aggregates them over int_kpi_windows; exceptions.exc_missed_measures lists those that
    count against a KPI. Child-level: never published. -#}
with

{% for kpi in kpi_registry() %}
{{ kpi.kpi_id }} as (

    select
        kpi_id,
        cast(event_on as date) as event_on,
        cast(period_end as date) as period_end,
        cast(period_type as varchar) as period_type,
        cast(record_id as varchar) as record_id,
        cast(person_id as varchar) as person_id,
        cast(team as varchar) as team,
        cast(started_on as date) as started_on,
        cast(ended_on as date) as ended_on,
        cast(measure_value as double) as measure_value,
        cast(measure as varchar) as measure,
        cast(numerator as decimal(38, 4)) as numerator,
        cast(denominator as decimal(38, 4)) as denominator
    from {{ ref(kpi.model) }}

),

{% endfor %}
final as (

    {% for kpi in kpi_registry() %}
    select * from {{ kpi.kpi_id }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select * from final
