{#- Every breakdown adds up to its KPI: for every KPI value (marts.kpi_values) and every
    dimension the registry gives the KPI, the members' numerators sum to the KPI's numerator,
    and - except for counts and rates, whose denominator is a population - their denominators
    sum to its denominator. A record left out of a member, or counted in two, fails it; so does
    a dimension missing for a window that has records. Rows returned are the failures. The
    config makes it an asset check of kpi_breakdowns in Dagster (it reads two models). -#}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_breakdowns'}}}) }}
with

values_ as (

    select * from {{ ref('kpi_values') }}

),

dimensions as (

    select kpi_id, unnest(string_split(breakdowns, ' ')) as dimension
    from {{ ref('kpi_catalogue') }}
    where breakdowns <> ''

),

breakdowns as (

    select
        kpi_id, period_end, period_type, dimension,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from {{ ref('kpi_breakdowns') }}
    group by all

),

compared as (

    select
        values_.kpi_id,
        values_.period_end,
        values_.period_type,
        dimensions.dimension,
        values_.unit,
        values_.numerator as kpi_numerator,
        coalesce(breakdowns.numerator, 0) as members_numerator,
        values_.denominator as kpi_denominator,
        coalesce(breakdowns.denominator, 0) as members_denominator
    from values_
    inner join dimensions on values_.kpi_id = dimensions.kpi_id
    left join breakdowns
        on values_.kpi_id = breakdowns.kpi_id
        and values_.period_end = breakdowns.period_end
        and values_.period_type = breakdowns.period_type
        and dimensions.dimension = breakdowns.dimension

)

select * from compared
where abs(kpi_numerator - members_numerator) > 1e-6
    or (
        unit not in ('count', 'rate_per_10000', 'rate_per_100000')
        and abs(coalesce(kpi_denominator, 0) - members_denominator) > 1e-6
    )
