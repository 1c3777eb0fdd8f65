{#- kpi_04: % of children open as children in need at the period end whose earliest open CIN
    episode began 2 years or more before it. A child counts once. -#}
with

episodes as (

    select * from {{ ref('fct_cin_episodes') }}

),

months as (

    select period_end from {{ ref('int_month_spine') }}

),

open_children as (

    select
        months.period_end,
        episodes.person_id,
        min(episodes.started_on) as earliest_open_start
    from months
    inner join episodes
        on episodes.started_on <= months.period_end
        and (episodes.closed_on is null or episodes.closed_on > months.period_end)
    group by months.period_end, episodes.person_id

),

final as (

    select
        'kpi_04' as kpi_id,
        months.period_end,
        'snapshot' as period_type,
        count(open_children.person_id) filter (
            where open_children.earliest_open_start <= months.period_end - interval 2 year
        ) as numerator,
        count(open_children.person_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from months
    left join open_children on months.period_end = open_children.period_end
    group by months.period_end

)

select * from final
