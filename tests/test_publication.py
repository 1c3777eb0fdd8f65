"""What a complete build publishes: the analyst database (aggregates and audit only, with build
information) and the owner-only exception lists, from the hand fixture's build; what a failed
publication leaves; and how a process sees a new build."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.conftest import FIXTURES, _environment


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
    # Every data test dbt parsed (its manifest) ran and passed: counted from the manifest, not
    # from the build's own report. Data tests of severity warn may warn. The unit tests are not
    # the nightly build's (tests/test_dbt_unit_tests.py runs them).
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    data_tests = sum(1 for node in manifest["nodes"].values() if node["resource_type"] == "test")
    assert data_tests > 0 and "unit_test" not in tests
    assert "fail" not in tests["test"] and "error" not in tests["test"]
    assert sum(tests["test"].values()) == data_tests


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


def _rows(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_c42_record_ids_are_published_as_keyed_pseudonyms(hand_fixture_warehouse, analyst_db):
    """Was: record ids (referral, assessment, review ...) published as they are."""
    from orchestration.pseudonyms import key_path, pseudonym

    key_file = key_path(hand_fixture_warehouse)
    assert key_file.name == "warehouse.pseudonym-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = bytes.fromhex(key_file.read_text())

    sql = "select kpi_id, record_id, period_end, reason from audit.kpi_exclusions"
    working = _rows(hand_fixture_warehouse, sql)
    assert working, "the fixture no longer has a KPI exclusion to publish"
    expected = sorted((k, pseudonym(key, r), p, why) for k, r, p, why in working)
    assert sorted(_rows(analyst_db, sql)) == expected
    assert not {r for _, r, _, _ in working} & {r for _, r, _, _ in expected}

    # The review whose recorded due date disagrees (RV3): its pseudonym, and a detail of dates;
    # the child is not published.
    assert _rows(analyst_db, "select * from audit.cla_data_quality") == [
        ("review_due_date_disagrees", pseudonym(key, "RV3"), None,
         "recorded due 2018-03-28, computed due 2018-03-29"),
    ]  # fmt: skip
    # The rejected person row P99 (date of birth 31/02/2010): file, row, pseudonym; no value.
    assert _rows(
        analyst_db,
        "select source_file, source_row, column_name, value, value_withheld, record_id "
        "from audit.rejected_rows where extract = 'ssd_person'",
    ) == [("ssd_person.csv", 30, "pers_dob", None, True, pseudonym(key, "P99"))]


def _info(build_id: str):
    from orchestration.publish import BuildInfo

    now = dt.datetime(2026, 12, 1, 2, 0)
    return BuildInfo(build_id, now, now, "extracts", [], {})


def test_pseudonyms_are_stable_across_builds_and_useless_without_the_key(
    hand_fixture_warehouse, tmp_path
):
    from orchestration.pseudonyms import load_or_create_key
    from orchestration.publish import publish

    key = load_or_create_key(hand_fixture_warehouse)
    sql = "select record_id from audit.kpi_exclusions order by all"
    published = []
    for build_id, build_key in (("one", key), ("two", key), ("other-key", os.urandom(32))):
        target = tmp_path / f"{build_id}.duckdb"
        publish(hand_fixture_warehouse, target, _info(build_id), build_key)
        published.append(_rows(target, sql))
    assert published[0] == published[1]
    assert set(published[0]).isdisjoint(published[2])
    # Not an unkeyed hash either: SHA-256 of the id does not give the pseudonym.
    ids = [r for (r,) in _rows(hand_fixture_warehouse, sql)]
    unkeyed = {(hashlib.sha256(r.encode()).hexdigest()[:16],) for r in ids}
    assert unkeyed.isdisjoint(published[0])
    assert all(len(p) == 16 and int(p, 16) >= 0 for (p,) in published[0])


def test_c41_a_process_sees_the_new_build_once_it_has_closed_the_old(
    hand_fixture_warehouse, tmp_path
):
    """Was: a new connection in a process that had the old file open kept seeing the old build.
    DuckDB keeps one database per file per process: until every connection to the old file is
    closed, `connect` hands back the old one. This is the behaviour the README describes."""
    from orchestration.publish import publish

    analyst = tmp_path / "analyst.duckdb"
    build = "select build_id from meta.build_info"
    publish(hand_fixture_warehouse, analyst, _info("first"))
    held = duckdb.connect(str(analyst), read_only=True)
    publish(hand_fixture_warehouse, analyst, _info("second"))
    again = duckdb.connect(str(analyst), read_only=True)
    assert held.execute(build).fetchone() == ("first",)
    assert again.execute(build).fetchone() == ("first",)  # same process, old file still open
    held.close()
    again.close()
    fresh = duckdb.connect(str(analyst), read_only=True)
    try:
        assert fresh.execute(build).fetchone() == ("second",)
    finally:
        fresh.close()


@pytest.fixture
def copied_build(hand_fixture_warehouse, tmp_path):
    """A copy of the hand fixture's finished build (warehouse, key, analyst database, exports)
    for runs of the publishing steps alone."""
    source = hand_fixture_warehouse.parent
    for name in ("warehouse.duckdb", "warehouse.pseudonym-key", "analyst.duckdb"):
        shutil.copy(source / name, tmp_path / name)
    shutil.copytree(source / "exports", tmp_path / "exports")
    env = {
        "CSC_SOURCE_DIR": str(FIXTURES / "hand_small"),
        "CSC_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "CSC_EXPORT_DIR": str(tmp_path / "exports"),
        "CSC_ANALYST_DB": str(tmp_path / "analyst.duckdb"),
        "CSC_RESTRICTED_DIR": str(tmp_path / "restricted"),
    }
    return tmp_path, env


def _publish_steps(env: dict, **extra: str):
    """Run the job's publishing steps (analyst database, exception lists, pack) alone."""
    import dagster as dg

    from orchestration.prepare import prepare_dbt_manifest

    with _environment(**env, **extra):
        prepare_dbt_manifest()
        from orchestration.definitions import BUILD_JOB_NAME, defs

        keys = [["published", "analyst_database"], ["restricted", "exception_lists"],
                ["exports", "kpi_pack"]]  # fmt: skip
        with dg.DagsterInstance.ephemeral() as instance:
            return defs.resolve_job_def(BUILD_JOB_NAME).execute_in_process(
                instance=instance,
                raise_on_error=False,
                asset_selection=[dg.AssetKey(k) for k in keys],
            )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_c38_c39_a_publication_on_a_full_disk_replaces_nothing_and_leaves_nothing(
    copied_build, monkeypatch
):
    """Was: a generic message; the pack was replaced from the new build while the database kept
    the old one; the half-written `.building.wal` was never removed."""
    from orchestration import publish as publication
    from orchestration.run import failure_messages, outcome_lines
    from orchestration.settings import load_settings

    work, env = copied_build
    analyst = work / "analyst.duckdb"
    before = _digest(analyst)
    (old_build,) = _rows(analyst, "select build_id, finished_at from meta.build_info")
    pack = work / "exports" / "2018-03" / "kpi_pack.xlsx"
    pack_before = _digest(pack)
    seen = {}

    def disk_full(con, table):
        # The new database has been written up to here: its log is on disk.
        seen["wal"] = sorted(p.name for p in work.glob(".analyst.duckdb.*.building*"))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publication, "table_checksum", disk_full)
    result = _publish_steps(env)
    assert not result.success
    assert any(name.endswith(".building.wal") for name in seen["wal"]), seen
    assert failure_messages(result) == [
        "published__analyst_database: OSError: [Errno 28] No space left on device"
    ]
    with _environment(**env):
        lines = outcome_lines(result, load_settings())
    assert lines == [
        "dbt did not run: the models are those of the previous build.",
        f"The analyst database was not replaced: it still holds build {old_build[0]}, finished "
        f"{old_build[1]}.",
        "The exception lists were not written: the previous lists stay.",
        "The KPI pack was not written: the packs already exported stay.",
        "Details: `make dev`, Runs.",
    ]
    assert _digest(analyst) == before
    assert _digest(pack) == pack_before  # the pack waits for the database: one build's outputs
    assert not list(work.glob(".analyst.duckdb.*")), "publication left files behind"


def test_c31_the_footer_says_what_was_replaced_when_a_later_step_fails(copied_build):
    """Was: after the pack failed, the footer said the analyst database still held the last
    build, though this run had just replaced it."""
    from orchestration.run import failure_messages, outcome_lines
    from orchestration.settings import load_settings

    work, env = copied_build
    result = _publish_steps(env, CSC_REPORT_MONTH="2012-01")
    assert not result.success
    messages = failure_messages(result)
    assert len(messages) == 2 and all("no data for 2012-01: the data covers" in m
                                      for m in messages)  # fmt: skip
    with _environment(**env):
        lines = outcome_lines(result, load_settings())
    assert lines[1:4] == [
        "The analyst database was replaced by this build.",
        "The exception lists were not written: the previous lists stay.",
        "The KPI pack was not written: the packs already exported stay.",
    ]
    (build_id,) = _rows(work / "analyst.duckdb", "select build_id from meta.build_info")
    assert build_id == (result.run_id,)


def test_an_unreadable_extract_in_a_full_build_fails_its_step_and_changes_nothing_published(
    copied_build, tmp_path
):
    """The whole job on the hand fixture's extracts, ssd_cin_episodes.csv without its required
    cine_person_id column, over a copy of a finished build: that extract's step fails naming
    the file and the column, the other extracts load, dbt does not run, nothing is published,
    and the previous marts, analyst database and pack are as they were."""
    from orchestration.assets.dbt import warehouse_dbt_models
    from orchestration.extracts import EXTRACTS
    from orchestration.run import outcome_lines
    from orchestration.settings import load_settings
    from tests.conftest import HAND_FIXTURE_COVERAGE, failures, run_build

    work, env = copied_build
    source = tmp_path / "extracts"
    shutil.copytree(FIXTURES / "hand_small", source)
    episodes = source / "ssd_cin_episodes.csv"
    lines = episodes.read_text().splitlines()
    assert lines[0].split(",")[1] == "cine_person_id"
    episodes.write_text("".join(",".join(f for i, f in enumerate(line.split(",")) if i != 1)
                                + "\n" for line in lines))  # fmt: skip
    analyst, pack = work / "analyst.duckdb", work / "exports" / "2018-03" / "kpi_pack.xlsx"
    before = {path: _digest(path) for path in (analyst, pack)}
    marts = "select * from marts.kpi_values"
    marts_before = _rows(work / "warehouse.duckdb", marts)

    result, warehouse = run_build(source, work, **HAND_FIXTURE_COVERAGE)

    assert not result.success
    (failure,) = failures(result)
    assert failure.startswith("raw__ssd_cin_episodes: ")
    assert "ssd_cin_episodes.csv" in failure and "cine_person_id" in failure
    assert "required column missing" in failure and "Traceback" not in failure
    # Every other extract was loaded.
    loaded = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert {e.name for e in EXTRACTS} - loaded == {"ssd_cin_episodes"}
    # dbt and the publishing steps never started.
    started = {e.step_key for e in result.all_events if e.is_step_start}
    unstarted = {warehouse_dbt_models.op.name, "published__analyst_database",
                 "restricted__exception_lists", "exports__kpi_pack"}  # fmt: skip
    assert started and not started & unstarted
    with _environment(**env):
        lines = outcome_lines(result, load_settings())
    assert lines[:2] == [
        "Extracts that failed kept their previous load: ssd_cin_episodes.",
        "dbt did not run: the models are those of the previous build.",
    ]
    # The previous build is untouched: its marts, its analyst database, its pack.
    assert {path: _digest(path) for path in (analyst, pack)} == before
    assert sorted(_rows(warehouse, marts), key=repr) == sorted(marts_before, key=repr)
