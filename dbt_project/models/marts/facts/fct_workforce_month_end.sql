{#- One row per worker per month-end workforce snapshot: role, qualified, agency, FTE, long-term
    absence and team as the snapshot records them, with the worker's open allocated caseload at
    the end of the snapshot day (kpi_14) and whether a supervision was recorded in the snapshot's
    calendar month (kpi_15). -#}
with

snapshots as (

    select * from {{ ref('stg_csc__workforce_snapshots') }}

),

involvements as (

    select * from {{ ref('stg_csc__involvements') }}

),

supervisions as (

    select * from {{ ref('stg_csc__supervisions') }}

),

open_cases as (

    -- Distinct children with an allocated-case-worker involvement open at the end of the
    -- snapshot day: started on or before it, not ended or ended after it (an involvement ending
    -- on the snapshot day is closed by its end). The role code is compared ignoring case and
    -- surrounding spaces, as the ingest keeps it as free text.
    select
        snapshots.snapshot_on,
        snapshots.professional_id,
        count(distinct involvements.person_id) as open_allocated_cases
    from snapshots
    inner join involvements
        on involvements.professional_id = snapshots.professional_id
        and upper(trim(involvements.role_id)) = 'ALLOCATED_CASE_WORKER'
        and involvements.started_on <= snapshots.snapshot_on
        -- An allocation that ends before it starts is open on no day by this test (listed in
        -- audit.kpi_exclusions for kpi_14).
        and (involvements.ended_on is null or involvements.ended_on > snapshots.snapshot_on)
    group by snapshots.snapshot_on, snapshots.professional_id

),

supervised as (

    select distinct
        snapshots.snapshot_on,
        snapshots.professional_id
    from snapshots
    inner join supervisions
        on supervisions.professional_id = snapshots.professional_id
        and date_trunc('month', supervisions.supervised_on)
        = date_trunc('month', snapshots.snapshot_on)

),

final as (

    select
        snapshots.snapshot_on,
        snapshots.professional_id,
        snapshots.role,
        snapshots.is_qualified_social_worker,
        snapshots.is_agency,
        snapshots.fte,
        snapshots.team,
        -- long_term_absence is optional in the extract: blank means not absent.
        coalesce(snapshots.is_long_term_absent, false) as is_long_term_absent,
        snapshots.snapshot_on = last_day(snapshots.snapshot_on) as is_month_end,
        coalesce(open_cases.open_allocated_cases, 0) as open_allocated_cases,
        supervised.professional_id is not null as supervised_in_month,
        -- kpi_15's population: qualified social workers and senior practitioners at work.
        coalesce(
            snapshots.is_qualified_social_worker
            and snapshots.role in ('social_worker', 'senior_practitioner')
            and not coalesce(snapshots.is_long_term_absent, false),
            false
        ) as is_in_supervision_scope
    from snapshots
    left join open_cases
        on snapshots.snapshot_on = open_cases.snapshot_on
        and snapshots.professional_id = open_cases.professional_id
    left join supervised
        on snapshots.snapshot_on = supervised.snapshot_on
        and snapshots.professional_id = supervised.professional_id

)

select * from final
