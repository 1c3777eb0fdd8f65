"""A build killed at any point leaves the analyst database as the previous complete build, the
next build succeeds, two builds of the same inputs publish identical marts, and an analyst's
connection held open across a build keeps reading the build it opened.

Each build is the real `python -m orchestration.run` in its own process group, killed with
SIGKILL: during ingest and during publish at the named fault points (tests/build_with_fault.py),
and during dbt once the `dbt build` process is running.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.publish import table_checksum

# Two builds of generated demo data, one killed part-way: minutes.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
MARTS = ("marts.kpi_values", "marts.kpi_scorecard")
# An analyst's session: open read-only, print the build id, wait, print it again.
ANALYST_SESSION = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
query = "select build_id from meta.build_info"
print(con.execute(query).fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute(query).fetchone()[0], flush=True)
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from demo_data import generate

    root = tmp_path_factory.mktemp("faults")
    generate(root / "extracts", scale=0.02, months=24, progress=False)
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "CSC_SOURCE_DIR": str(root / "extracts"),
        "CSC_WAREHOUSE": str(root / "warehouse.duckdb"),
        "CSC_ANALYST_DB": str(root / "analyst.duckdb"),
        "CSC_EXPORT_DIR": str(root / "exports"),
        "CSC_RESTRICTED_DIR": str(root / "restricted"),
        "DAGSTER_HOME": str(home),
    }
    return root, env


def start_build(
    env: dict, fault: str | None = None, marker: Path | None = None
) -> subprocess.Popen:
    """The build; with `fault`, the same build stopping at that point (build_with_fault.py)."""
    command = ["-m", "orchestration.run"]
    if fault:
        command = [str(REPO / "tests" / "build_with_fault.py"), fault, str(marker)]
    return subprocess.Popen(
        [sys.executable, *command],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so the kill takes dbt with it
    )


def build(env: dict) -> None:
    process = start_build(env)
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-3000:]


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def wait_for(condition, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def published(analyst_db: Path) -> tuple[str, dict[str, str]]:
    """The build id and the marts' checksums, recomputed from the file's contents."""
    con = duckdb.connect(str(analyst_db), read_only=True)
    try:
        build_id = con.execute("select build_id from meta.build_info").fetchone()[0]
        sums = {t: table_checksum(con, t) for t in MARTS}
        recorded = dict(con.execute("select * from meta.table_checksums").fetchall())
    finally:
        con.close()
    assert {t: recorded[t] for t in MARTS} == sums, "the published file does not match itself"
    return build_id, sums


def rows_differing(first: Path, second: Path, tables) -> dict[str, tuple[int, int]]:
    """For each table, the rows of the first file not in the second and of the second not in
    the first, duplicates counted (`except all` both ways): (0, 0) when they are equal."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{first}' as a (read_only)")
        con.execute(f"attach '{second}' as b (read_only)")
        return {
            table: tuple(
                con.execute(
                    f"select count(*) from (select * from {x}.{table} except all "
                    f"select * from {y}.{table})"
                ).fetchone()[0]
                for x, y in (("a", "b"), ("b", "a"))
            )
            for table in tables
        }
    finally:
        con.close()


def dbt_is_running(process: subprocess.Popen) -> bool:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) != process.pid:
                continue
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ProcessLookupError):
            continue
        if any(part.endswith(b"/dbt") for part in cmdline) and b"build" in cmdline:
            return True
    return False


def test_kills_leave_the_last_complete_build_and_the_next_build_succeeds(workspace):
    root, env = workspace
    analyst_db = Path(env["CSC_ANALYST_DB"])
    marker = root / "reached"

    build(env)
    first_id, first_sums = published(analyst_db)
    # A copy of the first build, for a comparison of the marts that does not rest on the
    # project's own checksum function (below).
    first_copy = root / "first_analyst.duckdb"
    shutil.copy(analyst_db, first_copy)

    # 1. During ingest, with one extract loaded and the rest not.
    process = start_build(env, fault="ingest:ssd_cin_episodes", marker=marker)
    wait_for(marker.exists, "the ingest fault point")
    kill(process)
    assert published(analyst_db) == (first_id, first_sums)

    # 2. During dbt build, a few seconds after dbt started writing.
    process = start_build(env)
    wait_for(lambda: dbt_is_running(process), "dbt build to start")
    time.sleep(3)
    kill(process)
    assert published(analyst_db) == (first_id, first_sums)

    # 3. During publish: the new file is complete but not yet renamed over the old one.
    marker.unlink()
    process = start_build(env, fault="publish:before-rename", marker=marker)
    wait_for(marker.exists, "the publish fault point")
    kill(process)
    assert published(analyst_db) == (first_id, first_sums)
    assert list(analyst_db.parent.glob(".analyst.duckdb.*.building")), "no half-published file?"

    # An analyst holds a read-only connection open in another process (in this process DuckDB
    # would hand back its cached instance of the old file to every new connection).
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST_SESSION, str(analyst_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert analyst.stdout.readline().strip() == first_id
    # The next build recovers the working database, publishes, and cleans up; same inputs give
    # the same marts, checksum for checksum.
    try:
        build(env)
        new_id, new_sums = published(analyst_db)
        assert new_id != first_id
        assert new_sums == first_sums
        assert rows_differing(first_copy, analyst_db, MARTS) == {t: (0, 0) for t in MARTS}
        assert not list(analyst_db.parent.glob(".analyst.duckdb.*.building"))
        # The held connection still reads the build it opened, and kept working throughout.
        held_id, _ = analyst.communicate("again\n", timeout=60)
        assert held_id.strip() == first_id
    finally:
        analyst.kill()
