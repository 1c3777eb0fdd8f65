{#- One row per legal status spell with the date it stops applying, so the status at the end of
    day d is the spell with started_on <= d < stops_on (a spell ending on d has been replaced by
    the end of d, as a CIN episode closed on the period end is not open). Where spells of one
    child overlap, the later-starting spell is the status from its start. -#}
with

spells as (

    -- A spell that ends before it starts applies on no day; it is left out of the timeline (so
    -- it cannot cut short the spell before it) and listed in audit.date_contradictions.
    select * from {{ ref('stg_csc__legal_statuses') }}
    where ended_on is null or ended_on >= started_on

),

final as (

    select
        legal_status_id,
        person_id,
        legal_status,
        started_on,
        ended_on,
        -- The next spell of the child starts a new status even if this one has no end.
        least(
            coalesce(ended_on, date '9999-12-31'),
            coalesce(
                lead(started_on) over (
                    partition by person_id order by started_on, legal_status_id
                ),
                date '9999-12-31'
            )
        ) as stops_on,
        legal_status in ('V3', 'V4') as is_short_break
    from spells

)

select * from final
