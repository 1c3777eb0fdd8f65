{#- A date setting passed to dbt as a var (CSC_DATA_AS_AT, CSC_DATA_FROM: the pipeline checks
    they are YYYY-MM-DD before passing them); null when unset or empty. -#}
{% macro date_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        cast(null as date)
    {%- else -%}
        cast('{{ value | string | trim }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- The first day of the month a date falls in, or of the next month when the date is not a
    first of the month: the first month a date from which "the extracts cover completely" makes
    whole. -#}
{% macro first_whole_month_from(date_expression) -%}
    cast(
        case
            when day({{ date_expression }}) = 1 then {{ date_expression }}
            else date_trunc('month', {{ date_expression }}) + interval 1 month
        end as date
    )
{%- endmacro %}
