"""Nothing child-level leaves the working warehouse, and nothing the build writes is readable by
others (issue 16, deliverables 2 and 3; the review's cases 30, 42 and 43).

One real `make run` (`python -m orchestration.run`, its own Dagster storage) started under
`umask 000`, in a folder whose name holds a quote (paths reach SQL), on a copy of the hand fixture
in which every identifier is made unmistakable (`P1` becomes `ZQP1QZ`), with hostile rows added:
a person row shifted by an empty first field, an impossible date of birth, a duplicated referral,
an id with an escape character, an id typed into a code column, and free text. Then every
published artefact (the analyst database, every file of the export folder, everything Dagster
stored, the run's own output) is searched for every identifier, free text and date of birth of
the source files, by the extract contract's sensitivities; and the mode of every file is checked.
"""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.extracts import (
    DATE_OF_BIRTH,
    EXTRACTS_BY_NAME,
    FREE_TEXT,
)
from tests.conftest import FIXTURES, pack_tables
from tests.test_report_pack import published_text

REPO = Path(__file__).resolve().parent.parent
ESCAPED_ID = "ZQC901\x1bQZ"
# Rows added to the copy before its identifiers are marked, by extract (values in header order);
# ids that stand where no identifier belongs are written marked.
HOSTILE_ROWS = {
    # Case 30: the first field is empty and the rest shifted right: the id sits under pers_sex.
    "ssd_person": [
        ["", "ZQP900QZ", "M", "WBRI", "2012-07-14", ""],
        ["P901", "F", "WBRI", "30/02/2011", "", ""],  # an impossible date of birth
    ],
    "ssd_cin_episodes": [  # one referral id twice: both rows rejected, the key withheld
        ["9001", "P1", "2018-02-01 09:00", "2018-02-01 10:00", "1A", "N", "N1", "", "", "Team A"],
        ["9001", "P2", "2018-02-02 09:00", "2018-02-02 10:00", "1A", "N", "N1", "", "", "Team A"],
    ],
    "ssd_contacts": [
        ["C901\x1b", "P1", "2018-02-02 10:00", "1A", ""],  # an escape character in an id
        ["C902", "P2", "2018-02-03 10:00", "1A", '{"note": "Mum said ..."}'],
    ],
    "ext_care_leaver_outcomes": [
        ["P902", "2000-06-15", "18", "LOST", "", "Flat 9, High Street"],
        # An id typed into a code column of a row whose own ids are fine.
        ["P904", "2000-06-17", "18", "ZQP1QZ", "", ""],
    ],
}


def distinctive_copy(source: Path, target: Path) -> None:
    """The fixture with every identifier and free-text value wrapped as ZQ<value>QZ (no model
    reads free text but to pass it on), and the hostile rows."""
    target.mkdir()
    for path in sorted(source.glob("*.csv")):
        extract = EXTRACTS_BY_NAME[path.stem]
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows = list(reader) + HOSTILE_ROWS.get(extract.name, [])
        for position, name in enumerate(header):
            column = extract.column(name) if name in extract.column_names else None
            if column and (column.is_identifier or column.sensitivity == FREE_TEXT):
                for row in rows:
                    if row[position]:
                        row[position] = f"ZQ{row[position]}QZ"
        with (target / path.name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows([header, *rows])


def sensitive_values(source: Path) -> tuple[set[str], set[str]]:
    """(identifiers and free text, dates of birth) in the source files, by the contract."""
    marked, births = set(), set()
    for path in source.glob("*.csv"):
        extract = EXTRACTS_BY_NAME[path.stem]
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for name, value in row.items():
                    if not value or name not in extract.column_names:
                        continue
                    column = extract.column(name)
                    if column.is_identifier or column.sensitivity == FREE_TEXT:
                        marked.add(value)
                    elif column.sensitivity == DATE_OF_BIRTH:
                        births.add(value)
    # The shifted row's id and the id typed as a code are not in identifier columns.
    marked |= {"ZQP900QZ"}
    return marked, births


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacy")
    work = root / "it's a build"  # a quote in every path the build puts into SQL
    work.mkdir()
    source = work / "extracts"
    distinctive_copy(FIXTURES / "hand_small", source)
    env = {
        **os.environ,
        "CSC_SOURCE_DIR": str(source),
        "CSC_WAREHOUSE": str(work / "warehouse.duckdb"),
        "CSC_ANALYST_DB": str(work / "analyst.duckdb"),
        "CSC_EXPORT_DIR": str(work / "exports"),
        "CSC_RESTRICTED_DIR": str(work / "restricted"),
        "DAGSTER_HOME": str(work / "dagster_home"),
    }
    for name in ("CSC_REPORT_MONTH", "CSC_COMMENTARY_DIR", "CSC_EXPORT_MODE", "CSC_LA_CODE"):
        env.pop(name, None)
    process = subprocess.run(
        [sys.executable, "-m", "orchestration.run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        preexec_fn=lambda: os.umask(0),  # the most permissive umask there is
    )
    assert process.returncode == 0, (process.stdout + process.stderr)[-4000:]
    return work, source, process.stdout + process.stderr


def _database_values(path: Path) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every value of every table of a DuckDB file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = []
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ?",
                    [schema, table],
                ).fetchall()
            ]
            for column in columns:
                for (value,) in con.execute(
                    f'select distinct cast("{column}" as varchar) from {schema}."{table}" '
                    f'where "{column}" is not null'
                ).fetchall():
                    found.append((f"{schema}.{table}", column, value))
        return found
    finally:
        con.close()


def test_the_fixture_can_catch_a_leak(build):
    """The scan works: the working warehouse (which keeps real values) is full of them."""
    work, source, _ = build
    marked, births = sensitive_values(source)
    assert {"ZQP1QZ", "ZQ9001QZ", ESCAPED_ID, "ZQFlat 9, High StreetQZ"} <= marked
    assert all(v.startswith("ZQ") and v.endswith("QZ") for v in marked)
    assert {"2010-05-01", "30/02/2011"} <= births
    values = {v for _, _, v in _database_values(work / "warehouse.duckdb")}
    assert {"ZQP1QZ", "ZQ9001QZ", ESCAPED_ID, "ZQP900QZ", "30/02/2011"} <= values


def test_c42_the_analyst_database_holds_no_identifier_free_text_or_birth_date(build):
    work, source, _ = build
    marked, births = sensitive_values(source)
    leaks = [
        (table, column, value)
        for table, column, value in _database_values(work / "analyst.duckdb")
        if value in births or any(m in value for m in marked)
    ]
    assert leaks == []


def test_c30_rejected_rows_publish_file_row_and_pseudonym_never_a_shifted_id(build):
    work, _, _ = build
    sql = (
        "select extract, source_row, column_name, value, value_withheld, reason, record_id "
        "from audit.rejected_rows order by extract, source_row, column_name"
    )
    con = duckdb.connect(str(work / "analyst.duckdb"), read_only=True)
    try:
        published = con.execute(sql).fetchall()
    finally:
        con.close()
    person = [r for r in published if r[0] == "ssd_person"]
    # Row 31, the shifted row: its blank id, and the id under pers_sex, no value of either.
    assert ("ssd_person", 31, "pers_sex", None, True, "unknown code", None) in person
    assert ("ssd_person", 31, "pers_person_id", None, False, "required value is blank",
            None) in person  # fmt: skip
    # Row 32, the impossible date of birth: withheld, the record named by its pseudonym.
    (dob,) = [r for r in person if r[1] == 32]
    assert dob[2:6] == ("pers_dob", None, True, "impossible date (day is out of range for month)")
    assert len(dob[6]) == 16
    leavers = {r[1]: r for r in published if r[0] == "ext_care_leaver_outcomes"}
    assert leavers[max(leavers) - 1][3:5] == ("LOST", False)  # a code that names no one
    assert leavers[max(leavers)][3:5] == (None, True)  # ZQP1QZ typed as a code
    duplicates = [r for r in published if r[0] == "ssd_cin_episodes"]
    assert [r[3:5] for r in duplicates] == [(None, True), (None, True)]
    assert duplicates[0][6] == duplicates[1][6]  # one referral, one pseudonym


def test_no_export_holds_an_identifier_free_text_or_birth_date(build):
    work, source, _ = build
    marked, births = sensitive_values(source)
    files = [p for p in (work / "exports").rglob("*") if p.is_file()]
    # Every report table as CSV and Parquet, the workbook, HTML and manifest are searched.
    tables = pack_tables(work / "warehouse.duckdb")
    assert len(tables) >= 5
    for suffix in (".csv", ".parquet"):
        assert {p.stem for p in files if p.suffix == suffix} == tables
    for path in files:
        text = published_text(path)
        found = [v for v in marked | births if v in text]
        assert not found, f"{path.relative_to(work)} holds {found[:5]}"


def test_dagster_storage_and_the_run_output_hold_no_identifier(build):
    work, source, output = build
    marked, births = sensitive_values(source)
    stored = [p for p in (work / "dagster_home").rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in stored), "no run storage to search"
    for path in stored:
        data = path.read_bytes()
        found = [v for v in marked | births if v.encode() in data]
        assert not found, f"{path.relative_to(work)} holds {found[:5]}"
    assert [v for v in marked | births if v in output] == []


def _modes(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): stat.S_IMODE(p.lstat().st_mode)
        for p in [folder, *folder.rglob("*")]
    }


def test_c43_everything_is_owner_only_under_umask_000_but_the_exports(build):
    """Was: warehouse.duckdb 0666 and exports 0777/0666 under umask 000."""
    work, _, _ = build
    private = {
        name: stat.S_IMODE((work / name).stat().st_mode)
        for name in (
            "warehouse.duckdb",
            "warehouse.duckdb.build.lock",
            "warehouse.pseudonym-key",
            "analyst.duckdb",
        )  # fmt: skip
    }
    assert private == dict.fromkeys(private, 0o600)
    assert not list(work.glob("*.wal")) and not list(work.glob(".analyst*"))
    for folder in ("restricted", "dagster_home"):
        modes = _modes(work / folder)
        assert len(modes) > 2, folder
        for name, mode in modes.items():
            kind = 0o700 if (work / folder / name).is_dir() else 0o600
            assert mode == kind, (folder, name, oct(mode))
    # The exports follow CSC_EXPORT_MODE (default 640): the owner and their group.
    for name, mode in _modes(work / "exports").items():
        kind = 0o750 if (work / "exports" / name).is_dir() else 0o640
        assert mode == kind, (name, oct(mode))
