{#- stability_short_term records: one row per month end and child looked after at the end of
    that day, short breaks (V3/V4) and periods of care whose dates contradict each other left
    out (int_cla__looked_after_at_month_end); the numerator is 1 when the child had three or
    more placements in the 12 months to the month end: placements of any of their periods of
    care open on a day of those months, temporary placements (T0-T4: holidays, hospital) and
    placements that end before they start not counted. -#}
with

looked_after as (

    select * from {{ ref('int_cla__looked_after_at_month_end') }}
    where not is_short_break and not is_excluded_from_cla_counts

),

placements as (

    select * from {{ ref('int_cla__placements') }}
    where
        not coalesce(ends_before_it_starts, false)
        and placement_type not in ('T0', 'T1', 'T2', 'T3', 'T4')

),

counted as (

    select
        looked_after.period_end,
        looked_after.person_id,
        looked_after.period_of_care_id,
        count(distinct placements.placement_id) as placements_in_12_months
    from looked_after
    left join placements
        on looked_after.person_id = placements.person_id
        and placements.started_on <= looked_after.period_end
        and (
            placements.ended_on is null
            or placements.ended_on > cast(looked_after.period_end - interval 12 month as date)
        )
    group by looked_after.period_end, looked_after.person_id, looked_after.period_of_care_id

),

final as (

    select
        'stability_short_term' as kpi_id,
        cast(null as date) as event_on,
        period_end,
        'snapshot' as period_type,
        period_of_care_id as record_id,
        person_id,
        cast(null as varchar) as team,
        cast(null as date) as started_on,
        cast(null as date) as ended_on,
        placements_in_12_months as measure_value,
        'placements in the 12 months to the month end' as measure,
        case when placements_in_12_months >= 3 then 1 else 0 end as numerator,
        1 as denominator
    from counted

)

select * from final
