{#- kpi_10 (A2): average days from court authority to place (placement order) to the match, for
    children adopted in the window who were placed for adoption and have a placement order date;
    3 years and rolling 12 months. cbp_a1 (A1): average days from entering care to moving in
    with the adoptive family, for children adopted in the window who were placed for adoption;
    3 years. Numerator = total days, denominator = children, value = average days. -#}
with

adoptions as (

    select * from {{ ref('fct_adoptions') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id in ('kpi_10', 'cbp_a1')

),

clocks as (

    select 'kpi_10' as kpi_id, adopted_on, a2_days as days
    from adoptions
    where
        was_placed_for_adoption
        and placement_order_on is not null
        and a2_exclusion_reason is null
    union all
    select 'cbp_a1', adopted_on, a1_days
    from adoptions
    where was_placed_for_adoption and a1_exclusion_reason is null

),

final as (

    select
        windows.kpi_id,
        windows.period_end,
        windows.period_type,
        coalesce(sum(clocks.days), 0) as numerator,
        count(clocks.adopted_on) as denominator,
        sum(clocks.days) / nullif(count(clocks.adopted_on), 0) as value
    from windows
    left join clocks
        on windows.kpi_id = clocks.kpi_id
        and clocks.adopted_on between windows.window_start and windows.window_end
    group by windows.kpi_id, windows.period_end, windows.period_type

)

select * from final
