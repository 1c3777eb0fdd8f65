{{ config(schema='reporting', materialized='table') }}
{#- Every KPI figure as the pack prints it: the figures and comparators of int_kpi_comparators,
    each with suppression applied: a figure whose denominator is below 5 is null with its
    `_suppressed` flag true. -#}
with

unsuppressed as (

    select * from {{ ref('int_kpi_comparators') }}

),

final as (

    select
        kpi_id,
        period_end,
        period_type,
        unit,
        window_start,
        window_end,
        {{ unless_suppressed('numerator', 'denominator') }} as numerator,
        {{ unless_suppressed('denominator', 'denominator') }} as denominator,
        {{ unless_suppressed('value', 'denominator') }} as value,
        {{ is_suppressed('denominator') }} as suppressed,
        {{ unless_suppressed('previous_12_months_numerator',
                             'previous_12_months_denominator') }}
            as previous_12_months_numerator,
        {{ unless_suppressed('previous_12_months_denominator',
                             'previous_12_months_denominator') }}
            as previous_12_months_denominator,
        {{ unless_suppressed('previous_12_months_numerator_average',
                             'previous_12_months_denominator') }}
            as previous_12_months_numerator_average,
        {{ unless_suppressed('previous_12_months_denominator_average',
                             'previous_12_months_denominator') }}
            as previous_12_months_denominator_average,
        {{ unless_suppressed('previous_12_months_value', 'previous_12_months_denominator') }}
            as previous_12_months_value,
        {{ is_suppressed('previous_12_months_denominator') }} as previous_12_months_suppressed,
        {{ unless_suppressed('previous_numerator', 'previous_denominator') }}
            as previous_numerator,
        {{ unless_suppressed('previous_denominator', 'previous_denominator') }}
            as previous_denominator,
        {{ unless_suppressed('previous_value', 'previous_denominator') }} as previous_value,
        {{ is_suppressed('previous_denominator') }} as previous_suppressed,
        {{ unless_suppressed('year_earlier_numerator', 'year_earlier_denominator') }}
            as year_earlier_numerator,
        {{ unless_suppressed('year_earlier_denominator', 'year_earlier_denominator') }}
            as year_earlier_denominator,
        {{ unless_suppressed('year_earlier_value', 'year_earlier_denominator') }}
            as year_earlier_value,
        {{ is_suppressed('year_earlier_denominator') }} as year_earlier_suppressed,
        year_earlier_window_start,
        year_earlier_window_end
    from unsuppressed

)

select * from final
