"""Hand-written pandera models, one per extract, checked after each cell has been parsed.

Parsing (`parse.py`) has already turned text into types and rejected what does not parse, blank
required values and unknown codes; these models hold the rules that need the typed value or the
whole row: code lists and ranges (kept here too, so a Parquet file's typed values are held to the
same rules) and dates that cannot be true (before 1900, or after the day of loading where only a
forecast may be in the future). An end date before its start is not a rejection: the row loads
and the measures that need the interval leave it out (dbt: audit.kpi_exclusions,
audit.date_contradictions). `tests/test_ingest.py` checks that every model names exactly the
columns of its extract in `extracts.py`.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from orchestration import extracts as x

EARLIEST = pd.Timestamp("1900-01-01")


def _today() -> pd.Timestamp:
    # Called at validation time, never at import, so a long-running `dagster dev` stays correct.
    return pd.Timestamp.now().normalize() + pd.Timedelta(days=1)


def _plausible(series: pd.Series) -> pd.Series:
    return series.isna() | ((series >= EARLIEST) & (series < _today()))


def _not_before_1900(series: pd.Series) -> pd.Series:
    return series.isna() | (series >= EARLIEST)


def Id(**kwargs):  # noqa: N802 - reads as a type in the models below
    return pa.Field(nullable=False, str_length={"min_value": 1}, **kwargs)


def OptionalId():  # noqa: N802
    return pa.Field(nullable=True)


def Code(codes: tuple[str, ...], nullable: bool = True):  # noqa: N802
    return pa.Field(nullable=nullable, isin=list(codes))


def Optional():  # noqa: N802
    return pa.Field(nullable=True)


def Required():  # noqa: N802
    return pa.Field(nullable=False)


class ExtractModel(pa.DataFrameModel):
    class Config:
        # Extra columns are kept in raw and ignored downstream (source contract).
        strict = False
        coerce = False


class SsdPerson(ExtractModel):
    pers_person_id: Series[str] = Id()
    pers_sex: Series[str] = Code(x.SEX)
    pers_ethnicity: Series[str] = Optional()
    pers_dob: Series[pd.Timestamp] = Optional()
    pers_expected_dob: Series[pd.Timestamp] = Optional()
    pers_death_date: Series[pd.Timestamp] = Optional()

    @pa.check("pers_dob", "pers_death_date", name="date in the future or before 1900")
    def plausible_dates(cls, series):
        return _plausible(series)

    @pa.check("pers_expected_dob", name="date before 1900")
    def expected_dob_sane(cls, series):
        return _not_before_1900(series)

    @pa.dataframe_check(name="pers_dob: neither date of birth nor expected date of birth given")
    def has_a_birth_date(cls, df):
        return df["pers_dob"].notna() | df["pers_expected_dob"].notna()


class SsdDisability(ExtractModel):
    disa_person_id: Series[str] = Id()
    disa_disability_code: Series[str] = Code(x.DISABILITY, nullable=False)


class SsdContacts(ExtractModel):
    cont_contact_id: Series[str] = Id()
    cont_person_id: Series[str] = Id()
    cont_contact_date: Series[pd.Timestamp] = Required()
    cont_contact_source_code: Series[str] = Optional()
    cont_contact_outcome_json: Series[str] = Optional()

    @pa.check("cont_contact_date", name="date in the future or before 1900")
    def plausible_dates(cls, series):
        return _plausible(series)


class SsdCinEpisodes(ExtractModel):
    cine_referral_id: Series[str] = Id()
    cine_person_id: Series[str] = Id()
    cine_referral_date: Series[pd.Timestamp] = Required()
    cine_referral_decision_date: Series[pd.Timestamp] = Optional()
    cine_referral_source_code: Series[str] = Optional()
    cine_referral_nfa: Series[pd.BooleanDtype] = Optional()
    cine_cin_primary_need_code: Series[str] = Code(x.PRIMARY_NEED)
    cine_close_date: Series[pd.Timestamp] = Optional()
    cine_close_reason: Series[str] = Code(x.CLOSE_REASON)
    cine_referral_team: Series[str] = Optional()

    @pa.check(
        "cine_referral_date",
        "cine_referral_decision_date",
        "cine_close_date",
        name="date in the future or before 1900",
    )
    def plausible_dates(cls, series):
        return _plausible(series)


class SsdCinAssessments(ExtractModel):
    cina_assessment_id: Series[str] = Id()
    cina_person_id: Series[str] = Id()
    cina_referral_id: Series[str] = OptionalId()
    cina_assessment_start_date: Series[pd.Timestamp] = Required()
    cina_assessment_auth_date: Series[pd.Timestamp] = Optional()
    cina_assessment_team: Series[str] = Optional()

    @pa.check(
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
        name="date in the future or before 1900",
    )
    def plausible_dates(cls, series):
        return _plausible(series)

    # An authorisation before the start is kept: kpi_03 lists it in audit.kpi_exclusions with the
    # reason, as the KPI definitions' data-quality rule asks, so the analyst sees it beside the KPI.


class SsdS47Enquiry(ExtractModel):
    s47e_s47_enquiry_id: Series[str] = Id()
    s47e_person_id: Series[str] = Id()
    s47e_referral_id: Series[str] = OptionalId()
    s47e_s47_start_date: Series[pd.Timestamp] = Required()
    s47e_s47_end_date: Series[pd.Timestamp] = Optional()
    s47e_s47_nfa: Series[pd.BooleanDtype] = Optional()

    @pa.check("s47e_s47_start_date", "s47e_s47_end_date", name="date in the future or before 1900")
    def plausible_dates(cls, series):
        return _plausible(series)


class SsdInitialCpConference(ExtractModel):
    icpc_icpc_id: Series[str] = Id()
    icpc_person_id: Series[str] = Id()
    icpc_s47_enquiry_id: Series[str] = OptionalId()
    icpc_referral_id: Series[str] = OptionalId()
    icpc_icpc_transfer_in: Series[pd.BooleanDtype] = Optional()
    icpc_icpc_date: Series[pd.Timestamp] = Required()
    icpc_icpc_outcome_cp_flag: Series[pd.BooleanDtype] = Optional()
    icpc_cp_plan_id: Series[str] = OptionalId()

    @pa.check("icpc_icpc_date", name="date in the future or before 1900")
    def plausible_dates(cls, series):
        return _plausible(series)


class SsdCpPlans(ExtractModel):
    cppl_cp_plan_id: Series[str] = Id()
    cppl_person_id: Series[str] = Id()
    cppl_cp_plan_start_date: Series[pd.Timestamp] = Required()
    cppl_cp_plan_end_date: Series[pd.Timestamp] = Optional()
    cppl_cp_plan_initial_category: Series[str] = Code(x.CP_CATEGORY)
    cppl_cp_plan_latest_category: Series[str] = Code(x.CP_CATEGORY)
    cppl_cp_plan_ola: Series[pd.BooleanDtype] = Optional()

    @pa.check(
        "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", name="date in the future or before 1900"
    )
    def plausible_dates(cls, series):
        return _plausible(series)


class SsdClaEpisodes(ExtractModel):
    clae_cla_episode_id: Series[str] = Id()
    clae_person_id: Series[str] = Id()
    clae_cla_id: Series[str] = Id()
    clae_cla_episode_start_date: Series[pd.Timestamp] = Required()
    clae_cla_episode_start_reason: Series[str] = Code(x.START_REASON, nullable=False)
    clae_cla_episode_ceased_date: Series[pd.Timestamp] = Optional()
    clae_cla_episode_ceased_reason: Series[str] = Code(x.CEASED_REASON)
    clae_entered_care_date: Series[pd.Timestamp] = Optional()
    clae_cla_placement_id: Series[str] = OptionalId()

    @pa.check(
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "clae_entered_care_date",
        name="date in the future or before 1900",
    )
    def plausible_dates(cls, series):
        return _plausible(series)


class SsdClaPlacement(ExtractModel):
    clap_cla_placement_id: Series[str] = Id()
    clap_cla_id: Series[str] = Id()
    clap_person_id: Series[str] = Id()
    clap_cla_placement_start_date: Series[pd.Timestamp] = Required()
    clap_cla_placement_end_date: Series[pd.Timestamp] = Optional()
    clap_cla_placement_type: Series[str] = Code(x.PLACEMENT_TYPE, nullable=False)
    clap_cla_placement_provider: Series[str] = Optional()
    clap_cla_placement_change_reason: Series[str] = Optional()

    @pa.check(
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
        name="date in the future or before 1900",
    )
    def plausible_dates(cls, series):
        return _plausible(series)


class SsdLegalStatus(ExtractModel):
    lega_legal_status_id: Series[str] = Id()
    lega_person_id: Series[str] = Id()
    lega_legal_status: Series[str] = Code(x.LEGAL_STATUS, nullable=False)
    lega_legal_status_start_date: Series[pd.Timestamp] = Required()
    lega_legal_status_end_date: Series[pd.Timestamp] = Optional()

    @pa.check(
        "lega_legal_status_start_date",
        "lega_legal_status_end_date",
        name="date in the future or before 1900",
    )
    def plausible_dates(cls, series):
        return _plausible(series)


class SsdClaReviews(ExtractModel):
    clar_cla_review_id: Series[str] = Id()
    clar_cla_id: Series[str] = Id()
    clar_cla_review_date: Series[pd.Timestamp] = Optional()
    clar_cla_review_due_date: Series[pd.Timestamp] = Optional()
    clar_cla_review_cancelled: Series[pd.BooleanDtype] = Optional()

    @pa.check("clar_cla_review_date", name="date in the future or before 1900")
    def plausible_dates(cls, series):
        return _plausible(series)

    @pa.check("clar_cla_review_due_date", name="date before 1900")
    def due_date_sane(cls, series):
        # A review can be due after the extract was taken; only an absurd past date is wrong.
        return _not_before_1900(series)


class SsdPermanence(ExtractModel):
    perm_table_id: Series[str] = Id()
    perm_person_id: Series[str] = Id()
    perm_cla_id: Series[str] = OptionalId()
    perm_adm_decision_date: Series[pd.Timestamp] = Optional()
    perm_placement_order_date: Series[pd.Timestamp] = Optional()
    perm_matched_date: Series[pd.Timestamp] = Optional()
    perm_placed_for_adoption_date: Series[pd.Timestamp] = Optional()
    perm_permanence_order_date: Series[pd.Timestamp] = Optional()
    perm_permanence_order_type: Series[str] = Code(x.PERMANENCE_ORDER_TYPE)
    perm_decision_reversed_date: Series[pd.Timestamp] = Optional()

    @pa.check(
        "perm_adm_decision_date",
        "perm_placement_order_date",
        "perm_matched_date",
        "perm_placed_for_adoption_date",
        "perm_permanence_order_date",
        "perm_decision_reversed_date",
        name="date in the future or before 1900",
    )
    def plausible_dates(cls, series):
        return _plausible(series)

    # A match recorded before the placement order is legitimate (A2 counts it as 0 days), so no
    # order check between those two dates.


class SsdProfessionals(ExtractModel):
    prof_professional_id: Series[str] = Id()
    prof_social_worker_registration_no: Series[str] = Optional()
    prof_professional_job_title: Series[str] = Optional()
    prof_professional_department: Series[str] = Optional()
    prof_full_time_equivalency: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0, le=1.5)
    prof_agency_worker_flag: Series[pd.BooleanDtype] = Optional()


class SsdInvolvements(ExtractModel):
    invo_involvements_id: Series[str] = Id()
    invo_professional_id: Series[str] = Id()
    invo_person_id: Series[str] = Id()
    invo_professional_role_id: Series[str] = Optional()
    invo_professional_team: Series[str] = Optional()
    invo_involvement_start_date: Series[pd.Timestamp] = Required()
    invo_involvement_end_date: Series[pd.Timestamp] = Optional()

    @pa.check(
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        name="date in the future or before 1900",
    )
    def plausible_dates(cls, series):
        return _plausible(series)


class ExtWorkforceSnapshots(ExtractModel):
    snapshot_date: Series[pd.Timestamp] = Required()
    prof_professional_id: Series[str] = Id()
    role: Series[str] = Code(x.WORKFORCE_ROLE, nullable=False)
    qualified_social_worker: Series[pd.BooleanDtype] = Required()
    agency_worker: Series[pd.BooleanDtype] = Required()
    fte: Series[pd.Float64Dtype] = pa.Field(nullable=False, ge=0, le=1.5)
    team: Series[str] = Optional()
    long_term_absence: Series[pd.BooleanDtype] = Optional()

    @pa.check("snapshot_date", name="date in the future or before 1900")
    def plausible_dates(cls, series):
        return _plausible(series)

    @pa.check("snapshot_date", name="not a month end")
    def month_end(cls, series):
        return series.isna() | series.dt.is_month_end


class ExtSupervisions(ExtractModel):
    supervision_id: Series[str] = Id()
    prof_professional_id: Series[str] = Id()
    supervision_date: Series[pd.Timestamp] = Required()

    @pa.check("supervision_date", name="date in the future or before 1900")
    def plausible_dates(cls, series):
        return _plausible(series)


class ExtCareLeaverOutcomes(ExtractModel):
    person_id: Series[str] = Id()
    date_of_birth: Series[pd.Timestamp] = Required()
    birthday_age: Series[pd.Int64Dtype] = pa.Field(nullable=False, ge=17, le=21)
    in_touch: Series[str] = Code(x.IN_TOUCH, nullable=False)
    activity: Series[str] = Code(x.ACTIVITY)
    accommodation: Series[str] = Optional()

    @pa.check("date_of_birth", name="date in the future or before 1900")
    def plausible_dates(cls, series):
        return _plausible(series)


class ExtYjOutcomes(ExtractModel):
    yj_outcome_id: Series[str] = Id()
    yj_person_id: Series[str] = Id()
    date_of_birth: Series[pd.Timestamp] = Required()
    offence_date: Series[pd.Timestamp] = Required()
    outcome_date: Series[pd.Timestamp] = Required()
    outcome_type: Series[str] = Code(x.YJ_OUTCOME_TYPE, nullable=False)

    @pa.check(
        "date_of_birth", "offence_date", "outcome_date", name="date in the future or before 1900"
    )
    def plausible_dates(cls, series):
        return _plausible(series)


MODELS: dict[str, type[ExtractModel]] = {
    "ssd_person": SsdPerson,
    "ssd_disability": SsdDisability,
    "ssd_contacts": SsdContacts,
    "ssd_cin_episodes": SsdCinEpisodes,
    "ssd_cin_assessments": SsdCinAssessments,
    "ssd_s47_enquiry": SsdS47Enquiry,
    "ssd_initial_cp_conference": SsdInitialCpConference,
    "ssd_cp_plans": SsdCpPlans,
    "ssd_cla_episodes": SsdClaEpisodes,
    "ssd_cla_placement": SsdClaPlacement,
    "ssd_legal_status": SsdLegalStatus,
    "ssd_cla_reviews": SsdClaReviews,
    "ssd_permanence": SsdPermanence,
    "ssd_professionals": SsdProfessionals,
    "ssd_involvements": SsdInvolvements,
    "ext_workforce_snapshots": ExtWorkforceSnapshots,
    "ext_supervisions": ExtSupervisions,
    "ext_care_leaver_outcomes": ExtCareLeaverOutcomes,
    "ext_yj_outcomes": ExtYjOutcomes,
}
