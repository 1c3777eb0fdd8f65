{#- kpi_04: % of children open as children in need at the period end whose earliest open CIN
    episode began 2 years or more before it (int_cin__open_cases_by_month). -#}
with

open_cases as (

    select * from {{ ref('int_cin__open_cases_by_month') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'kpi_04'

),

final as (

    select
        'kpi_04' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(open_cases.person_id) filter (where open_cases.is_open_over_2_years) as numerator,
        count(open_cases.person_id) as denominator,
        {{ percentage('numerator', 'denominator') }} as value
    from windows
    left join open_cases on windows.period_end = open_cases.period_end
    group by windows.period_end, windows.period_type

)

select * from final
