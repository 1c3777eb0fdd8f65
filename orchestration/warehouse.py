"""The working DuckDB database, opened from the one setting every step shares (CSC_WAREHOUSE),
and the build lock that keeps a second build from writing it at the same time."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from orchestration.permissions import make_private, owner_only_umask
from orchestration.settings import duckdb_memory_limit, load_settings


class BuildLockTimeout(Exception):
    """Another build holds the working database."""


class BuildLock:
    """An exclusive lock on `<warehouse>.build.lock` held for a whole build.

    DuckDB allows one writing process; within a run the in-process executor runs one step at a
    time, and this lock keeps two runs (the nightly schedule and a `make run`, say) from
    interleaving their ingest and dbt steps. The kernel drops the lock when its process dies, so a
    killed build never leaves a stale lock behind.
    """

    def __init__(self, warehouse: Path):
        self.warehouse = warehouse
        self.path = warehouse.with_name(warehouse.name + ".build.lock")
        self._handle = None

    def acquire(self, timeout_seconds: float, on_wait=None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held until release()
        deadline = time.monotonic() + timeout_seconds
        waited = False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self.holder()
                if time.monotonic() >= deadline:
                    handle.close()
                    raise BuildLockTimeout(
                        f"another build is using {self.warehouse} ({holder}); gave up after "
                        f"{timeout_seconds:g} s. Run again when it "
                        "has finished, or set CSC_BUILD_LOCK_TIMEOUT to wait longer."
                    ) from None
                if not waited and on_wait:
                    on_wait(f"waiting for another build to finish ({holder})")
                waited = True
                time.sleep(min(2.0, max(0.1, deadline - time.monotonic())))
        make_private(self.path)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {dt.datetime.now():%Y-%m-%d %H:%M:%S}\n")
        handle.flush()
        self._handle = handle

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "unknown holder"
        except OSError:
            return "unknown holder"

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class WarehouseResource(dg.ConfigurableResource):
    """Opens the working database for a step. The path is resolved when the run starts, so the
    nightly schedule, `dagster dev` and `make run` use the environment of the moment; the build
    lock is held from the start of the run to its end.

    When a run starts, before any step, the settings and folders are checked (a bad one fails the
    run in seconds, naming the variable) and the process umask becomes 077 for the run, so
    everything the steps write (and dbt, which inherits it) is owner-only.
    """

    _lock: BuildLock | None = PrivateAttr(default=None)
    _umask: int | None = PrivateAttr(default=None)
    _run_id: str | None = PrivateAttr(default=None)
    _previous_run_ok: bool = PrivateAttr(default=False)

    @property
    def may_skip_unchanged(self) -> bool:
        """True when steps may skip work whose inputs have not changed (orchestration/
        build_state.py): the previous run finished without a failure and CSC_FULL_REBUILD is
        not set."""
        from orchestration.settings import full_rebuild

        return self._previous_run_ok and not full_rebuild()

    @property
    def run_id(self) -> str:
        return self._run_id or "unknown run"

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        from orchestration.preflight import check_before_build
        from orchestration.settings import build_lock_timeout

        settings = check_before_build()
        log = context.log.warning if context.log else None
        lock = BuildLock(settings.warehouse)
        self._umask = owner_only_umask()
        try:
            lock.acquire(build_lock_timeout(), on_wait=log)
        except BaseException:
            os.umask(self._umask)  # teardown does not run when setup fails
            self._umask = None
            raise
        self._lock = lock
        from orchestration import build_state

        self._run_id = context.run_id
        with self.connect() as con:
            self._previous_run_ok = build_state.begin_run(con, self.run_id)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None and self._run_id is not None:
            from orchestration import build_state

            failed = context.instance.get_records_for_run(
                context.run_id, of_type=dg.DagsterEventType.STEP_FAILURE, limit=1
            ).records
            with self.connect() as con:
                build_state.end_run(con, self._run_id, succeeded=not failed)
            self._run_id = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self._umask is not None:
            os.umask(self._umask)
            self._umask = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        path = load_settings().warehouse
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        # Bounded memory: beyond this DuckDB spills to <warehouse>.tmp (an extract of any size
        # loads in the same memory).
        con.execute(f"set memory_limit = '{duckdb_memory_limit()}'")
        # Every raw record is in this file: owner-only even if it was made under another umask.
        make_private(path, path.with_name(path.name + ".wal"))
        try:
            yield con
        finally:
            con.close()
