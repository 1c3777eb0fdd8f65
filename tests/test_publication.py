"""What a complete build publishes: the analyst database (aggregates and audit only, with build
information) and the owner-only exception lists, from the hand fixture's build."""

from __future__ import annotations

import csv
import json
import stat

import duckdb
import pytest

from tests.conftest import FIXTURES


@pytest.fixture(scope="session")
def analyst_db(hand_fixture_warehouse):
    return hand_fixture_warehouse.parent / "analyst.duckdb"


def test_analyst_database_holds_published_schemas_only(analyst_db):
    con = duckdb.connect(str(analyst_db), read_only=True)
    tables = {
        (schema, table)
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables()"
        ).fetchall()
    }
    con.close()
    assert {("marts", "kpi_values"), ("marts", "kpi_scorecard"), ("audit", "rejected_rows"),
            ("audit", "kpi_exclusions"), ("meta", "build_info")} <= tables  # fmt: skip
    # Nothing child-level: no raw extracts, staging, facts, intermediate or exception lists.
    assert {schema for schema, _ in tables} <= {"marts", "reporting", "audit", "meta"}


def test_analyst_database_has_no_child_identifiers(analyst_db):
    # Every person id of the fixture, searched for in every text column of every table.
    with open(FIXTURES / "hand_small" / "ssd_person.csv") as handle:
        person_ids = {row["pers_person_id"] for row in csv.DictReader(handle)}
    con = duckdb.connect(str(analyst_db), read_only=True)
    columns = con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where data_type = 'VARCHAR'"
    ).fetchall()
    found = []
    for schema, table, column in columns:
        values = {
            row[0]
            for row in con.execute(f'select distinct "{column}" from {schema}."{table}"').fetchall()
        }
        found += [(schema, table, column, v) for v in values & person_ids]
        assert column != "person_id", f"{schema}.{table} publishes person_id"
    con.close()
    assert found == []


def test_build_info_records_sources_and_tests(analyst_db):
    con = duckdb.connect(str(analyst_db), read_only=True)
    build_id, sources, summary = con.execute(
        "select build_id, sources, dbt_test_summary from meta.build_info"
    ).fetchone()
    con.close()
    assert build_id
    contacts = next(s for s in json.loads(sources) if s["extract"] == "ssd_contacts")
    # 14 rows read, 12 loaded, 1 rejected, 1 blank (see test_end_to_end_hand_fixture).
    assert (contacts["rows_read"], contacts["rows_loaded"], contacts["rows_rejected"],
            contacts["rows_blank"]) == (14, 12, 1, 1)  # fmt: skip
    assert len(contacts["content_sha256"]) == 64
    tests = json.loads(summary)
    assert tests["test"].get("pass", 0) > 100 and "fail" not in tests["test"]
    assert tests["unit_test"].get("pass", 0) >= 30


def test_exception_lists_are_owner_only_and_match_the_kpis(hand_fixture_warehouse):
    # The fixture's data reach 31 March 2018, so the report month is March 2018.
    folder = hand_fixture_warehouse.parent / "restricted" / "2018-03"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(p.name for p in folder.iterdir())
    assert "kpi_01.csv" in files and "kpi_07.csv" in files
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name

    def rows(kpi_id):
        with open(folder / f"{kpi_id}.csv") as handle:
            return [(r["person_id"], r["record_id"]) for r in csv.DictReader(handle)]

    # March 2018, from the hand-worked values in test_end_to_end_*: kpi_01 referral 19 (48h);
    # kpi_02 re-referrals 17 (P5) and 100 (P7); kpi_04 P4 open since 2016; kpi_05 K2 (16 days)
    # and K5 (transfer-in, clock from 2016); kpi_06 P1's repeat plan CP2; kpi_07 P13 (PL8 from
    # 01/04/2016); kpi_08 RV3 (late); kpi_09 P21 (G4); kpi_13 CP7 and CP9; no late assessment.
    assert rows("kpi_01") == [("P6", "19")]
    assert rows("kpi_02") == [("P5", "17"), ("P7", "100")]
    assert rows("kpi_04") == [("P4", "15")]
    assert rows("kpi_05") == [("P3", "K2"), ("P4", "K5")]
    assert rows("kpi_06") == [("P1", "CP2")]
    assert rows("kpi_07") == [("P13", "PL8")]
    assert rows("kpi_08") == [("P16", "RV3")]
    assert rows("kpi_09") == [("P21", "P21|21")]
    assert rows("kpi_13") == [("P5", "CP7"), ("P7", "CP9")]
    assert rows("kpi_03") == []


def test_child_identifying_values_of_rejected_rows_are_withheld(hand_fixture_warehouse, analyst_db):
    # P99's date of birth 31/02/2010 is rejected: the working warehouse keeps the value for the
    # data engineer; the analyst database does not publish a date of birth.
    sql = (
        "select column_name, value from audit.rejected_rows "
        "where extract = 'ssd_person' order by source_row"
    )
    working = duckdb.connect(str(hand_fixture_warehouse), read_only=True)
    assert working.execute(sql).fetchall() == [("pers_dob", "31/02/2010")]
    working.close()
    published = duckdb.connect(str(analyst_db), read_only=True)
    assert published.execute(sql).fetchall() == [("pers_dob", None)]
    published.close()
