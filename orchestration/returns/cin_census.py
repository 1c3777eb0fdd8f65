"""The children in need census XML (a Message with Children) into the contract's extracts: the
child (ssd_person) and its disabilities (ssd_disability), each CIN episode (ssd_cin_episodes:
the referral that opened it), its assessments, section 47 enquiries, initial child protection
conferences and CP plans.

The census ids only the child (LAchildID); the other ids are the child and the record's date
(ids.py), the same as Annex A's for the same record. An ICPC is the Section47 block's
DateOfInitialCPC; the episode's own DateOfInitialCPC, where no S47 of the episode names that
date, is an ICPC without an enquiry in the year. Its outcome is a CP plan when one of the child's
plans starts on the conference's date (the census records no outcome; DfE's rules make a plan
start on the day of the conference that decided it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from orchestration.returns import ids
from orchestration.returns.collection_years import label_ending
from orchestration.returns.results import FileAccount, MappedReturn, Rejection, contract_row
from orchestration.returns.safe_xml import XmlFileError, parse_xml
from orchestration.returns.xml_records import header_text, validate_records, walk_records
from orchestration.returns.year_specs import CIN_CENSUS, UnknownYear, load_spec

RECOGNISED_AS = "CIN census XML"
NOT_LOADED = {
    "cp_plan_review": "the contract has no extract for CP plan reviews",
    "cin_plan": "the contract has no extract for CIN plans",
}


def read_cin_census(path: Path, name: str | None = None, year: str | None = None) -> MappedReturn:
    name = name or path.name
    account = FileAccount(name, RECOGNISED_AS, CIN_CENSUS)
    result = MappedReturn(CIN_CENSUS, None, [account])
    try:
        root = parse_xml(path)
        result.year = year or census_year(root, month=3)
        spec = load_spec(CIN_CENSUS, result.year)
    except (XmlFileError, UnknownYear, ValueError) as exc:
        account.error = str(exc)
        return result
    account.year = result.year
    records = walk_records(root, spec.body["records"], name)
    validate_records(records, spec, result, NOT_LOADED)
    _map(records, result)
    result.ledger.fill(account)
    return result


def census_year(root, month: int) -> str:
    """The collection year from the message's Header: its ReferenceDate (the day the year ends),
    or else its Year (the calendar year the census year ends in)."""
    reference = header_text(root, "Header/CollectionDetails/ReferenceDate")
    if reference:
        try:
            return label_ending(dt.date.fromisoformat(reference))
        except ValueError:
            raise ValueError("the Header's ReferenceDate is not a date (YYYY-MM-DD)") from None
    year = header_text(root, "Header/CollectionDetails/Year")
    if year and year.isdigit():
        return label_ending(dt.date(int(year), month, 28))
    raise ValueError("the Header has neither a ReferenceDate nor a Year: the year cannot be read")


def _map(records, result: MappedReturn) -> None:
    ledger = result.ledger

    def add(extract, values, record):
        row = contract_row(extract, values, record.source, CIN_CENSUS, result.year)
        result.tables.setdefault(extract, []).append(row)
        ledger.mapped(record.source)

    def parent_rejected(record) -> bool:
        for kind in ("child", "cin_details"):
            parent = record.ancestor(kind)
            if parent is not None and parent.values is None:
                what = "child" if kind == "child" else "CIN episode (CINdetails)"
                result.rejections.append(
                    Rejection(
                        record.source,
                        None,
                        None,
                        f"its {what} was rejected",
                        CIN_CENSUS,
                        result.year,
                    )
                )
                ledger.rejected(record.source)
                return True
        return False

    plan_starts: dict[str, set[str]] = {}
    for record in records:
        if record.kind == "cp_plan" and record.values:
            child = record.ancestor("child")
            if child is not None and child.values:
                child_id = child.values["ChildIdentifiers/LAchildID"]
                plan_starts.setdefault(child_id, set()).add(record.values["CPPstartDate"])

    for record in records:
        if record.values is None or record.kind in NOT_LOADED or parent_rejected(record):
            continue
        v = record.values
        if record.kind == "child":
            sex = v.get("ChildIdentifiers/Sex") or v.get("ChildIdentifiers/GenderCurrent")
            add(
                "ssd_person",
                {
                    "pers_person_id": v["ChildIdentifiers/LAchildID"],
                    "pers_sex": sex,
                    "pers_ethnicity": v["ChildCharacteristics/Ethnicity"],
                    "pers_dob": v["ChildIdentifiers/PersonBirthDate"],
                    "pers_expected_dob": v["ChildIdentifiers/ExpectedPersonBirthDate"],
                    "pers_death_date": v["ChildIdentifiers/PersonDeathDate"],
                },
                record,
            )
            continue
        child = record.ancestor("child").values["ChildIdentifiers/LAchildID"]
        if record.kind == "disability":
            add(
                "ssd_disability",
                {"disa_person_id": child, "disa_disability_code": v["Disability"]},
                record,
            )
            continue
        episode = record if record.kind == "cin_details" else record.ancestor("cin_details")
        referral_date = episode.values["CINreferralDate"]
        referral_id = ids.referral(child, referral_date)
        if record.kind == "cin_details":
            add(
                "ssd_cin_episodes",
                {
                    "cine_referral_id": referral_id,
                    "cine_person_id": child,
                    "cine_referral_date": referral_date,
                    "cine_referral_source_code": v["ReferralSource"],
                    "cine_referral_nfa": v["ReferralNFA"],
                    "cine_cin_primary_need_code": v["PrimaryNeedCode"],
                    "cine_close_date": v["CINclosureDate"],
                    "cine_close_reason": v["ReasonForClosure"],
                },
                record,
            )
            s47_icpcs = {
                c.values["DateOfInitialCPC"]
                for c in record.children
                if c.kind == "section47" and c.values and c.values["DateOfInitialCPC"]
            }
            held = v["DateOfInitialCPC"]
            if held and held not in s47_icpcs:
                add(
                    "ssd_initial_cp_conference",
                    _icpc(child, held, None, referral_id, plan_starts),
                    record,
                )
        elif record.kind == "assessment":
            add(
                "ssd_cin_assessments",
                {
                    "cina_assessment_id": ids.assessment(child, v["AssessmentActualStartDate"]),
                    "cina_person_id": child,
                    "cina_referral_id": referral_id,
                    "cina_assessment_start_date": v["AssessmentActualStartDate"],
                    "cina_assessment_auth_date": v["AssessmentAuthorisationDate"],
                },
                record,
            )
        elif record.kind == "section47":
            s47_id = ids.s47(child, v["S47ActualStartDate"])
            add(
                "ssd_s47_enquiry",
                {
                    "s47e_s47_enquiry_id": s47_id,
                    "s47e_person_id": child,
                    "s47e_referral_id": referral_id,
                    "s47e_s47_start_date": v["S47ActualStartDate"],
                },
                record,
            )
            if v["DateOfInitialCPC"]:
                add(
                    "ssd_initial_cp_conference",
                    _icpc(child, v["DateOfInitialCPC"], s47_id, referral_id, plan_starts),
                    record,
                )
        elif record.kind == "cp_plan":
            add(
                "ssd_cp_plans",
                {
                    "cppl_cp_plan_id": ids.cp_plan(child, v["CPPstartDate"]),
                    "cppl_person_id": child,
                    "cppl_cp_plan_start_date": v["CPPstartDate"],
                    "cppl_cp_plan_end_date": v["CPPendDate"],
                    "cppl_cp_plan_initial_category": v["InitialCategoryOfAbuse"],
                    "cppl_cp_plan_latest_category": v["LatestCategoryOfAbuse"],
                },
                record,
            )


def _icpc(child, held, s47_id, referral_id, plan_starts) -> dict:
    return {
        "icpc_icpc_id": ids.icpc(child, held),
        "icpc_person_id": child,
        "icpc_s47_enquiry_id": s47_id,
        "icpc_referral_id": referral_id,
        "icpc_icpc_date": held,
        "icpc_icpc_outcome_cp_flag": "Y" if held in plan_starts.get(child, ()) else "N",
    }
