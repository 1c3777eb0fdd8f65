{#- Every KPI value: one row per KPI, period end and window, with the unit from the catalogue. -#}
with

catalogue as (

    select kpi_id, unit from {{ ref('kpi_catalogue') }}

),

kpi_rows as (

    select * from {{ ref('kpi_01_referral_decisions') }}
    union all
    select * from {{ ref('kpi_02_re_referrals') }}
    union all
    select * from {{ ref('kpi_03_assessments_45_days') }}
    union all
    select * from {{ ref('kpi_04_cin_open_over_2_years') }}
    union all
    select * from {{ ref('kpi_05_icpcs_15_days') }}
    union all
    select * from {{ ref('kpi_contacts') }}
    union all
    select * from {{ ref('kpi_activity_rates') }}
    union all
    select * from {{ ref('kpi_rate_cin') }}
    union all
    select * from {{ ref('kpi_06_repeat_cp_plans') }}
    union all
    select * from {{ ref('kpi_07_placement_stability') }}
    union all
    select * from {{ ref('kpi_08_reviews_on_time') }}
    union all
    select * from {{ ref('kpi_09_care_leavers_eet') }}
    union all
    select * from {{ ref('kpi_adoption_timeliness') }}
    union all
    select * from {{ ref('kpi_13_cp_plans_ending_3_months') }}
    union all
    select * from {{ ref('kpi_rate_cp_cla') }}

),

final as (

    select
        kpi_rows.kpi_id,
        cast(kpi_rows.period_end as date) as period_end,
        kpi_rows.period_type,
        cast(kpi_rows.numerator as double) as numerator,
        cast(kpi_rows.denominator as double) as denominator,
        cast(kpi_rows.value as double) as value,
        catalogue.unit
    from kpi_rows
    left join catalogue on kpi_rows.kpi_id = catalogue.kpi_id

)

select * from final
