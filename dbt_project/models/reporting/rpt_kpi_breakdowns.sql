{#- The breakdown tables of the pack: for every KPI, month and dimension of marts.kpi_breakdowns,
    in the KPI's headline window, each member's figure with its status against the KPI's
    target, suppressed as every published table is and then secondarily, so that no
    suppressed cell can be worked out from the KPI's total and the other cells.
    - Primary: a denominator under 5 (suppression_threshold()); a row without a denominator (a
      count, or a rate by team, sex, ethnicity or disability, which has only the count) when
      its count is 1 to 4: a breakdown's counts are of few children, unlike the totals; a rate
      over a population (by age band) when its count is 1 to 4, as the public population
      would give the count back.
    - Secondary (DfE's practice): where exactly one member of a table is suppressed, the next
      smallest (by denominator, else count; then by name) is suppressed too; with two or more
      suppressed, none is recoverable from the total.
    A suppressed row keeps its member and has null numerator, denominator, value and status.
    -#}
with

breakdowns as (

    select * from {{ ref('kpi_breakdowns') }}

),

catalogue as (

    select kpi_id, title, report_page, report_order, headline_window, polarity, target,
        tolerance_low, tolerance_high
    from {{ ref('kpi_catalogue') }}

),

months as (

    select period_end, month_label from {{ ref('rpt_report_months') }}

),

cells as (

    select
        breakdowns.*,
        catalogue.title,
        catalogue.report_page,
        catalogue.report_order,
        catalogue.polarity,
        catalogue.target,
        catalogue.tolerance_low,
        catalogue.tolerance_high,
        case
            -- A rate over a population (by age band): the population is public, so the rate
            -- gives the count away; the count of 1 to 4 is what is suppressed.
            when breakdowns.unit like 'rate_per_%' and breakdowns.denominator is not null
                then breakdowns.denominator < {{ suppression_threshold() }}
                or (
                    breakdowns.numerator > 0
                    and breakdowns.numerator < {{ suppression_threshold() }}
                )
            when breakdowns.denominator is not null
                then breakdowns.denominator < {{ suppression_threshold() }}
            else breakdowns.numerator > 0
                and breakdowns.numerator < {{ suppression_threshold() }}
        end as is_primary
    from breakdowns
    inner join catalogue
        on breakdowns.kpi_id = catalogue.kpi_id
        and breakdowns.period_type = catalogue.headline_window

),

ranked as (

    select
        cells.*,
        count_if(is_primary) over table_ as primary_in_table,
        row_number() over (
            partition by kpi_id, period_end, period_type, dimension
            order by is_primary, coalesce(denominator, numerator), member
        ) as rank_unsuppressed_first
    from cells
    window table_ as (partition by kpi_id, period_end, period_type, dimension)

),

suppressed as (

    select
        ranked.*,
        case
            when is_primary then 'primary'
            -- rank 1 among the unsuppressed: the rows sort unsuppressed first, so with one
            -- primary cell the smallest other member is rank 1.
            when primary_in_table = 1 and rank_unsuppressed_first = 1 then 'secondary'
        end as suppression
    from ranked

),

final as (

    select
        suppressed.kpi_id,
        suppressed.title,
        suppressed.report_page,
        suppressed.report_order,
        suppressed.period_end,
        months.month_label,
        suppressed.period_type,
        suppressed.dimension,
        suppressed.member,
        case suppressed.dimension
            when 'team' then case suppressed.member when 'unallocated' then 2
                when 'unknown' then 3 else 1 end
            when 'age_band' then case suppressed.member when 'unborn' then 1
                when 'under 1' then 2 when '1-4' then 3 when '5-9' then 4
                when '10-15' then 5 when '16+' then 6 else 7 end
            when 'sex' then case suppressed.member when 'female' then 1 when 'male' then 2
                when 'indeterminate' then 3 else 4 end
            else case suppressed.member when 'unknown' then 3
                when 'Refused or not yet obtained' then 2 else 1 end
        end as member_order,
        suppressed.unit,
        case when suppressed.suppression is null then suppressed.numerator end as numerator,
        case when suppressed.suppression is null then suppressed.denominator end as denominator,
        case when suppressed.suppression is null then suppressed.value end as value,
        case when suppressed.suppression is null then {{ rag_status(
            'suppressed.value', 'suppressed.polarity', 'suppressed.target',
            'suppressed.tolerance_low', 'suppressed.tolerance_high'
        ) }} end as status,
        suppressed.suppression is not null as value_suppressed,
        suppressed.suppression
    from suppressed
    inner join months on suppressed.period_end = months.period_end

)

select * from final
