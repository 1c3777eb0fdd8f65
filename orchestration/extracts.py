"""The source extract contract in code: every extract, its columns, their kinds and code lists.

This module is the single place the ingest, the pandera schemas (generated from it:
ingest/schemas.py), the demo-data generator and the dbt sources agree on column names, kinds,
required columns, code lists, ranges and date rules. It mirrors the project's source contract
(the Standard Safeguarding Dataset layout plus the `ext_` extensions); the README describes it for
users.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of column. Everything is read as text and parsed per kind (ingest/parse.py states the rules,
# ingest/rules.py applies them in SQL), so a bad value becomes a row rejection with a reason
# instead of a type error.
ID = "id"  # string identifier: trimmed, Excel's "12.0" becomes "12", leading zeros kept
TEXT = "text"
CODE = "code"  # text from a closed code list, matched ignoring case, stored as the list spells it
DATE = "date"
DATETIME = "datetime"
FLAG = "flag"  # Y/N, also 1/0, true/false, yes/no in any case
NUMBER = "number"
INTEGER = "integer"

# Sensitivity of a column: what its values would give away if they left the working warehouse.
# Every decision to withhold or pseudonymise a value (published audit rows, error messages, the
# commentary identifier check) reads this, never the column's name.
PERSON_ID = "person id"  # identifies a child or young person
RECORD_ID = "record id"  # identifies a referral, assessment, plan, review ... (a child's record)
WORKER_ID = "worker id"  # identifies a member of staff
DATE_OF_BIRTH = "date of birth"
DATE_OF_DEATH = "date of death"
FREE_TEXT = "free text"  # whatever someone typed: may name a person, an address, a carer
IDENTIFIER_SENSITIVITIES = (PERSON_ID, RECORD_ID, WORKER_ID)

SEX = ("M", "F", "U", "I")
# CIN census disability codes; NONE records that the child has no disability.
DISABILITY = (
    "NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA",
)  # fmt: skip
# CIN census primary need N1-N9, and N0 (not stated), in every year's census from 2017-18.
PRIMARY_NEED = (*(f"N{i}" for i in range(1, 10)), "N0")
# CIN census reason for closure: RC1-RC8, and RC9 (case closed after assessment, referred to
# early help) from 2022-23 (orchestration/returns/specs/cin_census/2022-23.yaml).
CLOSE_REASON = tuple(f"RC{i}" for i in range(1, 10))
CP_CATEGORY = ("NEG", "PHY", "EMO", "SAB", "MUL")
START_REASON = ("S", "L", "P", "T", "U", "B")
# SSDA903 reason episode ceased (REC), every year's codes plus X1 (new episode same day): the
# special guardianship reasons E43 and E44 until 2017-18, E45-E48 from 2018-19 (the returns'
# year specs, orchestration/returns/specs/ssda903/).
CEASED_REASON = (
    "X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E43", "E44",
    "E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9",
)  # fmt: skip
# SSDA903 placement types (PLACE) of every year. A3-A6 are placements for adoption. H5 and P2
# are withdrawn and K3 added in 2024-25; Z1 is split into Z11-Z14 in 2025-26 (the returns' year
# specs): the contract keeps every year's codes, so a history of several years loads.
PLACEMENT_TYPE = (
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
    "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", "Z11", "Z12",
    "Z13", "Z14",
)  # fmt: skip
LEGAL_STATUS = (
    "C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4",
)  # fmt: skip
PERMANENCE_ORDER_TYPE = ("Adoption", "Special Guardianship", "Child Arrangements")
WORKFORCE_ROLE = ("social_worker", "senior_practitioner", "team_manager", "other")
IN_TOUCH = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
ACTIVITY = (
    "F1", "F2", "F3", "F4", "F5", "P1", "P2", "P3", "P4", "P5", "G4", "G5", "G6", "0",
)  # fmt: skip
YJ_OUTCOME_TYPE = (
    "youth_caution", "youth_conditional_caution", "court_sentence", "custody_release", "other",
)  # fmt: skip


# How an extract's rows say which months it covers (the coverage models in dbt read this from
# the sources YAML, generated from here).
FLOW = "flow"  # dated events: its activity date's months show where the extract begins
SNAPSHOT = "snapshot"  # one dated snapshot per month end: the months with a snapshot
REFERENCE = "reference"  # no months of its own (people, workers): only present or not


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False  # the column must be in the file and the value must not be blank
    codes: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    # One of the sensitivities above, or None for a value that identifies nobody (a code, a flag,
    # an event date, a team name).
    sensitivity: str | None = None
    # A date that records something that has happened, so it counts towards the date the
    # extracts were taken (CSC_DATA_AS_AT, when not set): not a date of birth or a due date.
    event: bool = True
    # A date that may lie after the day of loading (an expected date of birth, a review's due
    # date). Every other date after the day of loading rejects its row, as does any date before
    # 1900 (orchestration/ingest/schemas.py turns these into checks).
    future: bool = False
    # The date must be the last day of its month (a month-end snapshot).
    month_end: bool = False

    @property
    def identifying(self) -> bool:
        """True if a value of this column must never leave the working warehouse."""
        return self.sensitivity is not None

    @property
    def is_identifier(self) -> bool:
        """True for a person, record or worker identifier (the values the commentary check and
        the pseudonyms are about)."""
        return self.sensitivity in IDENTIFIER_SENSITIVITIES


@dataclass(frozen=True)
class Extract:
    name: str
    grain: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Pairs (start, end) where end should not be before start. A reversed pair does not reject
    # the row: the record stays in the warehouse and is left out of the measures that need that
    # interval, listed in audit.kpi_exclusions and audit.date_contradictions.
    date_order: tuple[tuple[str, str], ...] = field(default=())
    # Columns of which at least one must be filled (ssd_person: dob or expected dob), and the
    # reason a row with none of them is rejected (reported against the first of them).
    one_of: tuple[str, ...] = field(default=())
    one_of_reason: str = ""
    # What its rows are called in messages ("no referrals loaded").
    label: str = ""
    coverage: str = FLOW
    # SQL over the raw table's columns: the date whose months show which months the extract
    # covers. Chosen so that history carried in from before the extract's window cannot have
    # it: an end date (a referral, plan or episode open when the window began was closed, if
    # at all, inside it) or, for events that are never carried in, the event's own date.
    activity: str | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def identifying_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.identifying)


def _c(
    name,
    kind,
    required=False,
    codes=None,
    minimum=None,
    maximum=None,
    sensitivity=None,
    event=True,
    future=False,
    month_end=False,
) -> Column:
    # Every ID column identifies something: a record unless it says whose (person or worker).
    if kind == ID and sensitivity is None:
        sensitivity = RECORD_ID
    return Column(
        name, kind, required, codes, minimum, maximum, sensitivity, event, future, month_end
    )


def _person_id(name: str) -> Column:
    return _c(name, ID, True, sensitivity=PERSON_ID)


EXTRACTS: tuple[Extract, ...] = (
    Extract(
        "ssd_person",
        "child or young person",
        (
            _person_id("pers_person_id"),
            _c("pers_sex", CODE, codes=SEX),
            _c("pers_ethnicity", TEXT),
            _c("pers_dob", DATE, sensitivity=DATE_OF_BIRTH, event=False),
            _c("pers_expected_dob", DATE, sensitivity=DATE_OF_BIRTH, event=False, future=True),
            _c("pers_death_date", DATE, sensitivity=DATE_OF_DEATH),
        ),
        key=("pers_person_id",),
        date_order=(("pers_dob", "pers_death_date"),),
        one_of=("pers_dob", "pers_expected_dob"),
        one_of_reason="neither date of birth nor expected date of birth given",
        label="persons",
        coverage=REFERENCE,
    ),
    Extract(
        "ssd_disability",
        "recorded disability of a child (one row per child and disability)",
        (
            _person_id("disa_person_id"),
            _c("disa_disability_code", CODE, True, codes=DISABILITY),
        ),
        key=("disa_person_id", "disa_disability_code"),
        label="disability records",
        coverage=REFERENCE,
    ),
    Extract(
        "ssd_contacts",
        "contact about one child",
        (
            _c("cont_contact_id", ID, True),
            _person_id("cont_person_id"),
            _c("cont_contact_date", DATETIME, True),
            _c("cont_contact_source_code", TEXT),
            _c("cont_contact_outcome_json", TEXT, sensitivity=FREE_TEXT),
        ),
        key=("cont_contact_id",),
        label="contacts",
        activity="cont_contact_date",
    ),
    Extract(
        "ssd_cin_episodes",
        "referral (opens a CIN episode)",
        (
            _c("cine_referral_id", ID, True),
            _person_id("cine_person_id"),
            _c("cine_referral_date", DATETIME, True),
            _c("cine_referral_decision_date", DATETIME),
            _c("cine_referral_source_code", TEXT),
            _c("cine_referral_nfa", FLAG),
            _c("cine_cin_primary_need_code", CODE, codes=PRIMARY_NEED),
            _c("cine_close_date", DATE),
            _c("cine_close_reason", CODE, codes=CLOSE_REASON),
            _c("cine_referral_team", TEXT),
        ),
        key=("cine_referral_id",),
        # A decision before receipt is kept in raw and excluded from kpi_01 with a reason (the
        # KPI definitions' data-quality rule); a close before the referral is impossible.
        date_order=(("cine_referral_date", "cine_close_date"),),
        label="referrals",
        activity="cine_close_date",
    ),
    Extract(
        "ssd_cin_assessments",
        "continuous (single) assessment",
        (
            _c("cina_assessment_id", ID, True),
            _person_id("cina_person_id"),
            _c("cina_referral_id", ID),
            _c("cina_assessment_start_date", DATE, True),
            _c("cina_assessment_auth_date", DATE),
            _c("cina_assessment_team", TEXT),
        ),
        key=("cina_assessment_id",),
        label="assessments",
        activity="cina_assessment_auth_date",
    ),
    Extract(
        "ssd_s47_enquiry",
        "section 47 enquiry",
        (
            _c("s47e_s47_enquiry_id", ID, True),
            _person_id("s47e_person_id"),
            _c("s47e_referral_id", ID),
            _c("s47e_s47_start_date", DATE, True),
            _c("s47e_s47_end_date", DATE),
            _c("s47e_s47_nfa", FLAG),
        ),
        key=("s47e_s47_enquiry_id",),
        date_order=(("s47e_s47_start_date", "s47e_s47_end_date"),),
        label="S47 enquiries",
        activity="s47e_s47_end_date",
    ),
    Extract(
        "ssd_initial_cp_conference",
        "initial child protection conference",
        (
            _c("icpc_icpc_id", ID, True),
            _person_id("icpc_person_id"),
            _c("icpc_s47_enquiry_id", ID),
            _c("icpc_referral_id", ID),
            _c("icpc_icpc_transfer_in", FLAG),
            _c("icpc_icpc_date", DATE, True),
            _c("icpc_icpc_outcome_cp_flag", FLAG),
            _c("icpc_cp_plan_id", ID),
        ),
        key=("icpc_icpc_id",),
        label="initial CP conferences",
        activity="icpc_icpc_date",
    ),
    Extract(
        "ssd_cp_plans",
        "child protection plan",
        (
            _c("cppl_cp_plan_id", ID, True),
            _person_id("cppl_person_id"),
            _c("cppl_cp_plan_start_date", DATE, True),
            _c("cppl_cp_plan_end_date", DATE),
            _c("cppl_cp_plan_initial_category", CODE, codes=CP_CATEGORY),
            _c("cppl_cp_plan_latest_category", CODE, codes=CP_CATEGORY),
            _c("cppl_cp_plan_ola", FLAG),
        ),
        key=("cppl_cp_plan_id",),
        date_order=(("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),),
        label="CP plans",
        activity="cppl_cp_plan_end_date",
    ),
    Extract(
        "ssd_cla_episodes",
        "looked-after episode (SSDA903 episode)",
        (
            _c("clae_cla_episode_id", ID, True),
            _person_id("clae_person_id"),
            _c("clae_cla_id", ID, True),
            _c("clae_cla_episode_start_date", DATE, True),
            _c("clae_cla_episode_start_reason", CODE, True, codes=START_REASON),
            _c("clae_cla_episode_ceased_date", DATE),
            _c("clae_cla_episode_ceased_reason", CODE, codes=CEASED_REASON),
            _c("clae_entered_care_date", DATE),
            _c("clae_cla_placement_id", ID),
        ),
        key=("clae_cla_episode_id",),
        date_order=(("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),),
        label="looked-after episodes",
        # Leaving care, not a change of episode (X1): an extract holds the whole of each period
        # of care open in its window, so episodes that changed before the window can be in it,
        # but a period that ended before the window cannot.
        activity=(
            "case when clae_cla_episode_ceased_reason is distinct from 'X1' "
            "then clae_cla_episode_ceased_date end"
        ),
    ),
    Extract(
        "ssd_cla_placement",
        "placement",
        (
            _c("clap_cla_placement_id", ID, True),
            _c("clap_cla_id", ID, True),
            _person_id("clap_person_id"),
            _c("clap_cla_placement_start_date", DATE, True),
            _c("clap_cla_placement_end_date", DATE),
            _c("clap_cla_placement_type", CODE, True, codes=PLACEMENT_TYPE),
            _c("clap_cla_placement_provider", TEXT, sensitivity=FREE_TEXT),
            _c("clap_cla_placement_change_reason", TEXT, sensitivity=FREE_TEXT),
        ),
        key=("clap_cla_placement_id",),
        date_order=(("clap_cla_placement_start_date", "clap_cla_placement_end_date"),),
        label="placements",
        activity="clap_cla_placement_end_date",
    ),
    Extract(
        "ssd_legal_status",
        "legal status spell",
        (
            _c("lega_legal_status_id", ID, True),
            _person_id("lega_person_id"),
            _c("lega_legal_status", CODE, True, codes=LEGAL_STATUS),
            _c("lega_legal_status_start_date", DATE, True),
            _c("lega_legal_status_end_date", DATE),
        ),
        key=("lega_legal_status_id",),
        date_order=(("lega_legal_status_start_date", "lega_legal_status_end_date"),),
        label="legal status spells",
        activity="lega_legal_status_end_date",
    ),
    Extract(
        "ssd_cla_reviews",
        "looked-after review",
        (
            _c("clar_cla_review_id", ID, True),
            _c("clar_cla_id", ID, True),
            _c("clar_cla_review_date", DATE),
            # A review can be due after the extract was taken.
            _c("clar_cla_review_due_date", DATE, event=False, future=True),
            _c("clar_cla_review_cancelled", FLAG),
        ),
        key=("clar_cla_review_id",),
        label="looked-after reviews",
        activity="clar_cla_review_date",
    ),
    Extract(
        "ssd_permanence",
        "adoption / permanence journey",
        (
            _c("perm_table_id", ID, True),
            _person_id("perm_person_id"),
            _c("perm_cla_id", ID),
            _c("perm_adm_decision_date", DATE),
            _c("perm_placement_order_date", DATE),
            _c("perm_matched_date", DATE),
            _c("perm_placed_for_adoption_date", DATE),
            _c("perm_permanence_order_date", DATE),
            _c("perm_permanence_order_type", CODE, codes=PERMANENCE_ORDER_TYPE),
            _c("perm_decision_reversed_date", DATE),
        ),
        key=("perm_table_id",),
        label="permanence records",
        activity="perm_permanence_order_date",
    ),
    Extract(
        "ssd_professionals",
        "worker",
        (
            _c("prof_professional_id", ID, True, sensitivity=WORKER_ID),
            _c("prof_social_worker_registration_no", TEXT, sensitivity=WORKER_ID),
            _c("prof_professional_job_title", TEXT),
            _c("prof_professional_department", TEXT),
            _c("prof_full_time_equivalency", NUMBER, minimum=0, maximum=1.5),
            _c("prof_agency_worker_flag", FLAG),
        ),
        key=("prof_professional_id",),
        label="workers",
        coverage=REFERENCE,
    ),
    Extract(
        "ssd_involvements",
        "worker allocation to a child",
        (
            _c("invo_involvements_id", ID, True),
            _c("invo_professional_id", ID, True, sensitivity=WORKER_ID),
            _person_id("invo_person_id"),
            _c("invo_professional_role_id", TEXT),
            _c("invo_professional_team", TEXT),
            _c("invo_involvement_start_date", DATE, True),
            _c("invo_involvement_end_date", DATE),
        ),
        key=("invo_involvements_id",),
        date_order=(("invo_involvement_start_date", "invo_involvement_end_date"),),
        label="allocations",
        activity="invo_involvement_end_date",
    ),
    Extract(
        "ext_workforce_snapshots",
        "worker in post at a month end",
        (
            _c("snapshot_date", DATE, True, month_end=True),
            _c("prof_professional_id", ID, True, sensitivity=WORKER_ID),
            _c("role", CODE, True, codes=WORKFORCE_ROLE),
            _c("qualified_social_worker", FLAG, True),
            _c("agency_worker", FLAG, True),
            _c("fte", NUMBER, True, minimum=0, maximum=1.5),
            _c("team", TEXT),
            _c("long_term_absence", FLAG),
        ),
        key=("snapshot_date", "prof_professional_id"),
        label="workforce snapshots",
        coverage=SNAPSHOT,
        activity="snapshot_date",
    ),
    Extract(
        "ext_supervisions",
        "recorded formal supervision",
        (
            _c("supervision_id", ID, True),
            _c("prof_professional_id", ID, True, sensitivity=WORKER_ID),
            _c("supervision_date", DATE, True),
        ),
        key=("supervision_id",),
        label="supervisions",
        activity="supervision_date",
    ),
    Extract(
        "ext_care_leaver_outcomes",
        "care leaver at a birthday (SSDA903 OC3 item, one per birthday 17-21)",
        (
            _person_id("person_id"),
            _c("date_of_birth", DATE, True, sensitivity=DATE_OF_BIRTH, event=False),
            _c("birthday_age", INTEGER, True, minimum=17, maximum=21),
            _c("in_touch", CODE, True, codes=IN_TOUCH),
            _c("activity", CODE, codes=ACTIVITY),
            _c("accommodation", TEXT, sensitivity=FREE_TEXT),
        ),
        key=("person_id", "birthday_age"),
        label="care-leaver outcomes",
        # The birthday the outcome is recorded at.
        activity="date_of_birth + to_years(cast(birthday_age as integer))",
    ),
    Extract(
        "ext_yj_outcomes",
        "youth justice outcome (caution or sentence)",
        (
            _c("yj_outcome_id", ID, True),
            _person_id("yj_person_id"),
            _c("date_of_birth", DATE, True, sensitivity=DATE_OF_BIRTH, event=False),
            _c("offence_date", DATE, True),
            _c("outcome_date", DATE, True),
            _c("outcome_type", CODE, True, codes=YJ_OUTCOME_TYPE),
        ),
        key=("yj_outcome_id",),
        date_order=(("offence_date", "outcome_date"),),
        label="youth justice outcomes",
        activity="outcome_date",
    ),
)

EXTRACTS_BY_NAME: dict[str, Extract] = {e.name: e for e in EXTRACTS}
