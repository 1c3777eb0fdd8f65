{#- Age in whole years on a date: the number of birthdays passed. A 29 February birthday falls
    on 1 March in other years, as in English law for coming of age. -#}
{% macro age_at(date_of_birth, on_date) -%}
    (
        year({{ on_date }}) - year({{ date_of_birth }})
        - case
            when month({{ on_date }}) * 100 + day({{ on_date }})
                < month({{ date_of_birth }}) * 100 + day({{ date_of_birth }})
                then 1
            else 0
        end
    )
{%- endmacro %}
