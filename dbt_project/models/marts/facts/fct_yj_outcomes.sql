{#- One row per youth justice outcome, with the young person's age on the outcome date and which
    measures it can count towards: an index outcome of the reoffending cohort (kpi_11), a formal
    outcome that is a (re-)offence (kpi_11 numerator, cbp_fte), and whether it is the person's
    first-ever formal outcome (cbp_fte). -#}
with

outcomes as (

    select * from {{ ref('stg_csc__yj_outcomes') }}

),

classified as (

    select
        yj_outcome_id,
        person_id,
        date_of_birth,
        offence_on,
        outcome_on,
        outcome_type,
        {{ age_at('date_of_birth', 'outcome_on') }} as age_at_outcome,
        -- Index outcomes of the reoffending cohort: a caution, a court sentence or a release
        -- from custody (docs/kpi-definitions.md, kpi_11).
        outcome_type in (
            'youth_caution', 'youth_conditional_caution', 'court_sentence', 'custody_release'
        ) as is_qualifying_index_outcome,
        -- Formal outcomes of an offence: a release from custody is not an outcome of a new
        -- offence, and 'other' (community resolutions and the like) is not a formal outcome.
        outcome_type in (
            'youth_caution', 'youth_conditional_caution', 'court_sentence'
        ) as is_qualifying_offence_outcome,
        -- An offence dated after its outcome: when it was committed cannot be told, so it is
        -- no re-offence for kpi_11 (listed in audit.kpi_exclusions); its outcome date still
        -- serves as an index and for first-time entrants.
        case
            when offence_on > outcome_on then 'offence dated after its outcome'
        end as offence_exclusion_reason
    from outcomes

),

ranked as (

    select
        classified.*,
        -- The person's earliest formal outcome by outcome date; on the same date, the lower id
        -- (numeric ids in number order).
        is_qualifying_offence_outcome
        and row_number() over (
            partition by person_id, is_qualifying_offence_outcome
            order by outcome_on, try_cast(yj_outcome_id as bigint) nulls last, yj_outcome_id
        ) = 1 as is_first_ever_formal_outcome
    from classified

),

final as (

    select
        yj_outcome_id,
        person_id,
        date_of_birth,
        offence_on,
        outcome_on,
        outcome_type,
        age_at_outcome,
        is_qualifying_index_outcome,
        is_qualifying_offence_outcome,
        is_first_ever_formal_outcome,
        offence_exclusion_reason
    from ranked

)

select * from final
