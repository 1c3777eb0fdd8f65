{#- The months the data covers: from the month of the first contact (or referral, where the
    extract has no contacts) to the last month the data cover to its last day. Earlier dates in
    the extracts (referrals, plans and periods of care open when the extract starts) are history
    carried in, not months of activity the extract covers. A month the data stop part-way through
    (an extract taken on 15 January) is left out, so no month, rolling or snapshot figure is
    published for a month the data only half cover. -#}
with

contacts as (

    select min(contact_at) as first_at, max(contact_at) as last_at
    from {{ ref('stg_csc__contacts') }}

),

referrals as (

    select min(referral_at) as first_at, max(referral_at) as last_at
    from {{ ref('stg_csc__referrals') }}

),

bounds as (

    select
        cast(date_trunc('month', coalesce(contacts.first_at, referrals.first_at)) as date)
            as first_month,
        cast(date_trunc('month', greatest(
            coalesce(contacts.last_at, referrals.last_at),
            coalesce(referrals.last_at, contacts.last_at)
        )) as date) as last_month,
        cast(greatest(
            coalesce(contacts.last_at, referrals.last_at),
            coalesce(referrals.last_at, contacts.last_at)
        ) as date) as last_date
    from contacts
    cross join referrals

),

months as (

    select cast(month_start as date) as period_start
    from bounds,
        range(
            cast(bounds.first_month as timestamp),
            cast(bounds.last_month as timestamp) + interval 1 month,
            interval 1 month
        ) as spine (month_start)

),

final as (

    select
        months.period_start,
        cast(last_day(months.period_start) as date) as period_end,
        cast(
            case
                when month(months.period_start) >= 4
                    then make_date(year(months.period_start), 4, 1)
                else make_date(year(months.period_start) - 1, 4, 1)
            end as date
        ) as financial_year_start,
        bounds.first_month as data_first_month,
        bounds.last_month as data_last_month,
        -- Always true here (incomplete months are left out below); kept for the report layer.
        cast(last_day(months.period_start) as date) <= bounds.last_date as is_complete_month
    from months
    cross join bounds
    where cast(last_day(months.period_start) as date) <= bounds.last_date

)

select * from final
