"""`make bench`: build the whole pipeline at several scale factors and record how long each part
took and the peak memory, as a table (data/bench/results.md and .csv).

Each scale runs in its own process so that peak memory is that build's alone. Timings come from
the Dagster step events of the real `build_everything` job; nothing here is asserted — the
figures are for reading and comparing between changes.

    BENCH_SCALES="0.25 1 2" make bench
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import time

from orchestration.settings import REPO_ROOT

BENCH_DIR = REPO_ROOT / "data" / "bench"
DEFAULT_SCALES = "0.25 1"
MONTHS = 60


def _measure_one(scale: float) -> dict:
    """Runs in a child process: generate (cached), then build, with timings and peak memory."""
    import dagster as dg

    from orchestration.demo_data.generator import generate

    source = BENCH_DIR / f"extracts_scale_{scale:g}"
    warehouse = BENCH_DIR / f"warehouse_scale_{scale:g}.duckdb"
    started = time.perf_counter()
    if not any(source.glob("*.csv")):
        rows = generate(source, scale=scale, months=MONTHS, progress=False)
    else:
        rows = None
    generate_seconds = time.perf_counter() - started
    for stale in (warehouse, warehouse.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    os.environ.update(CSC_SOURCE_DIR=str(source), CSC_WAREHOUSE=str(warehouse))

    from orchestration.prepare import prepare_dbt_manifest

    prepare_dbt_manifest()
    from orchestration.definitions import BUILD_JOB_NAME, defs

    job = defs.resolve_job_def(BUILD_JOB_NAME)
    started = time.perf_counter()
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
    build_seconds = time.perf_counter() - started
    ingest_seconds = dbt_seconds = publish_seconds = 0.0
    for event in result.all_events:
        if event.is_step_success:
            seconds = event.event_specific_data.duration_ms / 1000
            if event.step_key == "warehouse_dbt_models":
                dbt_seconds += seconds
            elif event.step_key.startswith("raw"):
                ingest_seconds += seconds
            else:  # analyst database, exception lists, report pack
                publish_seconds += seconds
    read_rows = None
    if result.success:
        import duckdb

        con = duckdb.connect(str(warehouse), read_only=True)
        read_rows = con.execute("select sum(rows_read) from audit.ingest_log").fetchone()[0]
        con.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # dbt runs as a subprocess
    return {
        "scale": scale,
        "months": MONTHS,
        "source_rows": read_rows if read_rows is not None else sum((rows or {}).values()),
        "generate_s": round(generate_seconds, 1) if rows is not None else "cached",
        "ingest_s": round(ingest_seconds, 1),
        "dbt_build_s": round(dbt_seconds, 1),
        "publish_and_pack_s": round(publish_seconds, 1),
        "total_build_s": round(build_seconds, 1),
        "peak_rss_mb_pipeline": round(own / 1024),
        "peak_rss_mb_dbt": round(children / 1024),
        "warehouse_mb": round(warehouse.stat().st_size / 2**20, 1) if warehouse.exists() else 0,
        "succeeded": result.success,
    }


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(_measure_one(float(sys.argv[2]))))
        return 0
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    scales = [float(s) for s in os.environ.get("BENCH_SCALES", DEFAULT_SCALES).split()]
    results = []
    for scale in scales:
        print(f"scale {scale:g}: generating (if needed) and building ...", flush=True)
        completed = subprocess.run(
            [sys.executable, "-m", "orchestration.bench", "--one", str(scale)],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            print(completed.stderr[-2000:], file=sys.stderr)
            return 1
        results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    columns = list(results[0])
    with open(BENCH_DIR / "results.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(results)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(r[c]) for c in columns) + " |" for r in results]
    table = "\n".join(lines)
    (BENCH_DIR / "results.md").write_text(
        f"Benchmark on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}\n\n{table}\n"
    )
    print(table)
    print(f"\nWritten to {BENCH_DIR / 'results.md'} and results.csv")
    return 0 if all(r["succeeded"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
