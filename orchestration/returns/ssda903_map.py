"""SSDA903 records into the contract's extracts: the child (ssd_person), the episodes and what the
episodes imply (periods of care, placements, legal status spells), reviews, care leavers'
outcomes at their birthdays, adoption journeys and the orders that end care, and (from 2023-24)
the allocated social worker episodes.

The return ids only the child; every other id is built from the child and a date (ids.py).
Episodes chain into periods of care, placements and legal status spells (ssda903_periods.py). A
period whose first known episode does not start with S began before the episodes loaded: its
entered-care date is left blank (unknown) until an earlier year's return shows it.

derive_tables works on the records of one return or of several years combined (combine.py), so
a child's episodes across years chain into one period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from orchestration.returns import ids
from orchestration.returns.collection_years import march_year_bounds
from orchestration.returns.results import MappedReturn, Rejection, Source, contract_row
from orchestration.returns.ssda903_periods import (
    Period,
    latest_period_before,
    legal_status_runs,
    period_at,
    periods_of_care,
    placement_runs,
)
from orchestration.returns.year_specs import SSDA903

# The fields of each table the mapping loads, and so checks against the year's specification.
FIELDS_READ = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC"),
    "episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
    ),
    "reviews": ("CHILD", "REVIEW"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("CHILD", "DATE_INT", "DATE_MATCH"),
    "placed_for_adoption": ("CHILD", "DATE_PLACED", "DATE_PLACED_CEASED"),
    "sw_episodes": ("CHILD", "SW_ID", "SW_DECOM", "SW_DEC"),
}
# Tables the contract has no extract for: read, counted, not loaded.
NOT_LOADED = {
    "uasc": "the contract has no extract for unaccompanied asylum-seeking status",
    "oc2": "the contract has no extract for health and offending outcomes (OC2)",
    "previous_permanence": "the contract has no extract for permanence before care",
    "missing": "the contract has no extract for missing or away-from-placement episodes",
}
# Each table's natural key in the return, for combining years (combine.py): a later year's record
# replaces an earlier year's with the same key. OC3 outcomes are one per year (a birthday).
RECORD_KEYS = {
    "header": ("CHILD",),
    "episodes": ("CHILD", "DECOM"),
    "reviews": ("CHILD", "REVIEW"),
    "oc3": ("CHILD", "__year__"),
    "ad1": ("CHILD", "DATE_INT"),
    "placed_for_adoption": ("CHILD", "DATE_PLACED"),
    "sw_episodes": ("CHILD", "SW_ID", "SW_DECOM"),
}
# The rejection of a review that no period of care of the child contains: made again when years
# are combined, as an earlier year's episodes may hold its period.
NO_PERIOD = "the review's date is in none of the child's periods of care in the episodes read"
# A review dated after its return's collection year ends cannot be one the return reports (Data
# to Insight's fake return has reviews dated years later, some in the future).
AFTER_YEAR = "the review is dated after its return's collection year ends"
# Rejections made when the records are placed, made again when several years are combined.
PLACING = (NO_PERIOD, AFTER_YEAR)
PLACED_FOR_ADOPTION = frozenset(("A3", "A4", "A5", "A6"))
ADOPTED = frozenset(("E11", "E12"))
ORDER_TYPES = {
    "E41": "Child Arrangements",
    **{code: "Special Guardianship" for code in ("E43", "E44", "E45", "E46", "E47", "E48")},
}


def derive(result: MappedReturn) -> None:
    """Fill `result.tables` from its validated records; mark the records mapped or rejected."""
    tables, rejections, mapped = derive_tables(result.records)
    result.tables = tables
    result.rejections.extend(rejections)
    for rejection in rejections:
        result.ledger.rejected(rejection.source)
    for source in mapped:
        result.ledger.mapped(source)


def derive_tables(records: list) -> tuple[dict[str, list[dict]], list[Rejection], list[Source]]:
    by_table: dict[str, list] = defaultdict(list)
    for record in records:
        by_table[record.table].append(record)
    out = _Out()
    for record in by_table["header"]:
        v = record.values
        out.add(
            "ssd_person",
            {
                "pers_person_id": v["CHILD"],
                "pers_sex": v["SEX"],
                "pers_dob": v["DOB"],
                "pers_ethnicity": v["ETHNIC"],
            },
            record,
        )
    periods = periods_of_care(by_table["episodes"])
    for child_periods in periods.values():
        for period in child_periods:
            _episode_rows(period, out)
    for record in by_table["reviews"]:
        _review_row(record, periods, out)
    for record in by_table["oc3"]:
        _care_leaver_row(record, out)
    _permanence_rows(by_table["ad1"], by_table["placed_for_adoption"], periods, out)
    for record in by_table["sw_episodes"]:
        v = record.values
        out.add(
            "ssd_involvements",
            {
                "invo_involvements_id": ids.involvement(v["CHILD"], v["SW_ID"], v["SW_DECOM"]),
                "invo_professional_id": v["SW_ID"],
                "invo_person_id": v["CHILD"],
                # An SSDA903 SW episode is the child's allocated social worker.
                "invo_professional_role_id": "ALLOCATED_CASE_WORKER",
                "invo_involvement_start_date": v["SW_DECOM"],
                "invo_involvement_end_date": v["SW_DEC"],
            },
            record,
        )
    return out.tables, out.rejections, out.mapped


class _Out:
    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = {}
        self.rejections: list[Rejection] = []
        self.mapped: list[Source] = []

    def add(self, extract: str, values: dict, record) -> None:
        row = contract_row(extract, values, record.source, SSDA903, record.year)
        self.tables.setdefault(extract, []).append(row)
        self.mapped.append(record.source)

    def used(self, record) -> None:
        self.mapped.append(record.source)

    def reject(self, record, field_name: str, reason: str, extract: str) -> None:
        self.rejections.append(
            Rejection(
                record.source,
                field_name,
                record.raw.get(field_name),
                reason,
                SSDA903,
                record.year,
                extract=extract,
            )
        )


def _episode_rows(period: Period, out: _Out) -> None:
    child = period.child
    first = period.episodes[0].values
    entered_care = first["DECOM"] if first["RNE"] == "S" else None
    placement_of = {}
    for run in placement_runs(period):
        start, last = run[0].values, run[-1].values
        placement_id = ids.placement(child, start["DECOM"])
        for record in run:
            placement_of[id(record)] = placement_id
        out.add(
            "ssd_cla_placement",
            {
                "clap_cla_placement_id": placement_id,
                "clap_cla_id": period.id,
                "clap_person_id": child,
                "clap_cla_placement_start_date": start["DECOM"],
                "clap_cla_placement_end_date": last["DEC"],
                "clap_cla_placement_type": start["PLACE"],
                "clap_cla_placement_provider": start["PLACE_PROVIDER"],
                # The reason is recorded on the episode whose placement ended (DfE's rule: required
                # when the next episode starts with a placement change).
                "clap_cla_placement_change_reason": last["REASON_PLACE_CHANGE"],
            },
            run[0],
        )
    for run in legal_status_runs(period):
        start, last = run[0].values, run[-1].values
        out.add(
            "ssd_legal_status",
            {
                "lega_legal_status_id": ids.legal_status(child, start["DECOM"]),
                "lega_person_id": child,
                "lega_legal_status": start["LS"],
                "lega_legal_status_start_date": start["DECOM"],
                "lega_legal_status_end_date": last["DEC"],
            },
            run[0],
        )
    for record in period.episodes:
        v = record.values
        out.add(
            "ssd_cla_episodes",
            {
                "clae_cla_episode_id": ids.episode(child, v["DECOM"]),
                "clae_person_id": child,
                "clae_cla_id": period.id,
                "clae_cla_episode_start_date": v["DECOM"],
                "clae_cla_episode_start_reason": v["RNE"],
                "clae_cla_episode_ceased_date": v["DEC"],
                "clae_cla_episode_ceased_reason": v["REC"],
                "clae_entered_care_date": entered_care,
                "clae_cla_placement_id": placement_of[id(record)],
            },
            record,
        )
        if v["REC"] in ORDER_TYPES and v["DEC"]:
            out.add(
                "ssd_permanence",
                {
                    "perm_table_id": ids.permanence_order(child, v["DEC"]),
                    "perm_person_id": child,
                    "perm_cla_id": period.id,
                    "perm_permanence_order_date": v["DEC"],
                    "perm_permanence_order_type": ORDER_TYPES[v["REC"]],
                },
                record,
            )


def _review_row(record, periods, out: _Out) -> None:
    v = record.values
    if record.year and v["REVIEW"] and v["REVIEW"] > march_year_bounds(record.year)[1].isoformat():
        out.reject(record, "REVIEW", AFTER_YEAR, "ssd_cla_reviews")
        return
    period = period_at(periods, v["CHILD"], v["REVIEW"])
    if period is None:
        out.reject(record, "REVIEW", NO_PERIOD, "ssd_cla_reviews")
        return
    out.add(
        "ssd_cla_reviews",
        {
            "clar_cla_review_id": ids.review(v["CHILD"], v["REVIEW"]),
            "clar_cla_id": period.id,
            "clar_cla_review_date": v["REVIEW"],
        },
        record,
    )


def birthday_age(date_of_birth: str, year: str) -> int:
    """The age the young person reaches at their birthday in the collection year (OC3 is
    completed for the 17th to 21st birthdays falling in the year). 29 February counts as 28
    February in a year without one."""
    start, end = march_year_bounds(year)
    born = dt.date.fromisoformat(date_of_birth)
    for calendar_year in (end.year, start.year):
        try:
            birthday = born.replace(year=calendar_year)
        except ValueError:
            birthday = dt.date(calendar_year, 2, 28)
        if start <= birthday <= end:
            return calendar_year - born.year
    raise AssertionError("every date has a birthday in any 12-month year")


def _care_leaver_row(record, out: _Out) -> None:
    v = record.values
    out.add(
        "ext_care_leaver_outcomes",
        {
            "person_id": v["CHILD"],
            "date_of_birth": v["DOB"],
            "birthday_age": str(birthday_age(v["DOB"], record.year)),
            "in_touch": v["IN_TOUCH"],
            "activity": v["ACTIV"],
            "accommodation": v["ACCOM"],
        },
        record,
    )


def _permanence_rows(adopted: list, decisions: list, periods, out: _Out) -> None:
    """One adoption journey per child and decision that they should be placed for adoption (the
    date is AD1's DATE_INT and PLACED_ADOPTION's DATE_PLACED, which DfE's rules say are the same
    decision): its match (AD1), reversal (PLACED_ADOPTION), and from the episodes of its period
    the placement order (legal status E1), the move to the adoptive family (a placement A3-A6)
    and the adoption (an episode ending E11 or E12)."""
    journeys: dict[tuple[str, str], dict] = {}
    for record in decisions:
        v = record.values
        journey = journeys.setdefault((v["CHILD"], v["DATE_PLACED"]), {"records": []})
        journey["reversed"] = v["DATE_PLACED_CEASED"]
        journey["records"].append(record)
    for record in adopted:
        v = record.values
        journey = journeys.setdefault((v["CHILD"], v["DATE_INT"]), {"records": []})
        journey["matched"] = v["DATE_MATCH"]
        # The adoption record is the journey's source row: it is the fuller of the two.
        journey["records"].insert(0, record)
    for (child, decision), journey in journeys.items():
        period = period_at(periods, child, decision) or latest_period_before(
            periods, child, decision
        )
        values = {
            "perm_table_id": ids.permanence(child, decision),
            "perm_person_id": child,
            "perm_adm_decision_date": decision,
            "perm_matched_date": journey.get("matched"),
            "perm_decision_reversed_date": journey.get("reversed"),
        }
        if period is not None:
            values.update(_journey_from_episodes(period, decision))
        out.add("ssd_permanence", values, journey["records"][0])
        for record in journey["records"][1:]:
            out.used(record)


def _journey_from_episodes(period: Period, decision: str) -> dict:
    episodes = [r.values for r in period.episodes]
    placement_order = next((e["DECOM"] for e in episodes if e["LS"] == "E1"), None)
    placed = next(
        (
            e["DECOM"]
            for e in episodes
            if e["PLACE"] in PLACED_FOR_ADOPTION and e["DECOM"] >= decision
        ),
        None,
    )
    adopted = next((e["DEC"] for e in episodes if e["REC"] in ADOPTED and e["DEC"]), None)
    return {
        "perm_cla_id": period.id,
        "perm_placement_order_date": placement_order,
        "perm_placed_for_adoption_date": placed,
        "perm_permanence_order_date": adopted,
        "perm_permanence_order_type": "Adoption" if adopted else None,
    }
