"""The service end to end: `make serve`'s code path (`python -m orchestration.serve`) starts the
webserver and the daemon on a temporary DAGSTER_HOME, the nightly schedule fires (its cron
overridden to every minute), a night with a bad extract fails and its notice reaches a local SMTP
server and the notice file without an identifier from the extracts, the next night publishes the
analyst database and sends a recovery notice, and SIGTERM stops everything.

Slow (a few minutes: each run starts a process that loads the code location), so marked; it runs
in `make test` all the same. Ports are chosen at run time; every path is temporary; whatever the
outcome, every process started here is stopped in teardown.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.extracts import EXTRACTS, ID
from orchestration.settings import REPO_ROOT
from tests.conftest import FIXTURES
from tests.local_smtp import Mailbox, free_port, smtp_server

pytestmark = pytest.mark.slow

# Generous: on a busy two-core machine a run takes a minute or two to start and finish.
TIMEOUT = 900
# The bad extract: ssd_contacts without its required contact date. Its rows carry identifiers
# that must not reach any notice.
PLANTED_IDS = ("CONTACT7731942", "PERSON5510213")
BAD_CONTACTS = (
    "cont_contact_id,cont_person_id,cont_contact_source_code\n"
    f"{PLANTED_IDS[0]},{PLANTED_IDS[1]},1A\n"
)


@dataclass
class Service:
    home: Path
    source: Path
    analyst_db: Path
    port: int
    mailbox: Mailbox
    process: subprocess.Popen
    log: Path
    env: dict
    good_contacts: str

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def wait_for(self, what: str, probe, timeout: float = TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the service stopped while waiting for {what}:\n{self.log_tail()}")
            value = probe()
            if value:
                return value
            time.sleep(2)
        pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{self.log_tail()}")

    def scheduled_runs(self, status: dg.DagsterRunStatus, started_after: float = 0.0):
        with dg.DagsterInstance.from_config(str(self.home)) as instance:
            records = instance.get_run_records(
                dg.RunsFilter(
                    job_name="build_everything",
                    statuses=[status],
                    tags={"dagster/schedule_name": "nightly_build"},
                )
            )
        return [r for r in records if (r.start_time or 0) > started_after]

    def emails_about(self, run_id: str):
        return [m for m in self.mailbox.messages if run_id in m.body]


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(text)
    os.replace(temporary, path)


def _processes_using(home: Path) -> list[int]:
    """Our own processes started with this DAGSTER_HOME (the test's temporary folder)."""
    marker = f"DAGSTER_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "(gone)"


def _stop(process: subprocess.Popen, home: Path) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for pid in _processes_using(home):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _fixture_identifiers() -> set[str]:
    """Every value of an identifier column in the fixture that could be recognised in text (ids
    with a letter in them: bare numbers such as '11' also occur in times), and every date of
    birth."""
    kinds = {(e.name, c.name): c.kind for e in EXTRACTS for c in e.columns}
    values = set(PLANTED_IDS)
    for path in (FIXTURES / "hand_small").glob("*.csv"):
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    kind = kinds.get((path.stem, column))
                    if value and (kind == ID and re.search("[A-Za-z]", value)):
                        values.add(value)
                    if value and "dob" in column:
                        values.add(value)
    return values


def assert_no_identifier(text: str) -> None:
    tokens = set(re.split(r"[^A-Za-z0-9]+", text))
    leaked = sorted(v for v in _fixture_identifiers() if v in tokens or ("-" in v and v in text))
    assert not leaked, f"identifiers from the extracts in a notice: {leaked}"


# The tests share one running service and the last stops it: they run in file order whatever
# order pytest-randomly gives the rest (tests/conftest.py, _keep_file_order).
KEEP_FILE_ORDER = True


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    work = tmp_path_factory.mktemp("service")
    source = work / "extracts"
    shutil.copytree(FIXTURES / "hand_small", source)
    good_contacts = (source / "ssd_contacts.csv").read_text()
    # The service starts on a bad extract: its first scheduled night fails.
    _write_atomically(source / "ssd_contacts.csv", BAD_CONTACTS)
    home = work / "dagster_home"
    port = free_port()
    with smtp_server() as mailbox:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CSC_", "DAGSTER_")) and k != "DBT_PROFILES_DIR"
        }
        env.update(
            DAGSTER_HOME=str(home),
            CSC_SOURCE_DIR=str(source),
            CSC_WAREHOUSE=str(work / "warehouse.duckdb"),
            CSC_EXPORT_DIR=str(work / "exports"),
            CSC_ANALYST_DB=str(work / "analyst.duckdb"),
            CSC_RESTRICTED_DIR=str(work / "restricted"),
            CSC_NIGHTLY_CRON="* * * * *",
            CSC_WEBSERVER_PORT=str(port),
            CSC_ALERT_SMTP_HOST="127.0.0.1",
            CSC_ALERT_SMTP_PORT=str(mailbox.port),
            CSC_ALERT_TO="performance@example.org",
            CSC_ALERT_FROM="warehouse@example.org",
            # The fixture's files are as old as the checkout; the stale check has its own tests.
            CSC_ALERT_STALE_DAYS="0",
        )
        python = sys.executable
        subprocess.run(
            [python, "-m", "orchestration.serve", "prepare"], env=env, cwd=REPO_ROOT, check=True
        )
        # The source sensor would start a build of its own as soon as the daemon starts; stop it
        # as an operator can (README), so every run here is the schedule's.
        subprocess.run(
            [
                str(Path(python).parent / "dagster"),
                "sensor",
                "stop",
                "source_extracts_changed",
                "-m",
                "orchestration.definitions",
            ],
            env=env,
            cwd=REPO_ROOT,
            check=True,
        )
        log = work / "serve.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [python, "-m", "orchestration.serve"],
                env=env,
                cwd=REPO_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        running = Service(
            home, source, work / "analyst.duckdb", port, mailbox, process, log, env, good_contacts
        )
        try:

            def webserver_up():
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/server_info", timeout=5
                    ) as response:
                        return response.status == 200
                except OSError:
                    return False

            running.wait_for("the webserver", webserver_up, timeout=300)
            yield running
        finally:
            _stop(process, home)


def test_a_failed_night_is_emailed_and_written_without_identifiers(service):
    [failed, *_] = service.wait_for(
        "a scheduled run to fail on the bad extract",
        lambda: service.scheduled_runs(dg.DagsterRunStatus.FAILURE),
    )
    run_id = failed.dagster_run.run_id
    [email] = service.wait_for("the failure email", lambda: service.emails_about(run_id))

    assert email.recipients == ["performance@example.org"]
    assert email.subject == (
        "[CSC KPI warehouse] Build FAILED: build_everything, step raw__ssd_contacts"
    )
    assert "Job:      build_everything (schedule nightly_build)" in email.body
    assert f"Run:      {run_id}" in email.body
    assert "Step:     raw__ssd_contacts" in email.body
    [cause] = [line for line in email.body.splitlines() if line.startswith("  Cause:")]
    assert "ssd_contacts.csv" in cause and "cont_contact_date" in cause
    assert f"Run page:     http://127.0.0.1:{service.port}/runs/{run_id}" in email.body
    assert f"Step logs:    {service.home / 'storage' / run_id / 'compute_logs'}" in email.body
    assert_no_identifier(email.text)

    [notice] = [p for p in (service.home / "notices").glob("*-failure-*.txt") if run_id in p.name]
    text = notice.read_text()
    assert email.body.strip() in text
    assert "Email: sent to performance@example.org via 127.0.0.1:" in text
    assert_no_identifier(text)


def test_the_schedule_fires_and_publishes_and_the_recovery_is_told(service):
    # The service started on the bad extract, so a failed night comes first whatever ran before.
    service.wait_for(
        "a failed scheduled run", lambda: service.scheduled_runs(dg.DagsterRunStatus.FAILURE)
    )
    fixed_at = time.time()
    _write_atomically(service.source / "ssd_contacts.csv", service.good_contacts)

    [succeeded, *_] = service.wait_for(
        "a scheduled run on the fixed extract to succeed",
        lambda: service.scheduled_runs(dg.DagsterRunStatus.SUCCESS, started_after=fixed_at),
    )
    con = duckdb.connect(str(service.analyst_db), read_only=True)
    try:
        [(build_id,)] = con.execute("select build_id from meta.build_info").fetchall()
        kpis = con.execute("select count(distinct kpi_id) from marts.kpi_values").fetchone()[0]
    finally:
        con.close()
    # Published by a scheduled run of this service: the first to succeed, or (on a slow
    # machine, as the schedule fires every minute) one that succeeded since.
    successes = service.scheduled_runs(dg.DagsterRunStatus.SUCCESS, started_after=fixed_at)
    assert build_id in {r.dagster_run.run_id for r in successes}
    assert kpis > 0

    recovery = service.wait_for(
        "the recovery email",
        lambda: [m for m in service.mailbox.messages if "Build recovered" in m.subject],
    )
    body = recovery[0].body
    assert f"Run:          {succeeded.dagster_run.run_id}" in body
    failed_ids = {r.dagster_run.run_id for r in service.scheduled_runs(dg.DagsterRunStatus.FAILURE)}
    [failed_line] = [line for line in body.splitlines() if line.startswith("Failed run:")]
    assert failed_line.split()[2] in failed_ids
    assert_no_identifier(recovery[0].text)

    status = subprocess.run(
        [sys.executable, "-m", "orchestration.serve", "status"],
        env=service.env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert status.returncode == 0, status.stdout + status.stderr
    assert "Daemon: running" in status.stdout
    assert re.search(r"nightly_build +on +'\* \* \* \* \*' Europe/London, next ", status.stdout)
    assert re.search(r"source_extracts_changed +OFF", status.stdout)
    assert succeeded.dagster_run.run_id in status.stdout


def test_sigterm_stops_the_webserver_the_daemon_and_their_runs(service):
    service.process.send_signal(signal.SIGTERM)
    assert service.process.wait(timeout=120) == 0, service.log_tail()
    assert "Stopping the webserver and the daemon (SIGTERM)" in service.log.read_text()
    # Helpers that exit when their parent has gone (multiprocessing's resource tracker, the log
    # tails) take a moment.
    deadline = time.monotonic() + 20
    while _processes_using(service.home) and time.monotonic() < deadline:
        time.sleep(1)
    left = {pid: _command_line(pid) for pid in _processes_using(service.home)}
    assert left == {}, service.log_tail()
