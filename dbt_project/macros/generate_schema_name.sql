{#- Schemas are named by layer (staging, intermediate, marts, kpi, audit, reference), not prefixed
    with the target schema, so analysts query marts.kpi_values as docs/interfaces.md promises. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
