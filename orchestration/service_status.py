"""`make serve-status`: is the service up and the nightly schedule on, without opening the UI.

Reads the Dagster instance in DAGSTER_HOME only (no code is loaded, so it answers in a second):
the daemon's heartbeat, each schedule and sensor as the daemon last saw it (on or off, its cron,
its last tick and the next one), the last builds and the latest notices. Exits 0 when the daemon
is alive and `nightly_build` is on, 1 otherwise, so a monitoring check can call it.
"""

from __future__ import annotations

import datetime as dt
import time

from orchestration.settings import SCHEDULE_TIMEZONE, dagster_home

HEARTBEAT_FRESH_SECONDS = 120
BUILD_JOB = "build_everything"
NIGHTLY = "nightly_build"


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return f"{dt.datetime.fromtimestamp(timestamp).astimezone():%Y-%m-%d %H:%M:%S %Z}"


def _next_fire(cron: str, now: float) -> str:
    from dagster._utils.schedules import cron_string_iterator

    upcoming = next(cron_string_iterator(now, cron, SCHEDULE_TIMEZONE))
    return f"{upcoming:%Y-%m-%d %H:%M %Z}"


def status_lines(instance, now: float | None = None) -> tuple[list[str], bool]:
    """The report, and whether the service is healthy (daemon alive, nightly schedule on)."""
    from dagster import DagsterRunStatus, RunsFilter
    from dagster._core.definitions.run_request import InstigatorType
    from dagster._core.scheduler.instigation import InstigatorStatus

    now = now or time.time()
    lines = [f"DAGSTER_HOME: {dagster_home()}"]
    heartbeats = instance.get_daemon_heartbeats()
    latest = max((beat.timestamp for beat in heartbeats.values()), default=None)
    daemon_alive = latest is not None and now - latest < HEARTBEAT_FRESH_SECONDS
    if latest is None:
        lines.append("Daemon: has never run on this DAGSTER_HOME (start it: make serve, deploy/)")
    elif daemon_alive:
        lines.append(f"Daemon: running (last heartbeat {now - latest:.0f} s ago)")
    else:
        lines.append(f"Daemon: NOT RUNNING (last heartbeat {_when(latest)})")

    nightly_on = False
    states = sorted(instance.all_instigator_state(), key=lambda s: s.instigator_name)
    for kind, title in ((InstigatorType.SCHEDULE, "Schedules"), (InstigatorType.SENSOR, "Sensors")):
        lines.append(f"{title}:")
        for state in (s for s in states if s.instigator_type == kind):
            on = state.status in (InstigatorStatus.RUNNING, InstigatorStatus.DECLARED_IN_CODE)
            detail = ""
            if kind == InstigatorType.SCHEDULE:
                cron = getattr(state.instigator_data, "cron_schedule", None)
                if isinstance(cron, str):
                    detail = f"  '{cron}' {SCHEDULE_TIMEZONE}"
                    if on:
                        detail += f", next {_next_fire(cron, now)}"
                if state.instigator_name == NIGHTLY:
                    nightly_on = on
            ticks = instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)
            last = (
                f"; last tick {_when(ticks[0].timestamp)} {ticks[0].status.value.lower()}"
                + (f" (run {ticks[0].run_ids[0]})" if ticks[0].run_ids else "")
                if ticks
                else "; no tick yet"
            )
            lines.append(f"  {state.instigator_name:26} {'on ' if on else 'OFF'}{detail}{last}")
        if not any(s.instigator_type == kind for s in states):
            lines.append("  (none seen yet: the daemon records them when it first loads the code)")

    lines.append(f"Last builds ({BUILD_JOB}):")
    records = instance.get_run_records(RunsFilter(job_name=BUILD_JOB), limit=5)
    for record in records:
        run = record.dagster_run
        started_by = run.tags.get("dagster/schedule_name") or run.tags.get(
            "dagster/sensor_name", "by hand"
        )
        status = run.status.value
        if run.status == DagsterRunStatus.FAILURE:
            status = "FAILED"
        lines.append(
            f"  {run.run_id}  {status:9} started {_when(record.start_time)}"
            f"  ended {_when(record.end_time)}  ({started_by})"
        )
    if not records:
        lines.append("  none yet")

    notices = sorted((dagster_home() / "notices").glob("*.txt"))
    lines.append(f"Notices ({dagster_home() / 'notices'}): {len(notices)}")
    lines += [f"  {path.name}" for path in notices[-5:]]
    healthy = daemon_alive and nightly_on
    if not nightly_on:
        lines.append(f"{NIGHTLY} is not on (or the daemon has not loaded the code yet)")
    return lines, healthy


def main() -> int:
    from dagster import DagsterInstance

    home = dagster_home()
    if not (home / "dagster.yaml").exists():
        print(f"No Dagster instance in {home}: start the service first (make serve, deploy/)")
        return 1
    with DagsterInstance.from_config(str(home)) as instance:
        lines, healthy = status_lines(instance)
    print("\n".join(lines))
    return 0 if healthy else 1
