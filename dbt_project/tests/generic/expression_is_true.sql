{#- Rows of the model for which `expression` is not true (null counts as not true): the test
    fails if there are any. Narrow it with the test's `where` config. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
