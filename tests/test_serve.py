"""`make serve`'s set-up without starting anything (the running service is test_service.py):
DAGSTER_HOME owner-only whatever the umask, the project's instance configuration installed and
kept current, the webserver bound to 127.0.0.1 unless a setting says otherwise, bad settings
refused before anything starts, the status report; and the supervision of the two processes
(either stopping stops the other, SIGTERM stops both), with stand-ins for them."""

from __future__ import annotations

import os
import signal
import threading

import dagster as dg
import pytest

from orchestration import serve
from orchestration.service_status import status_lines
from orchestration.settings import REPO_ROOT


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "deep" / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name in list(os.environ):
        if name.startswith(("CSC_WEBSERVER_", "CSC_ALERT_")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("CSC_NIGHTLY_CRON", raising=False)
    return home


def test_dagster_home_is_created_owner_only_whatever_the_umask(home):
    previous = os.umask(0)
    try:
        serve.prepare_home()
    finally:
        os.umask(previous)
    assert oct(home.stat().st_mode & 0o777) == "0o700"
    config = home / "dagster.yaml"
    assert config.read_bytes() == (REPO_ROOT / "orchestration" / "dagster.yaml").read_bytes()
    assert oct(config.stat().st_mode & 0o777) == "0o600"


def test_an_outdated_instance_configuration_is_replaced(home):
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    serve.prepare_home()
    assert "retention:" in (home / "dagster.yaml").read_text()


def test_the_webserver_binds_to_loopback_unless_told(home, monkeypatch):
    webserver = serve.commands()["webserver"]
    assert webserver[webserver.index("--host") + 1] == "127.0.0.1"
    assert webserver[webserver.index("--port") + 1] == "3000"
    monkeypatch.setenv("CSC_WEBSERVER_HOST", "0.0.0.0")
    monkeypatch.setenv("CSC_WEBSERVER_PORT", "8080")
    webserver = serve.commands()["webserver"]
    assert webserver[webserver.index("--host") + 1] == "0.0.0.0"
    assert webserver[webserver.index("--port") + 1] == "8080"
    assert serve.commands()["daemon"][1:] == ["run", "-m", "orchestration.definitions"]


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("CSC_NIGHTLY_CRON", "every night", "CSC_NIGHTLY_CRON must be a cron expression"),
        ("CSC_WEBSERVER_PORT", "http", "CSC_WEBSERVER_PORT must be a whole number"),
        ("CSC_WEBSERVER_PORT", "70000", "CSC_WEBSERVER_PORT must be a port number"),
        ("CSC_ALERT_SMTP_HOST", "smtp.example", "CSC_ALERT_TO names no recipient"),
        ("CSC_ALERT_STALE_DAYS", "a week", "CSC_ALERT_STALE_DAYS must be a whole number"),
    ],
)
def test_bad_settings_stop_it_before_anything_starts(
    home, monkeypatch, capsys, variable, value, message
):
    monkeypatch.setenv(variable, value)
    assert serve.main(["all"]) == 2
    assert message in capsys.readouterr().err
    assert not home.exists()


def test_status_of_an_instance_whose_daemon_never_ran(home):
    serve.prepare_home()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        lines, healthy = status_lines(instance)
    text = "\n".join(lines)
    assert not healthy
    assert "Daemon: has never run on this DAGSTER_HOME" in text
    assert "nightly_build is not on" in text
    assert f"Notices ({home / 'notices'}): 0" in text


def _fake_services(monkeypatch, tmp_path, webserver, daemon):
    """serve_foreground with stand-in processes: its supervision, not Dagster, is under test."""
    monkeypatch.setattr(serve, "prepare", lambda: tmp_path)
    monkeypatch.setattr(serve, "commands", lambda: {"webserver": webserver, "daemon": daemon})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_when_one_service_stops_by_itself_the_other_is_stopped_and_the_exit_is_non_zero(
    home, tmp_path, monkeypatch, capsys
):
    pid_file = tmp_path / "webserver.pid"
    _fake_services(
        monkeypatch,
        tmp_path,
        webserver=["sh", "-c", f"echo $$ > {pid_file}; exec sleep 300"],
        daemon=["sh", "-c", "sleep 2; exit 3"],
    )
    assert serve.serve_foreground() == 1
    assert "daemon exited with 3: stopping the rest" in capsys.readouterr().err
    assert not _alive(int(pid_file.read_text()))


def test_sigterm_stops_both_and_exits_zero(home, tmp_path, monkeypatch, capsys):
    pid_files = [tmp_path / "webserver.pid", tmp_path / "daemon.pid"]
    _fake_services(
        monkeypatch,
        tmp_path,
        webserver=["sh", "-c", f"echo $$ > {pid_files[0]}; exec sleep 300"],
        daemon=["sh", "-c", f"echo $$ > {pid_files[1]}; exec sleep 300"],
    )
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(3, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert serve.serve_foreground() == 0
    finally:
        timer.cancel()
    assert "Stopping the webserver and the daemon (SIGTERM)" in capsys.readouterr().out
    assert not any(_alive(int(p.read_text())) for p in pid_files)
    # The handlers are put back: Ctrl-C works again in whatever called it.
    assert signal.getsignal(signal.SIGTERM) is previous
