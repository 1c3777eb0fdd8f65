{#- Every KPI value: one row per KPI, period end and window it is published for
    (int_kpi_windows: its sources cover the whole window and its look-back), with the unit from
    the catalogue and the first and last day of the window (a snapshot's window is its day). -#}
with

catalogue as (

    select kpi_id, unit from {{ ref('kpi_catalogue') }}

),

windows as (

    select kpi_id, period_end, period_type, window_start, window_end
    from {{ ref('int_kpi_windows') }}

),

kpi_rows as (

    select * from {{ ref('kpi_01_referral_decisions') }}
    union all by name
    select * from {{ ref('kpi_02_re_referrals') }}
    union all by name
    select * from {{ ref('kpi_03_assessments_45_days') }}
    union all by name
    select * from {{ ref('kpi_04_cin_open_over_2_years') }}
    union all by name
    select * from {{ ref('kpi_05_icpcs_15_days') }}
    union all by name
    select * from {{ ref('kpi_contacts') }}
    union all by name
    select * from {{ ref('kpi_activity_rates') }}
    union all by name
    select * from {{ ref('kpi_rate_cin') }}
    union all by name
    select * from {{ ref('kpi_06_repeat_cp_plans') }}
    union all by name
    select * from {{ ref('kpi_07_placement_stability') }}
    union all by name
    select * from {{ ref('kpi_08_reviews_on_time') }}
    union all by name
    select * from {{ ref('kpi_09_care_leavers_eet') }}
    union all by name
    select * from {{ ref('kpi_adoption_timeliness') }}
    union all by name
    select * from {{ ref('kpi_13_cp_plans_ending_3_months') }}
    union all by name
    select * from {{ ref('kpi_rate_cp_cla') }}
    union all by name
    select * from {{ ref('kpi_workforce') }}
    union all by name
    select * from {{ ref('kpi_11_reoffending') }}
    union all by name
    select * from {{ ref('kpi_cbp_fte') }}

),

final as (

    select
        kpi_rows.kpi_id,
        cast(kpi_rows.period_end as date) as period_end,
        kpi_rows.period_type,
        cast(kpi_rows.numerator as double) as numerator,
        cast(kpi_rows.denominator as double) as denominator,
        cast(kpi_rows.value as double) as value,
        catalogue.unit,
        windows.window_start,
        windows.window_end
    from kpi_rows
    inner join windows
        on kpi_rows.kpi_id = windows.kpi_id
        and kpi_rows.period_end = windows.period_end
        and kpi_rows.period_type = windows.period_type
    left join catalogue on kpi_rows.kpi_id = catalogue.kpi_id

)

select * from final
