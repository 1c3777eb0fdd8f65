{#- One row per KPI record (int_kpi_records) and breakdown dimension that applies to its KPI (the
    registry's `breakdowns`): the member of that dimension the record counts in. Every record
    has exactly one member of each such dimension, so a breakdown's members add up to the
    KPI's figure.
    - team: the record's own team where the registry's team_from is `record`; else the team
      of the child's allocation open on the record's date (the latest started, then the lowest
      allocation id, when several are); "unallocated" when none is open, "unknown" when the
      team is blank.
    - age_band: DfE's bands (under 1, 1-4, 5-9, 10-15, 16+) of the age on the record's date;
      "unborn" before birth or with only an expected date of birth, "unknown" without either.
    - sex, ethnicity_group, disability: int_person_characteristics.
    The record's date is its event_on, or for a record of a period (a snapshot, a cohort, a
    child counted once in a window) the period end. Child-level: never published. -#}
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
        records.*,
        coalesce(records.event_on, records.period_end) as as_at,
        catalogue.breakdowns,
        catalogue.team_from,
        -- A record's identity in int_kpi_records (tested unique there).
        concat_ws(
            '|', records.kpi_id, records.record_id, coalesce(cast(records.event_on as varchar), ''),
            coalesce(cast(records.period_end as varchar), ''), coalesce(records.period_type, '')
        ) as record_key
    from records
    inner join catalogue on records.kpi_id = catalogue.kpi_id

),

allocated as (

    select
        dated.record_key,
        first(allocations.team order by allocations.started_on desc, allocations.involvement_id asc)
            as team
    from dated
    inner join allocations
        on dated.person_id = allocations.person_id
        and allocations.started_on <= dated.as_at
        and (allocations.ended_on is null or allocations.ended_on >= dated.as_at)
    where dated.team_from = 'allocation'
    group by dated.record_key

),

described as (

    select
        dated.*,
        case
            when dated.team_from = 'record' then coalesce(nullif(trim(dated.team), ''), 'unknown')
            when allocated.record_key is null then 'unallocated'
            else coalesce(nullif(trim(allocated.team), ''), 'unknown')
        end as team_member,
        case
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
        coalesce(people.sex, 'unknown') as sex,
        coalesce(people.ethnicity_group, 'unknown') as ethnicity_group,
        coalesce(people.disability, 'unknown') as disability
    from dated
    left join allocated on dated.record_key = allocated.record_key
    left join people on dated.person_id = people.person_id

),

unpivoted as (

    {% set dimensions = {
        'team': 'team_member',
        'age_band': 'age_band',
        'sex': 'sex',
        'ethnicity_group': 'ethnicity_group',
        'disability': 'disability',
    } %}
    {% for dimension, column in dimensions.items() %}
    select
        kpi_id, event_on, period_end, period_type, record_id, person_id, as_at, numerator,
        denominator,
        '{{ dimension }}' as dimension,
        {{ column }} as member
    from described
    where list_contains(breakdowns, '{{ dimension }}')
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select * from unpivoted

)

select * from final
