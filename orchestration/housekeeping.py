"""Run history that does not grow forever.

Dagster keeps every run's event log (one SQLite file per run under DAGSTER_HOME/history/runs/)
and its step logs (DAGSTER_HOME/storage/<run id>/compute_logs/) until they are deleted, and the
open-source daemon never deletes them. The `prune_run_history` job, on its own schedule after the
nightly build, deletes runs that finished more than CSC_RUN_HISTORY_DAYS days ago, with their
event logs and step logs, and notices (DAGSTER_HOME/notices/) as old. It always keeps the latest
successful build, so the asset catalogue still shows what the analyst database was built from.
Schedule and sensor ticks are purged by the daemon itself (`retention` in dagster.yaml).
"""

# No `from __future__ import annotations`: Dagster inspects the op's context annotation.
import contextlib
import datetime as dt
import os
from pathlib import Path

import dagster as dg

from orchestration.settings import SCHEDULE_TIMEZONE, load_service_settings

PRUNE_JOB_NAME = "prune_run_history"
FINISHED = [
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
]


def _delete_event_log_file(instance: dg.DagsterInstance, run_id: str) -> None:
    """SQLite event storage keeps the emptied per-run database file (as large as before: SQLite
    does not shrink a file) after delete_run: remove it. No process reads a deleted run's events
    (the webserver finds no such run first); this one forgets it had opened the file."""
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    storage = instance.event_log_storage
    if isinstance(storage, SqliteEventLogStorage):
        shard = storage.path_for_shard(run_id)
        for path in (shard, shard + "-wal", shard + "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        initialised = getattr(storage, "_initialized_dbs", None)
        if isinstance(initialised, set):
            initialised.discard(run_id)


def prune_history(
    instance: dg.DagsterInstance,
    keep_days: int,
    keep_latest_success_of: str,
    now: dt.datetime | None = None,
    notices_dir: Path | None = None,
    current_run_id: str | None = None,
) -> dict[str, int]:
    """Delete finished runs created more than `keep_days` days ago (with their event and step
    logs) and older notices; keep the latest successful run of `keep_latest_success_of`."""
    if keep_days <= 0:
        return {"runs_deleted": 0, "notices_deleted": 0}
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=keep_days)
    latest_success = instance.get_run_records(
        dg.RunsFilter(job_name=keep_latest_success_of, statuses=[dg.DagsterRunStatus.SUCCESS]),
        limit=1,
    )
    keep = {record.dagster_run.run_id for record in latest_success}
    if current_run_id:
        keep.add(current_run_id)
    old = instance.get_run_records(dg.RunsFilter(statuses=FINISHED, created_before=cutoff))
    deleted = 0
    for record in old:
        run_id = record.dagster_run.run_id
        if run_id in keep:
            continue
        instance.delete_run(run_id)
        instance.compute_log_manager.delete_logs(prefix=[run_id])
        _delete_event_log_file(instance, run_id)
        deleted += 1
    notices_deleted = 0
    if notices_dir is not None and notices_dir.is_dir():
        for path in notices_dir.glob("*.txt"):
            if path.stat().st_mtime < cutoff.timestamp():
                path.unlink()
                notices_deleted += 1
    return {"runs_deleted": deleted, "notices_deleted": notices_deleted}


@dg.op(description="Delete runs, logs and notices older than CSC_RUN_HISTORY_DAYS days.")
def prune_old_runs(context: dg.OpExecutionContext) -> None:
    from orchestration.definitions import BUILD_JOB_NAME
    from orchestration.notices import notices_dir

    days = load_service_settings().run_history_days
    if days == 0:
        context.log.info("CSC_RUN_HISTORY_DAYS is 0: run history is kept for ever")
        return
    counts = prune_history(
        context.instance,
        keep_days=days,
        keep_latest_success_of=BUILD_JOB_NAME,
        notices_dir=notices_dir(),
        current_run_id=context.run_id,
    )
    context.log.info(
        f"kept {days} days of history: deleted {counts['runs_deleted']} runs (with their event "
        f"and step logs) and {counts['notices_deleted']} notices"
    )


@dg.job(
    name=PRUNE_JOB_NAME,
    description="Keeps CSC_RUN_HISTORY_DAYS days of run history, step logs and notices.",
)
def prune_run_history():
    prune_old_runs()


prune_schedule = dg.ScheduleDefinition(
    name="prune_run_history_daily",
    job=prune_run_history,
    # After the nightly build (02:00): with one run at a time it queues behind a long build.
    cron_schedule="30 5 * * *",
    execution_timezone=SCHEDULE_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
