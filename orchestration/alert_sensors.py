"""Sensors that tell someone: a build failed, a build succeeded after a failure, the source
extracts have stopped changing. Each writes a notice (orchestration/notices.py) to
`DAGSTER_HOME/notices/` and emails it when SMTP is configured.

The daemon runs them (`make serve`, deploy/); `make run` executes the job in its own process and
prints its failures instead.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import dagster as dg

from orchestration.failures import root_cause
from orchestration.notices import SUBJECT_PREFIX, Notice, deliver, one_line
from orchestration.sensors import extract_fingerprints
from orchestration.settings import (
    SettingError,
    dagster_home,
    load_alert_settings,
    load_service_settings,
    load_settings,
)

# orchestration.definitions imports this module, so the job's name is repeated, not imported.
BUILD_JOB_NAME = "build_everything"
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
SERVICE_LOGS = "journalctl -u csc-kpi-daemon (deploy/), or the terminal running `make serve`"


def _run_page(run_id: str) -> str:
    try:
        return f"{load_service_settings().webserver_url}/runs/{run_id}"
    except SettingError as exc:
        return f"(no link: {exc})"


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return f"{dt.datetime.fromtimestamp(timestamp).astimezone():%Y-%m-%d %H:%M:%S %Z}"


def _started_by(run: dg.DagsterRun) -> str:
    if "dagster/schedule_name" in run.tags:
        return f"schedule {run.tags['dagster/schedule_name']}"
    if "dagster/sensor_name" in run.tags:
        return f"sensor {run.tags['dagster/sensor_name']}"
    return "launched by hand"


def _analyst_build(run_id: str) -> str:
    """Which build analysts see now (ids and times only, never a value from the data)."""
    try:
        import duckdb

        path = load_settings().analyst_db
        if not path.exists():
            return f"Analyst database: none published yet ({path})"
        con = duckdb.connect(str(path), read_only=True)
        try:
            build_id, finished_at = con.execute(
                "select build_id, finished_at from meta.build_info"
            ).fetchone()
        finally:
            con.close()
    except Exception as exc:  # noqa: BLE001 - a notice goes out whatever state the file is in
        return f"Analyst database: could not be read ({type(exc).__name__})"
    this_run = " (published by this run)" if build_id == run_id else ""
    return f"Analyst database: holds build {build_id}, finished {finished_at}{this_run}"


def failure_causes(
    instance: dg.DagsterInstance, run_id: str, failure_event: dg.DagsterEvent | None
) -> list[tuple[str | None, str]]:
    """(step, one-line root cause) for every failed step; for a run that failed before or
    outside any step (a resource that could not start, a killed run worker, a run that exceeded
    its time limit), the run's own failure."""
    causes = []
    for kind in (dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RESOURCE_INIT_FAILURE):
        records = instance.get_records_for_run(run_id=run_id, of_type=kind).records
        for record in records:
            event = record.event_log_entry.dagster_event
            error = getattr(event.event_specific_data, "error", None)
            causes.append((event.step_key, one_line(root_cause(error))))
        if causes:
            return causes
    error = getattr(getattr(failure_event, "event_specific_data", None), "error", None)
    if error is not None:
        return [(None, one_line(root_cause(error)))]
    message = (failure_event.message if failure_event else None) or "(no message recorded)"
    return [(None, one_line(message))]


def failure_notice(
    instance: dg.DagsterInstance, run: dg.DagsterRun, failure_event: dg.DagsterEvent | None
) -> Notice:
    record = instance.get_run_record_by_id(run.run_id)
    causes = failure_causes(instance, run.run_id, failure_event)
    steps = [step for step, _ in causes if step]
    lines = [
        f"The build failed: job {run.job_name}.",
        "",
        f"Job:      {run.job_name} ({_started_by(run)})",
        f"Run:      {run.run_id}",
        f"Started:  {_when(record.start_time if record else None)}",
        f"Failed:   {_when(record.end_time if record else None)}",
    ]
    for step, cause in causes:
        lines.append(f"Step:     {step or '(the run, before or outside any step)'}")
        lines.append(f"  Cause:  {cause}")
    lines += [
        "",
        "Where to look:",
        f"  Run page:     {_run_page(run.run_id)}",
        f"  Step logs:    {dagster_home() / 'storage' / run.run_id / 'compute_logs'}",
        f"  Service logs: {SERVICE_LOGS}",
        "",
        _analyst_build(run.run_id),
    ]
    if run.job_name == BUILD_JOB_NAME:
        lines.append(
            "Extracts that failed kept their previous load; dbt does not run on a partial "
            "ingest; the analyst database is replaced only by a complete, tested build."
        )
    where = ""
    if steps:
        where = f", step {steps[0]}" + (f" and {len(steps) - 1} more" if len(steps) > 1 else "")
    subject = f"{SUBJECT_PREFIX} Build FAILED: {run.job_name}{where}"
    return Notice(kind="failure", subject=subject, body="\n".join(lines), reference=run.run_id)


def previous_finished_run(instance: dg.DagsterInstance, run: dg.DagsterRun):
    """The latest run of the same job created before `run` that succeeded or failed (a run
    cancelled by hand is neither a good night nor a bad one)."""
    record = instance.get_run_record_by_id(run.run_id)
    if record is None:
        return None
    earlier = instance.get_run_records(
        dg.RunsFilter(
            job_name=run.job_name, statuses=FINISHED, created_before=record.create_timestamp
        ),
        limit=1,
    )
    return earlier[0] if earlier else None


def recovery_notice(instance: dg.DagsterInstance, run: dg.DagsterRun) -> Notice | None:
    """A notice when `run` succeeded and the run before it failed; otherwise None."""
    previous = previous_finished_run(instance, run)
    if previous is None or previous.dagster_run.status != dg.DagsterRunStatus.FAILURE:
        return None
    record = instance.get_run_record_by_id(run.run_id)
    lines = [
        f"The build succeeded again after a failure: job {run.job_name}.",
        "",
        f"Job:          {run.job_name} ({_started_by(run)})",
        f"Run:          {run.run_id}",
        f"Finished:     {_when(record.end_time if record else None)}",
        f"Failed run:   {previous.dagster_run.run_id} (ended {_when(previous.end_time)})",
        "",
        "Where to look:",
        f"  Run page:     {_run_page(run.run_id)}",
        f"  Service logs: {SERVICE_LOGS}",
        "",
        _analyst_build(run.run_id),
    ]
    return Notice(
        kind="recovery",
        subject=f"{SUBJECT_PREFIX} Build recovered: {run.job_name} succeeded after a failure",
        body="\n".join(lines),
        reference=run.run_id,
    )


def build_failure_sensor(jobs):
    @dg.run_failure_sensor(
        name="build_failed_notice",
        monitored_jobs=jobs,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "A notice (DAGSTER_HOME/notices/, and email when CSC_ALERT_SMTP_HOST is set) for "
            "every failed run: job, step, root cause in one line, where to look."
        ),
    )
    def build_failed_notice(context: dg.RunFailureSensorContext):
        notice = failure_notice(context.instance, context.dagster_run, context.failure_event)
        deliver(notice, context.log)

    return build_failed_notice


def build_recovery_sensor(job):
    @dg.run_status_sensor(
        run_status=dg.DagsterRunStatus.SUCCESS,
        name="build_recovered_notice",
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="A notice when a build succeeds after the previous one failed.",
    )
    def build_recovered_notice(context: dg.RunStatusSensorContext):
        notice = recovery_notice(context.instance, context.dagster_run)
        if notice is None:
            return dg.SkipReason("the previous build did not fail")
        deliver(notice, context.log)

    return build_recovered_notice


# The stale-source check.


def stale_source_state(
    source_dir, state: dict, stale_days: int, now: float
) -> tuple[dict, Notice | None]:
    """The next cursor state and, once per stale episode, a notice.

    `state["changed"]` keeps, for each extract file, when its content last changed (the file's
    modification time when a new hash was seen); the source is stale when the newest of those is
    more than `stale_days` old. A notice is sent once per episode: `state["notified"]` holds the
    change time it was sent for, so the next change re-arms it.
    """
    fingerprints = extract_fingerprints(source_dir, state.get("files", {}))
    known = state.get("files", {})
    changed = {}
    for name, (_, mtime_ns, sha) in fingerprints.items():
        previous = known.get(name)
        if previous and previous[2] == sha and name in state.get("changed", {}):
            changed[name] = state["changed"][name]
        else:
            changed[name] = mtime_ns / 1e9
    new_state = {"files": fingerprints, "changed": changed, "notified": state.get("notified")}
    if not fingerprints:
        episode = "no-extracts"
        why = (
            f"CSC_SOURCE_DIR ({source_dir}) does not exist"
            if not source_dir.is_dir()
            else f"CSC_SOURCE_DIR ({source_dir}) holds no extract files"
        )
        newest_name, newest = None, None
    else:
        newest_name = max(changed, key=changed.get)
        newest = changed[newest_name]
        if now - newest <= stale_days * 86400:
            new_state["notified"] = None
            return new_state, None
        episode = f"{newest:.0f}"
        days = (now - newest) / 86400
        why = (
            f"No extract in CSC_SOURCE_DIR ({source_dir}) has changed for {days:.1f} days "
            f"(more than CSC_ALERT_STALE_DAYS = {stale_days})."
        )
    if state.get("notified") == episode:
        return new_state, None
    new_state["notified"] = episode
    lines = [
        "The source extracts have stopped changing: the extract job upstream may have stopped.",
        "",
        why,
    ]
    if newest_name:
        lines.append(f"Latest change: {newest_name} at {_when(newest)}")
    lines += [
        f"Extract files seen: {len(fingerprints)}",
        "",
        "Nightly builds go on with the extracts as they are; the figures do not move until new "
        "extracts arrive. Check the job that writes the extracts into CSC_SOURCE_DIR.",
        f"Service logs: {SERVICE_LOGS}",
    ]
    notice = Notice(
        kind="stale-source",
        subject=f"{SUBJECT_PREFIX} Source extracts stale: nothing new in CSC_SOURCE_DIR",
        body="\n".join(lines),
        reference=episode,
    )
    return new_state, notice


def build_stale_source_sensor():
    @dg.sensor(
        name="source_extracts_stale",
        minimum_interval_seconds=3600,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "A notice when no extract in CSC_SOURCE_DIR has changed for more than "
            "CSC_ALERT_STALE_DAYS days, or the folder holds none (once per episode)."
        ),
    )
    def source_extracts_stale(context: dg.SensorEvaluationContext):
        settings = load_settings()
        if settings.demo:
            return dg.SkipReason("CSC_SOURCE_DIR is not set: demo extracts are not watched")
        try:
            stale_days = load_alert_settings().stale_days
        except SettingError as exc:
            context.log.warning(f"stale-source check skipped: {exc}")
            return dg.SkipReason(str(exc))
        if stale_days == 0:
            return dg.SkipReason("CSC_ALERT_STALE_DAYS is 0: the check is off")
        state = json.loads(context.cursor) if context.cursor else {}
        new_state, notice = stale_source_state(settings.source_dir, state, stale_days, time.time())
        if notice is not None:
            deliver(notice, context.log)
        context.update_cursor(json.dumps(new_state))
        if notice is None:
            return dg.SkipReason("extracts are fresh, or this episode was already reported")
        return dg.SkipReason(f"stale-source notice sent ({notice.reference})")

    return source_extracts_stale
