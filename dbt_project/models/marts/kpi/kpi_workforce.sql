{#- kpi_12 (with the kpi_12_sw and kpi_12_tm splits), kpi_14 and kpi_15: the workforce measures
    from the month-end workforce snapshot dated on the period end. Every measure counts qualified
    social workers only (qualified_social_worker = Y), team managers included, as DfE's workforce
    census counts qualified children and family social workers in those posts. -#}
with

workforce as (

    select * from {{ ref('fct_workforce_month_end') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id in ('kpi_12', 'kpi_12_sw', 'kpi_12_tm', 'kpi_14', 'kpi_15')

),

qualified as (

    select
        snapshot_on as period_end,
        role,
        is_agency,
        -- FTE as an exact decimal: a sum of doubles depends on the order DuckDB's parallel
        -- aggregation adds them, and two builds of the same extracts must publish identical
        -- figures (tests/test_faults.py).
        cast(fte as decimal(9, 4)) as fte,
        is_long_term_absent,
        open_allocated_cases,
        supervised_in_month,
        is_in_supervision_scope
    from workforce
    where
        is_qualified_social_worker
        and role in ('social_worker', 'senior_practitioner', 'team_manager')

),

contributions as (

    -- One row per worker and measure they count towards, with their share of the numerator and
    -- the denominator.
    select
        'kpi_12' as kpi_id,
        period_end,
        case when is_agency then fte else 0 end as numerator,
        fte as denominator
    from qualified
    union all
    select
        'kpi_12_sw',
        period_end,
        case when is_agency then fte else 0 end,
        fte
    from qualified
    where role in ('social_worker', 'senior_practitioner')
    union all
    select
        'kpi_12_tm',
        period_end,
        case when is_agency then fte else 0 end,
        fte
    from qualified
    where role = 'team_manager'
    union all
    -- Case holders only: a worker with no open allocated case adds no FTE.
    select
        'kpi_14',
        period_end,
        cast(open_allocated_cases as decimal(18, 4)),
        fte
    from qualified
    where
        role in ('social_worker', 'senior_practitioner')
        and not is_long_term_absent
        and open_allocated_cases > 0
    union all
    select
        'kpi_15',
        period_end,
        cast(case when supervised_in_month then 1 else 0 end as decimal(18, 4)),
        cast(1 as decimal(18, 4))
    from qualified
    where is_in_supervision_scope

),

totals as (

    select
        windows.kpi_id,
        windows.period_end,
        windows.period_type,
        coalesce(sum(contributions.numerator), 0) as numerator,
        coalesce(sum(contributions.denominator), 0) as denominator
    from windows
    left join contributions
        on windows.kpi_id = contributions.kpi_id
        and windows.period_end = contributions.period_end
    group by windows.kpi_id, windows.period_end, windows.period_type

),

final as (

    select
        kpi_id,
        period_end,
        period_type,
        numerator,
        denominator,
        case
            -- kpi_14 is an average caseload (cases per FTE), not a percentage.
            when kpi_id = 'kpi_14' then numerator / nullif(denominator, 0)
            else {{ percentage('numerator', 'denominator') }}
        end as value
    from totals

)

select * from final
