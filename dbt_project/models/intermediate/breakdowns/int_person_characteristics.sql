{#- One row per child or young person any extract names (ssd_person, and the youth justice and
    care-leaver extracts, which carry their own dates of birth): the characteristics the
    breakdowns use. sex, ethnicity_group and disability are the members of those dimensions of
    marts.kpi_breakdowns; "unknown" where the extracts do not say. -#}
with

persons as (

    select * from {{ ref('stg_csc__persons') }}

),

yj_people as (

    select person_id, min(date_of_birth) as date_of_birth
    from {{ ref('stg_csc__yj_outcomes') }}
    group by person_id

),

care_leavers as (

    select person_id, min(date_of_birth) as date_of_birth
    from {{ ref('stg_csc__care_leaver_outcomes') }}
    group by person_id

),

disabilities as (

    select
        person_id,
        bool_or(disability_code <> 'NONE') as has_disability
    from {{ ref('stg_csc__disabilities') }}
    group by person_id

),

ethnicity_groups as (

    select * from {{ ref('ethnicity_groups') }}

),

people as (

    select person_id from persons
    union
    select person_id from yj_people
    union
    select person_id from care_leavers

),

ethnicities as (

    -- A recorded ethnicity matches a code or a label, ignoring case and surrounding spaces.
    select
        persons.person_id,
        min(ethnicity_groups.ethnicity_group) as ethnicity_group
    from persons
    inner join ethnicity_groups
        on upper(trim(persons.ethnicity)) = upper(ethnicity_groups.ethnicity_code)
        or lower(trim(persons.ethnicity)) = lower(ethnicity_groups.ethnicity_label)
    group by persons.person_id

),

final as (

    select
        people.person_id,
        coalesce(persons.date_of_birth, yj_people.date_of_birth, care_leavers.date_of_birth)
            as date_of_birth,
        persons.expected_date_of_birth,
        case upper(persons.sex)
            when 'M' then 'male'
            when 'F' then 'female'
            when 'I' then 'indeterminate'
            else 'unknown'
        end as sex,
        coalesce(ethnicities.ethnicity_group, 'unknown') as ethnicity_group,
        case
            when disabilities.has_disability then 'disabled'
            when not disabilities.has_disability then 'not disabled'
            else 'unknown'
        end as disability
    from people
    left join persons on people.person_id = persons.person_id
    left join yj_people on people.person_id = yj_people.person_id
    left join care_leavers on people.person_id = care_leavers.person_id
    left join ethnicities on people.person_id = ethnicities.person_id
    left join disabilities on people.person_id = disabilities.person_id

)

select * from final
