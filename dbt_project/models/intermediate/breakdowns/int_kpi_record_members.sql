{#- One row per KPI record (int_kpi_records), with the member it counts in of each breakdown
    dimension its KPI has (the registry's `breakdowns`); null in a dimension the KPI is not
    broken down by. Every record has exactly one member of each of its KPI's dimensions, so a
    breakdown's members add up to the KPI's figure.
    - team: the record's own team where the registry's team_from is `record`; else the team
      of the child's allocation open on the record's date (the latest started, then the lowest
      allocation id, when several are); "unallocated" when none is open, "unknown" when the
      team is blank.
    - age_band: DfE's bands (under 1, 1-4, 5-9, 10-15, 16+) of the age on the record's date;
      "unborn" before birth or with only an expected date of birth, "unknown" without either.
    - sex, ethnicity_group, disability: int_person_characteristics.
    The record's date is its event_on, or for a record of a period (a snapshot, a cohort, a
    child counted once in a window) the period end.
    One row per record, not one per record and dimension: the long shape was five rows a
    record (16.4 M rows from 3.4 M records at the demo's scale, 18 s of dbt's 46 s) and at
    fifty times that scale filled the disk; marts.kpi_breakdowns sums the records a day first
    and only then takes each dimension. Child-level: never published. -#}
with

records as (

    select * from {{ ref('int_kpi_records') }}

),

catalogue as (

    select kpi_id, string_split(breakdowns, ' ') as breakdowns, team_from
    from {{ ref('kpi_catalogue') }}

),

people as (

    select * from {{ ref('int_person_characteristics') }}

),

allocations as (

    select * from {{ ref('stg_csc__involvements') }}

),

dated as (

    select
        records.kpi_id,
        records.event_on,
        records.period_end,
        records.period_type,
        records.record_id,
        records.person_id,
        records.team,
        records.numerator,
        records.denominator,
        coalesce(records.event_on, records.period_end) as as_at,
        catalogue.breakdowns,
        catalogue.team_from
    from records
    inner join catalogue on records.kpi_id = catalogue.kpi_id

),

-- The allocation lookup is per child and date, not per record: the month-end snapshots of
-- several KPIs (children in need, open over two years) ask it of the same child on the same
-- day.
allocation_dates as (

    select distinct person_id, as_at
    from dated
    where team_from = 'allocation' and list_contains(breakdowns, 'team')

),

allocated as (

    select
        allocation_dates.person_id,
        allocation_dates.as_at,
        first(allocations.team order by allocations.started_on desc, allocations.involvement_id asc)
            as team
    from allocation_dates
    inner join allocations
        on allocation_dates.person_id = allocations.person_id
        and allocations.started_on <= allocation_dates.as_at
        and (allocations.ended_on is null or allocations.ended_on >= allocation_dates.as_at)
    group by allocation_dates.person_id, allocation_dates.as_at

),

described as (

    select
        dated.kpi_id,
        dated.event_on,
        dated.period_end,
        dated.period_type,
        dated.record_id,
        dated.person_id,
        dated.as_at,
        dated.numerator,
        dated.denominator,
        case
            when not list_contains(dated.breakdowns, 'team') then null
            when dated.team_from = 'record' then coalesce(nullif(trim(dated.team), ''), 'unknown')
            when allocated.person_id is null then 'unallocated'
            else coalesce(nullif(trim(allocated.team), ''), 'unknown')
        end as team,
        case
            when not list_contains(dated.breakdowns, 'age_band') then null
            when people.date_of_birth is null and people.expected_date_of_birth is not null
                then 'unborn'
            when people.date_of_birth is null then 'unknown'
            when dated.as_at < people.date_of_birth then 'unborn'
            when {{ age_at('people.date_of_birth', 'dated.as_at') }} < 1 then 'under 1'
            when {{ age_at('people.date_of_birth', 'dated.as_at') }} < 5 then '1-4'
            when {{ age_at('people.date_of_birth', 'dated.as_at') }} < 10 then '5-9'
            when {{ age_at('people.date_of_birth', 'dated.as_at') }} < 16 then '10-15'
            else '16+'
        end as age_band,
        case
            when list_contains(dated.breakdowns, 'sex') then coalesce(people.sex, 'unknown')
        end as sex,
        case
            when list_contains(dated.breakdowns, 'ethnicity_group')
                then coalesce(people.ethnicity_group, 'unknown')
        end as ethnicity_group,
        case
            when list_contains(dated.breakdowns, 'disability')
                then coalesce(people.disability, 'unknown')
        end as disability
    from dated
    left join allocated
        on dated.team_from = 'allocation'
        and dated.person_id = allocated.person_id
        and dated.as_at = allocated.as_at
    left join people on dated.person_id = people.person_id

),

final as (

    select * from described

)

select * from final
