"""Loading one extract file: find it, stage it (`stage.py`), validate and write it (`validate.py`).

Every source row is accounted for: a row is blank (skipped), rejected (one `audit.rejected_rows`
record per problem) or loaded into `raw.<extract>`, and loaded + rejected + blank = read. A fault
that spoils the whole file (a missing required column, UTF-16, duplicated column names) raises
`ExtractFileError` naming the file and the column, and leaves the previous load untouched.

An unchanged file is not read again (`load_extract(..., skip_unchanged=True)`, as the ingest
assets call it): the file is skipped when the extract's last `audit.ingest_log` row is a
successful load of a file of the same name and content (SHA-256) by the same ingest rules
(`rules_version()`, a hash of the contract and of this package's code), `raw.<extract>` still holds
the rows that load counted, and no row of it was rejected for a date in the future (a verdict
that can change with the day). A failed load is never the last successful one, so it never
makes a file look loaded.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from orchestration import extracts as x
from orchestration.ingest.readers import ExtractFileError, find_extract_file
from orchestration.ingest.schemas import FUTURE_OR_BEFORE_1900
from orchestration.ingest.stage import quoted, stage_file
from orchestration.ingest.validate import (
    AUDIT_DDL,
    LoadResult,
    Rejection,
    StagedTable,
    check_staged,
    discard_checked,
    load_staged,
    log,
)

__all__ = [
    "AUDIT_DDL",
    "LoadResult",
    "Rejection",
    "file_sha256",
    "load_extract",
    "read_and_check",
    "rules_version",
]

_STAGED = "_csc_stage_file"


@functools.cache
def rules_version() -> str:
    """A hash of what decides a load's outcome: the extract contract and the ingest package's
    code. Any change to either makes every file load again."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in [root.parent / "extracts.py", *sorted(root.glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _empty_staged(con, extract: x.Extract) -> StagedTable:
    columns = ", ".join(f"cast(null as varchar) as {quoted(c)}" for c in extract.column_names)
    con.execute(
        f"create or replace temp table {_STAGED} as select cast(null as varchar) as _source_file,"
        f" cast(null as bigint) as _source_row, cast(null as varchar) as _source_ref, {columns} "
        "limit 0"
    )
    return StagedTable(_STAGED, "")


def read_and_check(extract: x.Extract, path: Path) -> tuple[pd.DataFrame, LoadResult]:
    """The clean typed rows of one extract file and the account of every row read, without a
    warehouse (an in-memory DuckDB): for inspecting a file, and for the tests."""
    con = duckdb.connect()
    try:
        staged = stage_file(con, extract, path, _STAGED)
        checked = check_staged(
            con, extract, [StagedTable(_STAGED, path.name, tuple(staged.warnings))]
        )
        clean = con.execute("select * exclude (_source_file, _source_ref) from _csc_clean").df()
        discard_checked(con)
        return clean, checked.result
    finally:
        con.close()


def _unchanged_since(con, extract: x.Extract, path: Path, sha: str) -> tuple | None:
    """(loaded_at, last log row) when `path` is the file the extract's raw table was last
    successfully loaded from, by these rules; else None."""
    last = con.execute(
        "select status, source_file, content_sha256, rules_version, loaded_at, rows_read, "
        "rows_loaded, rows_rejected, rows_blank, message from audit.ingest_log "
        "where extract = ? order by loaded_at desc limit 1",
        [extract.name],
    ).fetchone()
    if last is None:
        return None
    status, source_file, content, version, loaded_at, *_ = last
    if (status, source_file, content, version) != ("loaded", path.name, sha, rules_version()):
        return None
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = ? "
        "and database_name = current_database()",
        [extract.name],
    ).fetchone()[0]
    if not exists:
        return None
    in_raw = con.execute(f"select count(*) from raw.{extract.name}").fetchone()[0]
    future = con.execute(
        "select count(*) from audit.rejected_rows where extract = ? and reason = ?",
        [extract.name, FUTURE_OR_BEFORE_1900],
    ).fetchone()[0]
    if in_raw != last[6] or future:
        return None
    return last


def load_extract(
    con: duckdb.DuckDBPyConnection,
    extract: x.Extract,
    source_dir: Path,
    loaded_at: dt.datetime,
    *,
    collect_rejections: bool = True,
    skip_unchanged: bool = False,
) -> LoadResult:
    """Load one extract from `source_dir` into `raw.<extract>`; raises ExtractFileError.

    With `skip_unchanged`, a file identical to the one last loaded by the same rules is not read
    again: the result carries that load's counts and `unchanged_since` (its `loaded_at`).
    `collect_rejections` fills `LoadResult.rejections` (they are in audit.rejected_rows either
    way)."""
    con.execute(AUDIT_DDL)
    try:
        path, ignored = find_extract_file(source_dir, extract.name)
        notes = [f"{other.name} ignored: {path.name} is read instead" for other in ignored]
        if path is None:
            staged = _empty_staged(con, extract)
            sha = None
            notes.insert(
                0, f"no file for extract '{extract.name}' in {source_dir}: loaded as empty"
            )
            source = []
        else:
            sha = file_sha256(path)
            if skip_unchanged and (last := _unchanged_since(con, extract, path, sha)):
                *_, loaded_since, read, loaded, rejected, blank, message = last
                result = LoadResult(
                    extract.name, path.name, read, loaded, rejected, blank, content_sha256=sha
                )
                result.warnings = [message] if message else []
                result.unchanged_since = loaded_since
                return result
            staged_file = stage_file(con, extract, path, _STAGED)
            source = [StagedTable(_STAGED, path.name, tuple(staged_file.warnings + notes))]
    except ExtractFileError as exc:
        log(con, extract.name, exc.path.name, "failed", str(exc), None, loaded_at, rules_version())
        raise
    try:
        if not source:
            result = load_staged(
                con, extract, [StagedTable(staged.table, "", tuple(notes))], loaded_at,
                rules_version=rules_version(), collect_rejections=collect_rejections,
            )  # fmt: skip
            result.source_file = None
            return result
        return load_staged(
            con, extract, source, loaded_at, content_sha256=sha, rules_version=rules_version(),
            collect_rejections=collect_rejections,
        )  # fmt: skip
    except ExtractFileError as exc:
        log(con, extract.name, exc.path.name, "failed", str(exc), None, loaded_at, rules_version())
        raise
    finally:
        con.execute(f"drop table if exists {_STAGED}")
