"""`make bench`: build the whole pipeline on demo extracts at several scales, and print how long
each part took, the peak memory, the warehouse's size and the floor, as a table
(data/bench/results.md and results.csv; each step's seconds in steps_scale_<n>.json).

For each scale (BENCH_SCALES, default "1 5"; "1 5 50" for the fifty-fold build):

1. the demo generator writes the extracts (cached in extracts_scale_<n>/; above scale 5 as several
   authorities, one at a time, so its memory does not grow with the scale);
2. the floor: DuckDB reading the same files into a table each, and nothing else;
3. the `build_everything` job, as `make run` and the nightly schedule run it, in a fresh
   warehouse: ingest, dbt, publish (analyst database and exception lists) and pack seconds from
   Dagster's step events, the pipeline's peak memory and dbt's (its own process), the size of the
   warehouse;
4. the same job again on the same files, as a second night would: every step finds its inputs
   unchanged.

Every build writes only under the bench folder (BENCH_DIR, default data/bench): its warehouse,
analyst database, exports, restricted folder, Dagster storage and dbt target are all in
run_scale_<n>/, whatever CSC_* settings the shell has (of those only the tuning knobs in
KEPT_SETTINGS are kept), so a benchmark can never replace what analysts read. Each step runs in
its own process so that peak memory is that step's alone.
Nothing is asserted: the figures are for reading and comparing between changes.

    BENCH_SCALES="0.25 1" make bench
"""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from orchestration.settings import REPO_ROOT

DEFAULT_SCALES = "1 5"
MONTHS = 60
STEP_GROUPS = {
    "published__analyst_database": "publish",
    "restricted__exception_lists": "publish",
    "exports__kpi_pack": "pack",
    "warehouse_dbt_models": "dbt",
}


# The shell's CSC_* settings a bench build keeps: how the build may use the machine.
KEPT_SETTINGS = {"CSC_DUCKDB_MEMORY_LIMIT", "CSC_DBT_THREADS", "CSC_BUILD_LOCK_TIMEOUT"}


def bench_dir() -> Path:
    value = os.environ.get("BENCH_DIR")
    return Path(value).resolve() if value else REPO_ROOT / "data" / "bench"


def months() -> int:
    return int(os.environ.get("BENCH_MONTHS") or MONTHS)


def source_dir(scale: float) -> Path:
    return bench_dir() / f"extracts_scale_{scale:g}"


def run_environment(scale: float) -> dict[str, str]:
    """Every setting that names a place the build writes, inside run_scale_<n>/."""
    run = bench_dir() / f"run_scale_{scale:g}"
    return {
        "CSC_SOURCE_DIR": str(source_dir(scale)),
        "CSC_WAREHOUSE": str(run / "warehouse.duckdb"),
        "CSC_ANALYST_DB": str(run / "analyst.duckdb"),
        "CSC_EXPORT_DIR": str(run / "exports"),
        "CSC_RESTRICTED_DIR": str(run / "restricted"),
        "CSC_DBT_TARGET_DIR": str(run / "dbt_target"),
        "DAGSTER_HOME": str(run / "dagster_home"),
    }


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _generate(scale: float) -> dict:
    """Child process: write the extracts of this scale (if not there), with time and memory."""
    from demo_data.generator import generate

    source = source_dir(scale)
    started = time.perf_counter()
    if any(source.glob("*.csv")):
        return {"generate_s": "cached", "generate_peak_mb": ""}
    partial = source.with_name(source.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    generate(partial, scale=scale, months=months(), progress=False)
    partial.rename(source)
    return {
        "generate_s": round(time.perf_counter() - started, 1),
        "generate_peak_mb": _peak_mb(),
    }


def _floor(scale: float) -> dict:
    """Child process: DuckDB reading every extract file into a table, as text, in a scratch
    database: what reading the files costs with nothing else."""
    import duckdb

    scratch = bench_dir() / f"floor_scale_{scale:g}.duckdb"
    scratch.unlink(missing_ok=True)
    files = sorted(source_dir(scale).glob("*.csv"))
    con = duckdb.connect(str(scratch))
    started, cpu_before = time.perf_counter(), _cpu_s()
    rows = 0
    for i, path in enumerate(files):
        con.execute(
            f"create table t{i} as select * from read_csv(?, all_varchar = true)", [str(path)]
        )
        rows += con.execute(f"select count(*) from t{i}").fetchone()[0]
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu_before
    con.close()
    scratch.unlink(missing_ok=True)
    return {
        "source_rows": rows,
        "source_mb": round(sum(p.stat().st_size for p in files) / 2**20),
        "floor_s": round(seconds, 2),
        "floor_cpu_s": round(cpu, 2),
    }


class _ChildPeak:
    """The largest peak memory (VmHWM) of this process's children while it runs: dbt is a
    child of the pipeline (a fork's inherited pages do not count: exec starts a new count)."""

    def __init__(self):
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _watch(self):
        me = str(os.getpid())
        while not self._stop.wait(0.2):
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    status = (proc / "status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
                    self.peak_kb = max(self.peak_kb, int(fields["VmHWM"].split()[0]))


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (dbt): on a shared
    machine a steadier figure than the wall clock, which grows with everyone else's load."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run_job():
    import dagster as dg

    from orchestration.definitions import BUILD_JOB_NAME, defs

    job = defs.resolve_job_def(BUILD_JOB_NAME)
    started = time.perf_counter()
    home = Path(os.environ["DAGSTER_HOME"])
    with dg.DagsterInstance.ephemeral(tempdir=str(home)) as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
    seconds = {"ingest": 0.0, "dbt": 0.0, "publish": 0.0, "pack": 0.0}
    steps = {}
    for event in result.all_events:
        if event.is_step_success:
            steps[event.step_key] = round(event.event_specific_data.duration_ms / 1000, 2)
            group = STEP_GROUPS.get(event.step_key)
            if group is None and event.step_key.startswith(("raw__ssd_", "raw__ext_")):
                group = "ingest"
            if group:  # the DfE workbooks are in the build's total only
                seconds[group] += event.event_specific_data.duration_ms / 1000
    if not result.success:  # the figures of a failed build mean little: say why it failed
        from orchestration.run import failure_messages

        print("\n".join(failure_messages(result)), file=sys.stderr)
    return result.success, time.perf_counter() - started, seconds, steps


def _build(scale: float) -> dict:
    """Child process: the job on a fresh warehouse, then again on the same files."""
    env = run_environment(scale)
    run = Path(env["CSC_WAREHOUSE"]).parent
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    Path(env["DAGSTER_HOME"]).mkdir()
    # The shell's other CSC_* settings are dropped too, so that a setting added later that names
    # a place to write (or an alert's mail server) cannot reach outside the bench folder, and the
    # figures are those of the demo build: only the tuning knobs are kept.
    for name in [n for n in os.environ if n.startswith("CSC_") and n not in KEPT_SETTINGS]:
        del os.environ[name]
    os.environ.update(env)

    from orchestration.prepare import prepare_dbt_manifest

    prepare_dbt_manifest()
    load_before, cpu_before = os.getloadavg()[0], _cpu_s()
    with _ChildPeak() as dbt_peak:
        succeeded, total, seconds, steps = _run_job()
    cpu = _cpu_s() - cpu_before
    peak = _peak_mb()
    warehouse = Path(env["CSC_WAREHOUSE"])
    size = round(warehouse.stat().st_size / 2**20, 1) if warehouse.exists() else 0
    load_after = os.getloadavg()[0]
    cpu_before = _cpu_s()
    again_ok, again, _, again_steps = _run_job() if succeeded else (False, 0.0, None, {})
    again_cpu = _cpu_s() - cpu_before
    # Each step's seconds, for seeing where the time goes (the table has only the groups).
    (bench_dir() / f"steps_scale_{scale:g}.json").write_text(
        json.dumps({"build": steps, "unchanged_rerun": again_steps}, indent=1) + "\n"
    )
    return {
        "ingest_s": round(seconds["ingest"], 1),
        "dbt_s": round(seconds["dbt"], 1),
        "publish_s": round(seconds["publish"], 1),
        "pack_s": round(seconds["pack"], 1),
        "build_s": round(total, 1),
        "unchanged_rerun_s": round(again, 1),
        "build_cpu_s": round(cpu, 1),
        "rerun_cpu_s": round(again_cpu, 1),
        "peak_mb_pipeline": peak,
        "peak_mb_dbt": round(dbt_peak.peak_kb / 1024),
        "warehouse_mb": size,
        # The machine's 1-minute load average as the first build began and ended: on a shared
        # machine, a figure measured under load from others is slower than this code.
        "load_1m": f"{load_before:.1f}-{load_after:.1f}",
        "succeeded": succeeded and again_ok,
    }


def _child(what: str, scale: float) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.bench", f"--{what}", f"{scale:g}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        print(completed.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"scale {scale:g}: {what} failed")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result.get("succeeded") is False:  # a build that failed says why
        print(completed.stderr[-3000:], file=sys.stderr)
    return result


def _ratio(value, floor) -> str:
    return f"{value / floor:.1f}" if floor else ""


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] in ("--generate", "--floor", "--build"):
        what = {"--generate": _generate, "--floor": _floor, "--build": _build}[sys.argv[1]]
        print(json.dumps(what(float(sys.argv[2]))))
        return 0
    folder = bench_dir()
    folder.mkdir(parents=True, exist_ok=True)
    scales = [float(s) for s in os.environ.get("BENCH_SCALES", DEFAULT_SCALES).split()]
    results = []
    for scale in scales:
        print(f"scale {scale:g}: extracts (generated if not cached) ...", flush=True)
        row = {"scale": f"{scale:g}", "months": months(), **_child("generate", scale)}
        print(f"scale {scale:g}: the floor (DuckDB reading the files) ...", flush=True)
        row.update(_child("floor", scale))
        print(f"scale {scale:g}: building, then building again on the same files ...", flush=True)
        row.update(_child("build", scale))
        row["ingest_x_floor"] = _ratio(row["ingest_s"], row["floor_s"])
        row["build_x_floor"] = _ratio(row["build_s"], row["floor_s"])
        row["build_cpu_x_floor_cpu"] = _ratio(row["build_cpu_s"], row["floor_cpu_s"])
        row["rerun_pct_of_build"] = (
            round(100 * row["unchanged_rerun_s"] / row["build_s"]) if row["build_s"] else ""
        )
        results.append(row)
    columns = list(results[0])
    with open(folder / "results.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(results)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(r[c]) for c in columns) + " |" for r in results]
    table = "\n".join(lines)
    (folder / "results.md").write_text(
        f"Benchmark on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}\n\n{table}\n"
    )
    print(table)
    print(f"\nWritten to {folder / 'results.md'} and results.csv")
    return 0 if all(r["succeeded"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
