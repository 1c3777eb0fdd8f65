with

source as (

    select * from {{ source('dfe', 'dfe_cin_benchmarks') }}

),

renamed as (

    select
        geography_level,
        la_code,
        area_name,
        region_name,
        measure,
        value,
        period,
        -- Year figures ('2017-18') and at-31-March figures ('2018-03-31') both describe the
        -- statistics year ending 31 March 2018.
        cast(
            case
                when period like '____-__-__' then period
                else cast(cast(left(period, 4) as integer) + 1 as varchar) || '-03-31'
            end as date
        ) as statistics_year_end,
        source_table,
        source_heading
    from source

)

select * from renamed
