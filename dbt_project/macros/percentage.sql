{#- numerator / denominator on the 0-100 scale, null where the denominator is 0 (no events is no
    figure, not 0%). Unrounded: reports round. -#}
{% macro percentage(numerator, denominator) -%}
    100.0 * {{ numerator }} / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- A rate per `per` population, null where the population is unknown. -#}
{% macro rate_per(count, population, per) -%}
    {{ per }} * {{ count }} / nullif({{ population }}, 0)
{%- endmacro %}
