"""`make run`: demo extracts if no source folder is configured, then the `build_everything` job
(the same job the nightly schedule runs), then a summary of what landed where."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from orchestration.failures import root_cause
from orchestration.settings import SettingError, Settings


def _ensure_demo_extracts(settings: Settings) -> None:
    """Generate the demo extracts when there are none, or when CSC_DATA_AS_AT asks for another
    date than the one they stand on: the demo of late recording and revisions is a run as at one
    month end, then a run as at the next (README, "Revisions on the demo")."""
    from demo_data.generator import AS_AT_FILE, ArgumentError, generate

    marker = settings.source_dir / AS_AT_FILE
    current = marker.read_text("utf-8").strip() if marker.exists() else None
    wanted = settings.data_as_at
    if any(settings.source_dir.glob("*.csv")) and wanted in (None, current):
        as_at = f" as at {current}" if current else ""
        print(f"Using demo extracts in {settings.source_dir}{as_at}")
        return
    as_at = f" as at {wanted}" if wanted else ""
    print(f"Generating demo extracts in {settings.source_dir}{as_at} (synthetic data) ...")
    try:
        generate(settings.source_dir, as_at=wanted)
    except ArgumentError as exc:
        raise SettingError(f"CSC_DATA_AS_AT for the demo: {exc}") from None


def _summary(settings: Settings) -> None:
    # Read the published copy: another build (the nightly schedule, the sensor) may already hold
    # the working database.
    con = duckdb.connect(str(settings.analyst_db), read_only=True)
    try:
        loads = con.execute(
            """
            select extract, status, rows_read, rows_loaded, rows_rejected, rows_blank, message
            from audit.ingest_log
            qualify row_number() over (partition by extract order by loaded_at desc) = 1
            order by extract
            """
        ).fetchall()
        print("\nExtracts (read = loaded + rejected + blank):")
        warnings = []
        for extract, status, read, loaded, rejected, blank, message in loads:
            print(f"  {extract:28} {status:8} read {read or 0:>8,}  loaded {loaded or 0:>8,}  "
                  f"rejected {rejected or 0:>6,}  blank {blank or 0:>4,}")  # fmt: skip
            warnings += [m for m in (message or "").split("; ") if m]
        for warning in warnings:
            print(f"  warning: {warning}")
        _files_summary(con)
        kpis, months, first, last = con.execute(
            "select count(distinct kpi_id), count(distinct period_end), min(period_end), "
            "max(period_end) from marts.kpi_values"
        ).fetchone()
        print(f"\nmarts.kpi_values: {kpis} KPIs x {months} month ends ({first} to {last})")
        missing = con.execute(
            "select kpi_id, reason_not_published from marts.kpi_coverage "
            "where reason_not_published is not null order by report_order"
        ).fetchall()
        if missing:
            print(f"Not computed from the loaded sources ({len(missing)} KPIs):")
            for kpi_id, reason in missing:
                print(f"  {kpi_id:18} {reason}")
    finally:
        con.close()
    print(f"Working warehouse: {settings.warehouse}")
    print(f"Analyst database (published, read-only): {settings.analyst_db}")
    print(
        "  rejected rows: audit.rejected_rows; KPI exclusions: audit.kpi_exclusions; files: "
        "audit.source_files; SSD extracts against returns: audit.source_reconciliation"
    )
    print(f"  query it: duckdb -readonly {settings.analyst_db}")


def _files_summary(con) -> None:
    """Every file of the source folder: what it was recognised as (by its content), or why it
    was ignored; a statutory return's rows; and the disagreements with the SSD extracts."""
    files = con.execute(
        "select source_file, recognised_as, detail, source_year, status, reason, rows_read, "
        "rows_loaded, rows_rejected, rows_blank, rows_not_loaded, notes from audit.source_files "
        "order by source_file"
    ).fetchall()
    if not files:
        return
    print("\nSource files (statutory returns: read = loaded + rejected + blank + not loaded):")
    for (
        name,
        kind,
        detail,
        year,
        status,
        reason,
        read,
        loaded,
        rejected,
        blank,
        other,
        notes,
    ) in files:  # noqa: E501
        what = " ".join(p for p in (kind, f"({detail})" if detail else None, year) if p)
        if status == "ignored":
            print(f"  {name}: ignored: {reason}")
        elif read is None:
            print(f"  {name}: {what}: {status}: {reason}")
        else:
            counts = f"read {read:,}, loaded {loaded:,}, rejected {rejected:,}, blank {blank:,}"
            print(f"  {name}: {what}: {status}: {counts}, not loaded {other or 0:,}")
            if notes and kind != "SSD extract":
                print(f"    {notes}")
    differences = con.execute(
        "select extract, count(*) from audit.source_reconciliation group by 1 order by 1"
    ).fetchall()
    for extract, n in differences:
        print(f"  {extract}: the SSD extract is loaded; it and the returns differ on {n:,} "
              "records or values (audit.source_reconciliation)")  # fmt: skip


def _ensure_dagster_home() -> None:
    """`make` sets DAGSTER_HOME; run directly, the repository's .dagster_home is used."""
    import os
    import shutil

    from orchestration.permissions import OWNER_ONLY_DIR
    from orchestration.settings import REPO_ROOT

    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    # Run storage keeps every event and message of every run: owner-only, like the warehouse
    # (also for a .dagster_home made before this was so).
    os.chmod(home, OWNER_ONLY_DIR)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(REPO_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)


def failure_messages(result) -> list[str]:
    """One line per failed step (or a failure before any step ran), without stack traces."""
    lines = []
    for event in result.all_events:
        data = event.event_specific_data
        error = getattr(data, "error", None)
        if event.is_step_failure:
            lines.append(f"{event.step_key}: {root_cause(error)}")
        elif event.event_type_value == "RESOURCE_INIT_FAILURE" and error:
            lines.append(root_cause(error))
    return lines or ["the run failed before any step ran (see `make dev`, Runs)"]


_PUBLISHED_OUTPUTS = (
    # (asset key path, what it is, what stays when this build did not write it)
    (("published", "analyst_database"), "The analyst database was", None),
    (("restricted", "exception_lists"), "The exception lists were", "the previous lists stay"),
    (("exports", "kpi_pack"), "The KPI pack was", "the packs already exported stay"),
)


def _step_outcomes(result) -> dict[str, str]:
    """{step key: 'success' | 'failure' | 'skipped'} for the steps of a finished run."""
    outcomes = {}
    for event in result.all_events:
        if event.is_step_success:
            outcomes[event.step_key] = "success"
        elif event.is_step_failure:
            outcomes[event.step_key] = "failure"
        elif event.is_step_skipped:
            outcomes[event.step_key] = "skipped"
    return outcomes


def _published_build(analyst_db: Path) -> str:
    if not analyst_db.exists():
        return "no analyst database has been published yet"
    try:
        con = duckdb.connect(str(analyst_db), read_only=True)
        try:
            build_id, finished = con.execute(
                "select build_id, finished_at from meta.build_info"
            ).fetchone()
        finally:
            con.close()
    except Exception as exc:  # a damaged or foreign file: say so rather than guess
        return f"{analyst_db} could not be read ({type(exc).__name__})"
    return f"it still holds build {build_id}, finished {finished}"


def outcome_lines(result, settings: Settings) -> list[str]:
    """What a failed run did and did not replace, read from the run's own events: each
    extract, the models, and each published output."""
    outcomes = _step_outcomes(result)
    written = {
        tuple(event.asset_key.path)
        for event in result.all_events
        if event.is_step_materialization and event.asset_key is not None
    }
    if not outcomes:
        return ["Nothing was changed: the run stopped before any step started."]
    lines = []
    failed = sorted(k.removeprefix("raw__") for k, v in outcomes.items()
                    if k.startswith("raw__") and v == "failure")  # fmt: skip
    if failed:
        lines.append(f"Extracts that failed kept their previous load: {', '.join(failed)}.")
    dbt = outcomes.get("warehouse_dbt_models")
    if dbt == "failure":
        lines.append(
            "dbt models built before the failure are new, the rest are from the previous build."
        )
    elif dbt in (None, "skipped"):
        lines.append("dbt did not run: the models are those of the previous build.")
    for key, subject, kept in _PUBLISHED_OUTPUTS:
        if key in written:
            lines.append(f"{subject} replaced by this build.")
        elif kept is None:
            lines.append(f"{subject} not replaced: {_published_build(settings.analyst_db)}.")
        else:
            lines.append(f"{subject} not written: {kept}.")
    lines.append("Details: `make dev`, Runs.")
    return lines


def main() -> int:
    # Before anything is written: every file this process (and dbt, its child) creates is
    # owner-only, whatever the umask of the shell or service that started it.
    from orchestration.permissions import owner_only_umask
    from orchestration.preflight import check_before_build
    from orchestration.settings import load_settings

    owner_only_umask()
    try:
        settings = load_settings()
        if settings.demo:
            _ensure_demo_extracts(settings)
        check_before_build(settings)
    except SettingError as exc:
        print(f"Cannot start the build: {exc}", file=sys.stderr)
        return 2
    if not settings.demo:
        print(f"Using source extracts in {settings.source_dir}")

    from orchestration.prepare import prepare_dbt_manifest

    prepare_dbt_manifest()
    import dagster as dg

    from orchestration.definitions import BUILD_JOB_NAME, defs

    job = defs.resolve_job_def(BUILD_JOB_NAME)
    _ensure_dagster_home()
    with dg.DagsterInstance.get() as instance:
        # The console shows dbt's progress only; failures are summarised below without stack
        # traces, warnings are in the summary, and the full event log stays in the Dagster
        # instance (DAGSTER_HOME) for `make dev` to show.
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )
    if not result.success:
        print("\nThe build did not complete:", file=sys.stderr)
        for line in failure_messages(result):
            print(f"  {line}", file=sys.stderr)
        for line in outcome_lines(result, settings):
            print(line, file=sys.stderr)
        return 1
    _summary(settings)
    from orchestration.assets.report_pack import report_pack_summary

    for line in report_pack_summary(result):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
