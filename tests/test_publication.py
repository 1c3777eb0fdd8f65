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
    # 13 rows read, 11 loaded, 1 rejected, 1 blank (see test_end_to_end_hand_fixture).
    assert (contacts["rows_read"], contacts["rows_loaded"], contacts["rows_rejected"],
            contacts["rows_blank"]) == (13, 11, 1, 1)  # fmt: skip
    assert len(contacts["content_sha256"]) == 64
    tests = json.loads(summary)
    assert tests["test"].get("pass", 0) > 100 and "fail" not in tests["test"]
    assert tests["unit_test"].get("pass", 0) >= 30


def test_exception_lists_are_owner_only_and_match_the_kpis(hand_fixture_warehouse):
    # The fixture's data end on 20 March 2018, so the latest complete month is February 2018.
    folder = hand_fixture_warehouse.parent / "restricted" / "2018-02"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(p.name for p in folder.iterdir())
    assert "kpi_01.csv" in files and "kpi_07.csv" in files
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name

    def rows(kpi_id):
        with open(folder / f"{kpi_id}.csv") as handle:
            return list(csv.DictReader(handle))

    # February 2018: referral 13 is P1's re-referral (kpi_02 numerator 1); P13's placement PL8
    # began 01/04/2016, after 28/02/2016 (kpi_07: 1 of 3 not stable); nothing else was missed.
    assert [(r["person_id"], r["record_id"]) for r in rows("kpi_02")] == [("P1", "13")]
    assert [(r["person_id"], r["record_id"]) for r in rows("kpi_07")] == [("P13", "PL8")]
    assert rows("kpi_01") == [] and rows("kpi_04") == [] and rows("kpi_06") == []
