{{ config(schema='reporting', materialized='table') }}
{#- The months a pack can be made for: every month of the data, whether it is complete, and which
    is the latest complete month (the pack's default, CSC_REPORT_MONTH unset). A month is complete
    when contacts or referrals are recorded on or after its last day: an extract taken on
    2 January holds all of December, one taken on 15 December does not. -#}
with

months as (

    select * from {{ ref('int_month_spine') }}

),

contacts as (

    select max(cast(contact_at as date)) as last_on from {{ ref('stg_csc__contacts') }}

),

referrals as (

    select max(cast(referral_at as date)) as last_on from {{ ref('stg_csc__referrals') }}

),

activity as (

    select greatest(contacts.last_on, referrals.last_on) as last_activity_on
    from contacts
    cross join referrals

),

flagged as (

    select
        months.period_start,
        months.period_end,
        activity.last_activity_on,
        coalesce(months.period_end <= activity.last_activity_on, false) as is_complete
    from months
    cross join activity

),

final as (

    select
        strftime(period_start, '%Y-%m') as report_month,
        period_start,
        period_end,
        {{ month_label('period_end') }} as month_label,
        last_activity_on,
        is_complete,
        coalesce(
            period_end = max(period_end) filter (where is_complete) over (), false
        ) as is_latest_complete
    from flagged

)

select * from final
