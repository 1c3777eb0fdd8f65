"""What the last builds did, so that a nightly run on unchanged inputs does not do it again.

The rule (README, "Unchanged inputs"):

- An extract file is not read again when it is the file its raw table was last successfully
  loaded from, by the same ingest rules (`orchestration/ingest/load.py`).
- Every later step (the DfE benchmarks, dbt, the analyst database, the exception lists, the
  pack) records, when it succeeds, a *fingerprint* of everything it was made from: the code of
  the whole project (`code_version`), the settings it reads, and the fingerprints or loads of
  the steps before it. It is skipped when its fingerprint is the one it last succeeded with,
  what it wrote is still there, and the previous build run finished without a failure. A build
  that failed or was killed part way is followed by a full one.
- dbt runs whole or not at all: nearly every mart depends on nearly every extract, so when any
  input changed it builds and tests everything, and when none did its models and their tests
  stand as the build that made them (reported "unchanged since" that build).
- `CSC_FULL_REBUILD=yes` reads every file and rebuilds everything.

The state is kept in the working warehouse, schema `build_state` (not published).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path

import duckdb

from orchestration.settings import REPO_ROOT

DDL = """
create schema if not exists build_state;
create table if not exists build_state.runs (
    run_id varchar, started_at timestamp, finished_at timestamp, succeeded boolean
);
create table if not exists build_state.steps (
    step varchar, fingerprint varchar, run_id varchar, finished_at timestamp,
    metadata_json varchar
);
"""
# What the code version covers: everything that decides what a build makes.
_CODE = ("orchestration", "dbt_project", "seeds", "commentary", "reference")
_NOT_CODE = {"target", "logs", "dbt_packages", "__pycache__"}


@functools.cache
def code_version() -> str:
    """A hash of the project's code, models, seeds, commentary and reference files."""
    digest = hashlib.sha256()
    for top in _CODE:
        root = REPO_ROOT / top
        for path in sorted(root.rglob("*")):
            if path.is_file() and not _NOT_CODE.intersection(path.relative_to(root).parts):
                digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def fingerprint(*parts) -> str:
    text = json.dumps([code_version(), *parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def files_fingerprint(paths) -> list:
    """[name, size, SHA-256] of each file, for a step that reads a folder of files."""
    from orchestration.ingest.load import file_sha256

    return [[p.name, p.stat().st_size, file_sha256(p)] for p in sorted(paths)]


def begin_run(con: duckdb.DuckDBPyConnection, run_id: str) -> bool:
    """Record that run `run_id` started; True if the run before it finished without a failure
    (False for the first run, and after a failed or killed one)."""
    con.execute(DDL)
    last = con.execute(
        "select succeeded from build_state.runs order by started_at desc limit 1"
    ).fetchone()
    con.execute(
        "insert into build_state.runs values (?, ?, null, null)",
        [run_id, dt.datetime.now()],
    )
    return bool(last and last[0])


def end_run(con: duckdb.DuckDBPyConnection, run_id: str, succeeded: bool) -> None:
    con.execute(DDL)
    con.execute(
        "update build_state.runs set finished_at = ?, succeeded = ? where run_id = ?",
        [dt.datetime.now(), succeeded, run_id],
    )
    # Keep a year of nightly runs.
    con.execute(
        "delete from build_state.runs where started_at < ?",
        [dt.datetime.now() - dt.timedelta(days=400)],
    )


def last_success(con: duckdb.DuckDBPyConnection, step: str) -> dict | None:
    """The step's last successful record: fingerprint, run_id, finished_at, metadata."""
    con.execute(DDL)
    row = con.execute(
        "select fingerprint, run_id, finished_at, metadata_json from build_state.steps "
        "where step = ?",
        [step],
    ).fetchone()
    if row is None:
        return None
    return {
        "fingerprint": row[0],
        "run_id": row[1],
        "finished_at": row[2],
        "metadata": json.loads(row[3] or "{}"),
    }


def record_success(con, step: str, fingerprint_: str, run_id: str, metadata=None) -> None:
    con.execute(DDL)
    con.execute("delete from build_state.steps where step = ?", [step])
    con.execute(
        "insert into build_state.steps values (?, ?, ?, ?, ?)",
        [step, fingerprint_, run_id, dt.datetime.now(), json.dumps(metadata or {}, default=str)],
    )


def forget(con, step: str) -> None:
    """Before a step writes: until it succeeds again, it has no successful state to skip to."""
    con.execute(DDL)
    con.execute("delete from build_state.steps where step = ?", [step])


def unchanged(con, step: str, fingerprint_: str, may_skip: bool) -> dict | None:
    """The last success of `step` if it may be skipped with this fingerprint, else None."""
    if not may_skip:
        return None
    last = last_success(con, step)
    if last is None or last["fingerprint"] != fingerprint_:
        return None
    return last


def loads_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """{extract: [status, loaded_at, SHA-256, rules]} of the load each raw table holds."""
    rows = con.execute(
        "select extract, status, loaded_at, content_sha256, rules_version from audit.ingest_log "
        "where status <> 'failed' "
        "qualify row_number() over (partition by extract order by loaded_at desc) = 1"
    ).fetchall()
    return {row[0]: [str(v) for v in row[1:]] for row in rows}


def exists(path: Path) -> bool:
    return path.exists()
