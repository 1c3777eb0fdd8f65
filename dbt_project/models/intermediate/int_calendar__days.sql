{#- One row per calendar day with a running count of working days, so the working days between
    two dates is a subtraction: idx(end) - idx(start). The start day is day 0 and the end day counts
    when it is a working day (docs/conventions.md: same day = 0, Monday to Tuesday = 1). -#}
with

bank_holidays as (

    select holiday_date from {{ ref('bank_holidays') }}

),

days as (

    select cast(day_start as date) as calendar_date
    from range(
        cast('{{ var("calendar_start") }}' as timestamp),
        cast('{{ var("calendar_end") }}' as timestamp) + interval 1 day,
        interval 1 day
    ) as spine (day_start)

),

flagged as (

    select
        days.calendar_date,
        isodow(days.calendar_date) in (6, 7) as is_weekend,
        bank_holidays.holiday_date is not null as is_bank_holiday
    from days
    left join bank_holidays on days.calendar_date = bank_holidays.holiday_date

),

final as (

    select
        calendar_date,
        is_weekend,
        is_bank_holiday,
        not (is_weekend or is_bank_holiday) as is_working_day,
        sum(case when is_weekend or is_bank_holiday then 0 else 1 end) over (
            order by calendar_date rows between unbounded preceding and current row
        ) as working_day_index
    from flagged

)

select * from final
