"""Notices of a failed build, a recovered build and a stale source (orchestration/notices.py,
orchestration/alert_sensors.py): what they say, where they go, and that a failure to email never
stops the sensor. The service test (test_service.py) sends them from a running daemon."""

from __future__ import annotations

import os
import time

import dagster as dg
import pytest

from orchestration.alert_sensors import (
    build_failure_sensor,
    build_recovery_sensor,
    build_stale_source_sensor,
    stale_source_state,
)
from tests.local_smtp import free_port, smtp_server

# A step message whose second line carries a row (as a careless reader's error might): only the
# first line is the root cause, so the row never reaches a notice.
CAUSE = "ssd_contacts.csv: required column 'cont_contact_date' is missing"
ROW_LINE = "first row: C7731942,P5510213,2011-03-04"


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("CSC_ALERT_") or name.startswith("CSC_WEBSERVER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CSC_WEBSERVER_PORT", "3999")
    monkeypatch.setenv("CSC_ANALYST_DB", str(tmp_path / "analyst.duckdb"))
    return home


def _job_defs():
    @dg.asset(key=["raw", "ssd_contacts"])
    def contacts():
        if os.environ.get("TEST_BUILD_FAILS") == "1":
            raise dg.Failure(description=f"{CAUSE}\n{ROW_LINE}")

    @dg.asset(deps=[contacts])
    def marts():
        pass

    job = dg.define_asset_job("build_everything")
    return dg.Definitions(
        assets=[contacts, marts],
        jobs=[job],
        sensors=[build_failure_sensor([job]), build_recovery_sensor(job)],
    )


def _build(instance, monkeypatch, fails: bool):
    monkeypatch.setenv("TEST_BUILD_FAILS", "1" if fails else "0")
    job = _job_defs().resolve_job_def("build_everything")
    return job.execute_in_process(instance=instance, raise_on_error=False)


def _on_failure(instance, result):
    sensor = _job_defs().resolve_sensor_def("build_failed_notice")
    context = dg.build_run_status_sensor_context(
        sensor_name="build_failed_notice",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()
    return sensor(context)


def _on_success(instance, result):
    sensor = _job_defs().resolve_sensor_def("build_recovered_notice")
    context = dg.build_run_status_sensor_context(
        sensor_name="build_recovered_notice",
        dagster_event=result.get_run_success_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    return sensor(context)


def _notices(home):
    return sorted((home / "notices").glob("*.txt"))


def test_a_failed_build_is_emailed_and_written_with_job_step_cause_and_where_to_look(
    home, monkeypatch
):
    with smtp_server() as mailbox, dg.DagsterInstance.ephemeral() as instance:
        monkeypatch.setenv("CSC_ALERT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CSC_ALERT_SMTP_PORT", str(mailbox.port))
        monkeypatch.setenv("CSC_ALERT_TO", "performance@example.org, duty@example.org")
        monkeypatch.setenv("CSC_ALERT_FROM", "warehouse@example.org")
        result = _build(instance, monkeypatch, fails=True)
        assert not result.success
        _on_failure(instance, result)
        run_id = result.run_id

    [email] = mailbox.messages
    assert email.recipients == ["performance@example.org", "duty@example.org"]
    assert email.sender == "warehouse@example.org"
    assert email.subject == (
        "[CSC KPI warehouse] Build FAILED: build_everything, step raw__ssd_contacts"
    )
    for expected in (
        "Job:      build_everything (launched by hand)",
        f"Run:      {run_id}",
        "Step:     raw__ssd_contacts",
        f"  Cause:  {CAUSE}",
        f"Run page:     http://127.0.0.1:3999/runs/{run_id}",
        f"Step logs:    {home / 'storage' / run_id / 'compute_logs'}",
        "Analyst database: none published yet",
    ):
        assert expected in email.body
    # The row on the message's second line, and any stack trace, stay out.
    assert "C7731942" not in email.text and "P5510213" not in email.text
    assert "Traceback" not in email.body and 'File "' not in email.body

    [notice] = _notices(home)
    text = notice.read_text()
    assert email.body.strip() in text
    assert "Email: sent to performance@example.org, duty@example.org via 127.0.0.1:" in text
    assert run_id in notice.name and "failure" in notice.name
    assert oct((home / "notices").stat().st_mode & 0o777) == "0o700"
    assert oct(notice.stat().st_mode & 0o777) == "0o600"


def test_without_smtp_the_notice_is_still_written(home, monkeypatch):
    with dg.DagsterInstance.ephemeral() as instance:
        _on_failure(instance, _build(instance, monkeypatch, fails=True))
    [notice] = _notices(home)
    text = notice.read_text()
    assert f"Cause:  {CAUSE}" in text
    assert "Email: not configured (CSC_ALERT_SMTP_HOST is not set)" in text


@pytest.mark.parametrize(
    "settings, recorded",
    [
        # Nothing listens on the port: the sensor carries on, the file says why.
        ({"CSC_ALERT_SMTP_PORT": "{closed}"}, "ConnectionRefusedError"),
        # A bad setting is reported, not raised.
        ({"CSC_ALERT_SMTP_PORT": "twenty-five"}, "CSC_ALERT_SMTP_PORT must be a whole number"),
        ({"CSC_ALERT_TO": " , "}, "CSC_ALERT_TO names no recipient"),
    ],
)
def test_a_failure_to_email_is_recorded_and_never_raised(home, monkeypatch, settings, recorded):
    monkeypatch.setenv("CSC_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CSC_ALERT_TO", "performance@example.org")
    for name, value in settings.items():
        monkeypatch.setenv(name, value.format(closed=free_port()))
    with dg.DagsterInstance.ephemeral() as instance:
        _on_failure(instance, _build(instance, monkeypatch, fails=True))  # does not raise
    [notice] = _notices(home)
    text = notice.read_text()
    assert f"Cause:  {CAUSE}" in text
    assert "Email: NOT SENT" in text or "Email: not sent" in text
    assert recorded in text


def test_a_notice_file_that_cannot_be_written_still_goes_by_email(home, monkeypatch):
    (home / "notices").write_text("a file where the folder should be")  # as a full disk would
    with smtp_server() as mailbox, dg.DagsterInstance.ephemeral() as instance:
        monkeypatch.setenv("CSC_ALERT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CSC_ALERT_SMTP_PORT", str(mailbox.port))
        monkeypatch.setenv("CSC_ALERT_TO", "performance@example.org")
        _on_failure(instance, _build(instance, monkeypatch, fails=True))
    [email] = mailbox.messages
    assert f"Cause:  {CAUSE}" in email.body
    assert "(Not in the notices folder: the notice file could not be written" in email.body


def test_a_notice_neither_written_nor_emailed_fails_the_tick(home, monkeypatch):
    from orchestration.notices import NoticeUndelivered

    (home / "notices").write_text("a file where the folder should be")
    with dg.DagsterInstance.ephemeral() as instance:
        result = _build(instance, monkeypatch, fails=True)
        # Raised, so the daemon records a failed tick and tries the notice again.
        with pytest.raises(NoticeUndelivered, match="no file written"):
            _on_failure(instance, result)


def test_starttls_requested_but_not_offered_sends_nothing_in_the_clear(home, monkeypatch):
    with smtp_server() as mailbox, dg.DagsterInstance.ephemeral() as instance:
        monkeypatch.setenv("CSC_ALERT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CSC_ALERT_SMTP_PORT", str(mailbox.port))
        monkeypatch.setenv("CSC_ALERT_TO", "performance@example.org")
        monkeypatch.setenv("CSC_ALERT_SMTP_STARTTLS", "yes")
        monkeypatch.setenv("CSC_ALERT_SMTP_USER", "warehouse")
        monkeypatch.setenv("CSC_ALERT_SMTP_PASSWORD", "not-sent-in-clear")
        _on_failure(instance, _build(instance, monkeypatch, fails=True))
    assert mailbox.messages == []
    [notice] = _notices(home)
    assert "Email: NOT SENT" in notice.read_text()
    assert "STARTTLS" in notice.read_text()


# Plain-text AUTH on loopback, for this test's server only.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_when_a_user_is_set(home, monkeypatch):
    with (
        smtp_server(login=("warehouse", "s3cret")) as mailbox,
        dg.DagsterInstance.ephemeral() as instance,
    ):
        monkeypatch.setenv("CSC_ALERT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CSC_ALERT_SMTP_PORT", str(mailbox.port))
        monkeypatch.setenv("CSC_ALERT_TO", "performance@example.org")
        monkeypatch.setenv("CSC_ALERT_SMTP_USER", "warehouse")
        monkeypatch.setenv("CSC_ALERT_SMTP_PASSWORD", "s3cret")
        _on_failure(instance, _build(instance, monkeypatch, fails=True))
    assert mailbox.logins == ["warehouse"]
    assert len(mailbox.messages) == 1
    # The password is never written down.
    assert "s3cret" not in _notices(home)[0].read_text()


def test_a_success_after_a_failure_sends_a_recovery_notice_once(home, monkeypatch):
    with smtp_server() as mailbox, dg.DagsterInstance.ephemeral() as instance:
        monkeypatch.setenv("CSC_ALERT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CSC_ALERT_SMTP_PORT", str(mailbox.port))
        monkeypatch.setenv("CSC_ALERT_TO", "performance@example.org")
        first_ok = _build(instance, monkeypatch, fails=False)
        assert isinstance(_on_success(instance, first_ok), dg.SkipReason)  # no failure before
        failed = _build(instance, monkeypatch, fails=True)
        _on_failure(instance, failed)
        # A run cancelled by hand in between is neither a good night nor a bad one.
        cancelled = instance.create_run_for_job(
            _job_defs().resolve_job_def("build_everything"), status=dg.DagsterRunStatus.CANCELED
        )
        assert cancelled.status == dg.DagsterRunStatus.CANCELED
        recovered = _build(instance, monkeypatch, fails=False)
        assert _on_success(instance, recovered) is None  # a notice was sent
        again = _build(instance, monkeypatch, fails=False)
        assert isinstance(_on_success(instance, again), dg.SkipReason)

    subjects = [m.subject for m in mailbox.messages]
    assert subjects == [
        "[CSC KPI warehouse] Build FAILED: build_everything, step raw__ssd_contacts",
        "[CSC KPI warehouse] Build recovered: build_everything succeeded after a failure",
    ]
    recovery = mailbox.messages[1].body
    assert f"Run:          {recovered.run_id}" in recovery
    assert f"Failed run:   {failed.run_id}" in recovery
    kinds = [path.name.split("-")[1] for path in _notices(home)]
    assert sorted(kinds) == ["failure", "recovery"]


class BuildLock(dg.ConfigurableResource):
    def setup_for_execution(self, context):
        raise RuntimeError("another build is using warehouse.duckdb (pid 4242); gave up")


def test_a_resource_that_cannot_start_is_named_with_its_cause(home, monkeypatch):
    @dg.asset
    def needs_lock(lock: BuildLock):
        pass

    job = dg.define_asset_job("build_everything")
    defs = dg.Definitions(
        assets=[needs_lock], jobs=[job], resources={"lock": BuildLock()},
        sensors=[build_failure_sensor([job])],
    )  # fmt: skip
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("build_everything").execute_in_process(
            instance=instance, raise_on_error=False
        )
        context = dg.build_run_status_sensor_context(
            sensor_name="build_failed_notice",
            dagster_event=result.get_run_failure_event(),
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        ).for_run_failure()
        defs.resolve_sensor_def("build_failed_notice")(context)
    text = _notices(home)[0].read_text()
    assert "Cause:  RuntimeError: another build is using warehouse.duckdb (pid 4242); gave up" in (
        text
    )


def test_a_run_that_failed_outside_any_step_gives_the_runs_own_message(home):
    # What the daemon's run monitoring reports for a run over its time limit, or whose worker
    # died in a power cut: no step failed, the run did.
    job = dg.define_asset_job("build_everything")
    defs = dg.Definitions(
        assets=[dg.AssetSpec("placeholder")], jobs=[job], sensors=[build_failure_sensor([job])]
    )
    with dg.DagsterInstance.ephemeral() as instance:
        run = instance.create_run_for_job(
            defs.resolve_job_def("build_everything"), status=dg.DagsterRunStatus.STARTED
        )
        event = instance.report_run_failed(run, "Exceeded maximum runtime of 21600 seconds.")
        context = dg.build_run_status_sensor_context(
            sensor_name="build_failed_notice",
            dagster_event=event,
            dagster_instance=instance,
            dagster_run=instance.get_run_by_id(run.run_id),
        ).for_run_failure()
        defs.resolve_sensor_def("build_failed_notice")(context)
    text = _notices(home)[0].read_text()
    assert "Subject: [CSC KPI warehouse] Build FAILED: build_everything\n" in text
    assert "Step:     (the run, before or outside any step)" in text
    assert "Cause:  Exceeded maximum runtime of 21600 seconds." in text


# The stale-source check: days are counted from the last change of content.

DAY = 86400


def _extract(folder, name, text, age_days, now):
    path = folder / f"{name}.csv"
    path.write_text(text)
    os.utime(path, (now - age_days * DAY, now - age_days * DAY))
    return path


def test_stale_extracts_give_one_notice_per_episode(tmp_path):
    now = time.time()
    source = tmp_path / "extracts"
    source.mkdir()
    _extract(source, "ssd_person", "pers_person_id\nP1\n", age_days=6, now=now)
    _extract(source, "ssd_contacts", "cont_contact_id\nC1\n", age_days=5, now=now)

    state, notice = stale_source_state(source, {}, stale_days=4, now=now)
    assert notice is not None and notice.kind == "stale-source"
    assert "has changed for 5.0 days (more than CSC_ALERT_STALE_DAYS = 4)" in notice.body
    assert "Latest change: ssd_contacts.csv" in notice.body
    # Still stale an hour later: already reported.
    state, notice = stale_source_state(source, state, stale_days=4, now=now + 3600)
    assert notice is None

    # Rewritten with the same content: not a change, so still the same episode.
    _extract(source, "ssd_contacts", "cont_contact_id\nC1\n", age_days=0, now=now)
    state, notice = stale_source_state(source, state, stale_days=4, now=now + 7200)
    assert notice is None

    # New content (a new modification time, as any write gives) re-arms the check; five days on
    # with nothing new it is stale again.
    _extract(source, "ssd_contacts", "cont_contact_id\nC2\n", age_days=0, now=now + 30)
    state, notice = stale_source_state(source, state, stale_days=4, now=now + 60)
    assert notice is None and state["notified"] is None
    state, notice = stale_source_state(source, state, stale_days=4, now=now + 5 * DAY)
    assert notice is not None and "has changed for 5.0 days" in notice.body


def test_a_missing_or_empty_source_folder_is_a_notice(tmp_path):
    now = time.time()
    state, notice = stale_source_state(tmp_path / "gone", {}, stale_days=4, now=now)
    assert notice is not None and "does not exist" in notice.body
    state, notice = stale_source_state(tmp_path / "gone", state, stale_days=4, now=now + 60)
    assert notice is None


def test_the_stale_sensor_sends_and_remembers(home, tmp_path, monkeypatch):
    source = tmp_path / "extracts"
    source.mkdir()
    _extract(source, "ssd_person", "pers_person_id\nP1\n", age_days=10, now=time.time())
    monkeypatch.setenv("CSC_SOURCE_DIR", str(source))
    monkeypatch.setenv("CSC_ALERT_STALE_DAYS", "3")
    sensor = build_stale_source_sensor()
    with dg.DagsterInstance.ephemeral() as instance:
        first = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
        second = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=first.cursor)
        )
        monkeypatch.setenv("CSC_ALERT_STALE_DAYS", "0")
        off = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
        monkeypatch.delenv("CSC_SOURCE_DIR")
        demo = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
    assert "stale-source notice sent" in first.skip_message
    assert "already reported" in second.skip_message
    assert "the check is off" in off.skip_message
    assert "demo extracts are not watched" in demo.skip_message
    [notice] = _notices(home)
    assert "No extract in CSC_SOURCE_DIR" in notice.read_text()
    assert "P1" not in notice.read_text()
