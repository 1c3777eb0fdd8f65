{#- kpi_07: long-term placement stability: of the cohort in int_cla__placement_stability_by_month
    (looked after, under 16, in care 2.5 years or more, no short breaks), the % in their
    placement (or adoption placement with the one before it) for 2 years or more. -#}
with

cohort as (

    select * from {{ ref('int_cla__placement_stability_by_month') }}

),

months as (

    select period_end from {{ ref('int_month_spine') }}

),

final as (

    select
        'kpi_07' as kpi_id,
        months.period_end,
        'snapshot' as period_type,
        count(cohort.person_id) filter (where cohort.is_stable) as numerator,
        count(cohort.person_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from months
    left join cohort on months.period_end = cohort.period_end
    group by months.period_end

)

select * from final
