"""`make bench` builds only under its own folder (issue 11, item 4).

It once built with the default export folder, analyst database and restricted folder, and so
replaced the published analyst database, a month's pack and the exception lists with a synthetic
build. Here a real bench run (tiny scale) is started with every CSC_* output setting pointing at a
folder of "published" files: afterwards each of them is byte for byte what it was, nothing was
added beside them, and the bench's own build is complete inside the bench folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent


def snapshot(*roots: Path) -> dict[str, str]:
    """{path: SHA-256} of every file under the roots (a missing root is recorded as missing)."""
    files = {}
    for root in roots:
        if not root.exists():
            files[str(root)] = "missing"
        elif root.is_file():
            files[str(root)] = hashlib.sha256(root.read_bytes()).hexdigest()
        else:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


@pytest.mark.slow
def test_a_bench_run_leaves_the_published_outputs_byte_identical(tmp_path):
    published = tmp_path / "published"
    (published / "exports" / "2018-12").mkdir(parents=True)
    (published / "restricted" / "2018-12").mkdir(parents=True)
    (published / "dagster_home").mkdir()
    (published / "analyst.duckdb").write_bytes(b"the analysts' build")
    (published / "warehouse.duckdb").write_bytes(b"the working warehouse")
    (published / "exports" / "2018-12" / "kpi_pack.xlsx").write_bytes(b"December's pack")
    (published / "restricted" / "2018-12" / "kpi_03.csv").write_bytes(b"an exception list")
    (published / "dagster_home" / "dagster.yaml").write_bytes(b"run storage")
    defaults = [REPO / "data" / "analyst.duckdb", REPO / "exports", REPO / "restricted"]
    before = snapshot(published, *defaults)
    bench = tmp_path / "bench"
    env = {
        **os.environ,
        "BENCH_DIR": str(bench),
        "BENCH_SCALES": "0.02",
        "BENCH_MONTHS": "24",
        "CSC_SOURCE_DIR": str(published / "no_such_folder"),
        "CSC_WAREHOUSE": str(published / "warehouse.duckdb"),
        "CSC_ANALYST_DB": str(published / "analyst.duckdb"),
        "CSC_EXPORT_DIR": str(published / "exports"),
        "CSC_RESTRICTED_DIR": str(published / "restricted"),
        "CSC_DBT_TARGET_DIR": str(published / "dbt_target"),
        "DAGSTER_HOME": str(published / "dagster_home"),
    }
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.bench"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        # A guard against a hang, not a time limit: a tiny build takes a minute or two on a quiet
        # machine, but more than fifteen on a shared one under heavy load.
        timeout=2400,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-3000:]
    assert snapshot(published, *defaults) == before
    # The bench built and published for real, in its own folder, from its own extracts.
    run = bench / "run_scale_0.02"
    con = duckdb.connect(str(run / "analyst.duckdb"), read_only=True)
    try:
        source = con.execute("select source_dir from meta.build_info").fetchone()[0]
    finally:
        con.close()
    assert source == str(bench / "extracts_scale_0.02")
    assert any((run / "exports").rglob("kpi_pack.xlsx"))
    assert (run / "dbt_target" / "run_results.json").exists()
    results = (bench / "results.md").read_text()
    assert "| 0.02 |" in results and "unchanged_rerun_s" in results
