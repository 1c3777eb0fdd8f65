"""Ofsted's Annex A workbook: Social Finance's sample (tests/fixtures/real-format) and small
workbooks made here with openpyxl. Independent row counts use openpyxl directly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from orchestration.returns.annex_a import read_annex_a

SAMPLE = (
    Path(__file__).parent
    / "fixtures"
    / "real-format"
    / "annex-a-liia-sample"
    / "Annex_A_2024_Jan.xlsx"
)


@pytest.fixture(scope="module")
def sample():
    return read_annex_a(SAMPLE)


def test_sample_every_row_accounted_for(sample):
    (account,) = sample.files
    workbook = openpyxl.load_workbook(SAMPLE, read_only=True)
    data_rows = sum(
        sum(
            1
            for row in sheet.iter_rows(min_row=2, values_only=True)
            if any(v is not None for v in row)
        )
        for sheet in workbook.worksheets
    )
    assert account.read == data_rows == 59
    assert account.balanced, account.summary()
    # Lists 2 (early help), 9 (care leavers now) and 11 (adopters): 5 + 6 + 5 rows, not loaded.
    assert account.not_loaded == 16
    # List 6 row 2's need code "PSRMEM - Support with memory and cognition" is no CIN need code.
    (rejection,) = sample.rejections
    assert (rejection.source.ref, rejection.source.row, rejection.field) == (
        "List 6",
        2,
        "Primary Need Code",
    )


def test_sample_value_forms(sample):
    tables = sample.tables
    persons = {r["pers_person_id"]: r for r in tables["ssd_person"]}
    # List 1 row 2: 9212044, "Female", "a) WBRI", 25/01/2015; row 3: "b) Female", no birth date.
    assert (persons["9212044"]["pers_sex"], persons["9212044"]["pers_ethnicity"]) == ("F", "WBRI")
    assert persons["9212044"]["pers_dob"] == "2015-01-25"
    assert persons["11973218"]["pers_sex"] == "F"
    contact = next(r for r in tables["ssd_contacts"] if r["cont_person_id"] == "9212044")
    assert contact["cont_contact_source_code"] == "6"  # "q) 6: Police"
    referral = next(r for r in tables["ssd_cin_episodes"] if r["cine_person_id"] == "6537810")
    assert (referral["cine_referral_nfa"], referral["cine_referral_source_code"]) == ("N", "8")
    plan = next(r for r in tables["ssd_cp_plans"] if r["cppl_person_id"] == "10721552")
    assert plan["cppl_cp_plan_initial_category"] == "PHY"  # "Physical abuse"
    episode = next(r for r in tables["ssd_cla_episodes"] if r["clae_person_id"] == "3623204")
    # List 8 row 6: looked after from 22/10/2008, ceased 22/09/2020, "k) E47: ...".
    assert (episode["clae_cla_episode_start_date"], episode["clae_cla_episode_ceased_reason"]) == (
        "2008-10-22",
        "E47",
    )
    placement = next(r for r in tables["ssd_cla_placement"] if r["clap_person_id"] == "3623204")
    assert (placement["clap_cla_placement_type"], placement["clap_cla_placement_provider"]) == (
        "H5",
        "PR4",
    )
    # List 10's dates are formulas (=H2+5) with saved values: the values are read.
    adoption = next(r for r in tables["ssd_permanence"] if r["perm_person_id"] == "7961370")
    assert adoption["perm_placement_order_date"] == "2009-08-16"
    # The latest event date (2021-03-15, List 6) puts the workbook in 2020-21.
    assert sample.year == "2020-21"


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


REFERRALS = ["Child Unique ID", "Gender", "Date of Birth", "Date of Referral", "Referral Source"]


def test_unrecognisable_header_fails_that_sheet_naming_the_headers_expected(tmp_path):
    path = _workbook(
        tmp_path / "a.xlsx",
        {
            "List 3": [["Child", "When"], ["1", dt.datetime(2020, 5, 1)]],
            "List 7": [
                ["Child Unique ID", "Child Protection Plan Start Date"],
                ["2", dt.datetime(2020, 6, 1)],
            ],
        },
    )
    result = read_annex_a(path)
    (account,) = result.files
    (error,) = account.sheet_errors
    assert error.startswith("sheet 'List 3'")
    assert "'Child Unique ID' and 'Date of Referral'" in error
    # The failed sheet's row is counted (not loaded), the other sheet's is mapped.
    assert (account.read, account.mapped, account.not_loaded) == (2, 1, 1)
    assert account.balanced


def test_header_synonyms_title_rows_and_unnamed_sheets(tmp_path):
    # A sheet not named "List 3", with a title row above its header, headers in other words.
    path = _workbook(
        tmp_path / "a.xlsx",
        {
            "Referrals": [
                ["Annex A list 3: referrals in the last six months"],
                ["Child ID", "Sex", "DOB", "Date of the referral", "Source of referral"],
                [4, "1 - Male", "12/05/2012", dt.datetime(2020, 5, 1), "a) 1A: Individual"],
            ],
        },
    )
    result = read_annex_a(path)
    (referral,) = result.tables["ssd_cin_episodes"]
    assert referral["cine_referral_id"] == "4:ref:2020-05-01"
    assert referral["cine_referral_source_code"] == "1A"
    assert referral["_source_row"] == 3 and referral["_source_ref"] == "Referrals"
    (person,) = result.tables["ssd_person"]
    assert (person["pers_sex"], person["pers_dob"]) == ("M", "2012-05-12")


def test_formula_without_a_saved_value_is_rejected(tmp_path):
    # openpyxl writes formulas without saving their values, like a workbook never opened in
    # Excel: the date cannot be read, so the row is rejected naming the column.
    path = _workbook(
        tmp_path / "a.xlsx",
        {
            "List 3": [REFERRALS, ["5", "b) Female", None, "=DATE(2020,5,1)", "6"]],
        },
    )
    result = read_annex_a(path, year="2019-20")
    (rejection,) = result.rejections
    assert rejection.field == "Date of Referral"
    assert "formula with no saved value" in rejection.reason
    assert result.files[0].balanced


def test_excel_error_in_free_text_is_blank_with_a_warning(tmp_path):
    path = _workbook(
        tmp_path / "a.xlsx",
        {
            "List 3": [
                REFERRALS + ["Allocated Team"],
                ["5", "F", None, dt.datetime(2020, 5, 1), "6", "#N/A"],
            ],
        },
    )
    result = read_annex_a(path)
    (referral,) = result.tables["ssd_cin_episodes"]
    assert referral["cine_referral_team"] is None
    assert any("Allocated Team" in w and "#N/A" in w for w in result.files[0].warnings)


def test_lists_3_and_6_make_one_cin_episode(tmp_path):
    path = _workbook(
        tmp_path / "a.xlsx",
        {
            "List 3": [
                REFERRALS + ["Referral NFA?"],
                ["8", "M", None, dt.datetime(2020, 5, 1), "6", "b) No"],
            ],
            "List 6": [
                ["Child Unique ID", "CIN Start Date", "Primary Need Code", "CIN Closure Date"],
                ["8", dt.datetime(2020, 5, 1), "N2 - Child's disability", None],
            ],
        },
    )
    result = read_annex_a(path)
    (episode,) = result.tables["ssd_cin_episodes"]
    assert (episode["cine_referral_nfa"], episode["cine_cin_primary_need_code"]) == ("N", "N2")
    assert episode["_source_ref"] == "List 3"
