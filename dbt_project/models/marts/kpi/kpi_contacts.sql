{#- contacts: contacts received in the month (a count; no denominator). -#}
with

contacts as (

    select * from {{ ref('fct_contacts') }}

),

windows as (

    select * from {{ ref('int_kpi_windows') }}
    where kpi_id = 'contacts'

),

final as (

    select
        'contacts' as kpi_id,
        windows.period_end,
        windows.period_type,
        count(contacts.contact_id) as numerator,
        cast(null as bigint) as denominator,
        cast(count(contacts.contact_id) as double) as value
    from windows
    left join contacts on contacts.contact_on between windows.window_start and windows.window_end
    group by windows.period_end, windows.period_type

)

select * from final
