"""Files are recognised by what they hold, never by their names."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.returns.recognise import (
    ANNEX_A,
    CIN_CENSUS_XML,
    CSWW_XML,
    SSD_EXTRACT,
    SSDA903_TABLE,
    SSDA903_XML,
    recognise,
)

FIXTURES = Path(__file__).parent / "fixtures" / "real-format"
FAKE_903 = FIXTURES / "ssda903-d2i-fake"
TABLES = (
    "header",
    "episodes",
    "reviews",
    "uasc",
    "oc2",
    "oc3",
    "ad1",
    "placed_for_adoption",
    "previous_permanence",
    "missing",
    "sw_episodes",
)


@pytest.mark.parametrize("table", TABLES)
def test_ssda903_tables_by_their_columns_under_any_name(tmp_path, table):
    renamed = tmp_path / "export_0001.csv"
    shutil.copy(FAKE_903 / f"{table}.csv", renamed)
    recognition = recognise(renamed)
    assert (recognition.kind, recognition.what) == (SSDA903_TABLE, table)


@pytest.mark.parametrize(
    "path, kind",
    [
        (FAKE_903 / "fake_903.xml", SSDA903_XML),
        (FIXTURES / "cin-census-liia-sample" / "BAR_cin_2022.xml", CIN_CENSUS_XML),
        (FIXTURES / "csww-liia-sample" / "social_work_workforce_2022.xml", CSWW_XML),
        (FIXTURES / "annex-a-liia-sample" / "Annex_A_2024_Jan.xlsx", ANNEX_A),
    ],
)
def test_returns_by_their_content_under_any_name(tmp_path, path, kind):
    renamed = tmp_path / f"upload{path.suffix}"
    shutil.copy(path, renamed)
    assert recognise(renamed).kind == kind


def test_ssd_extracts_by_the_contract_columns(tmp_path):
    path = tmp_path / "anything.csv"
    path.write_text(
        "cine_referral_id,cine_person_id,cine_referral_date,extra\nR1,P1,2020-01-01,x\n"
    )
    assert (recognise(path).kind, recognise(path).what) == (SSD_EXTRACT, "ssd_cin_episodes")
    # A workforce snapshot also has prof_professional_id (ssd_professionals' only required
    # column): the extract whose columns it holds most of wins.
    snapshots = tmp_path / "w.parquet"
    pq.write_table(
        pa.table(
            {
                c: ["x"]
                for c in (
                    "snapshot_date",
                    "prof_professional_id",
                    "role",
                    "qualified_social_worker",
                    "agency_worker",
                    "fte",
                )
            }
        ),
        snapshots,
    )
    assert recognise(snapshots).what == "ext_workforce_snapshots"
    workbook = openpyxl.Workbook()
    workbook.active.append(["pers_person_id", "pers_dob"])
    workbook.save(tmp_path / "people.xlsx")
    assert recognise(tmp_path / "people.xlsx").what == "ssd_person"


def test_nothing_recognised_says_why(tmp_path):
    cases = {
        "notes.txt": ("hello", "files are not read"),
        "other.csv": ("CHILD,DECOM,RNE\n1,2,3\n", "nearest: episodes"),
        "empty.csv": ("", "empty"),
        "other.xml": ("<Report><Child/></Report>", "root element Report"),
        "message.xml": ("<Message><Header/></Message>", "neither CIN Children nor CSWWWorker"),
    }
    for name, (text, why) in cases.items():
        (tmp_path / name).write_text(text)
        recognition = recognise(tmp_path / name)
        assert recognition.kind is None and why in recognition.reason, (name, recognition)


def test_a_link_is_not_followed(tmp_path):
    os.symlink(FAKE_903 / "episodes.csv", tmp_path / "episodes.csv")
    recognition = recognise(tmp_path / "episodes.csv")
    assert recognition.kind is None and "symbolic link" in recognition.reason


def test_annex_a_with_renamed_sheets_by_its_headers(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "CP plans"
    workbook.active.append(["Child Unique ID", "Child Protection Plan Start Date"])
    workbook.save(tmp_path / "book.xlsx")
    recognition = recognise(tmp_path / "book.xlsx")
    assert recognition.kind == ANNEX_A and "Child protection plans" in recognition.reason
