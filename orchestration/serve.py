"""`make serve`: the Dagster webserver and daemon as long-running services.

    python -m orchestration.serve             # both, in the foreground (make serve)
    python -m orchestration.serve webserver   # one of them, replacing this process (systemd)
    python -m orchestration.serve daemon
    python -m orchestration.serve prepare     # only the set-up below
    python -m orchestration.serve status      # daemon alive? schedule on? last builds, notices

Set-up, every time: DAGSTER_HOME is created owner-only (0700) if missing, the project's instance
configuration (orchestration/dagster.yaml) is installed there when missing or changed, and the
dbt manifest the definitions load is rebuilt. Then the webserver (bound to CSC_WEBSERVER_HOST,
127.0.0.1 unless set, port CSC_WEBSERVER_PORT) and the daemon (which fires the nightly schedule,
runs the sensors and launches queued runs) start on that instance. In the foreground both stop on
Ctrl-C or SIGTERM, and if either stops by itself the other is stopped too and the exit status is
non-zero, so a supervisor notices.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from orchestration.settings import (
    DBT_PROJECT_DIR,
    REPO_ROOT,
    SCHEDULE_TIMEZONE,
    SettingError,
    dagster_home,
    load_alert_settings,
    load_service_settings,
    nightly_cron,
)

BIN = Path(sys.executable).parent
INSTANCE_CONFIG = REPO_ROOT / "orchestration" / "dagster.yaml"
CODE_LOCATION = "orchestration.definitions"
# How long the webserver and daemon get to stop after SIGTERM before they are killed.
STOP_TIMEOUT_SECONDS = 30


def prepare_home() -> Path:
    """DAGSTER_HOME, owner-only when created here, with the project's instance configuration."""
    home = dagster_home()
    if not home.is_dir():
        home.mkdir(parents=True, mode=0o700)
        # mkdir's mode is filtered by the umask, which can only remove bits; set it exactly.
        os.chmod(home, 0o700)
    target = home / "dagster.yaml"
    wanted = INSTANCE_CONFIG.read_bytes()
    if not target.exists() or target.read_bytes() != wanted:
        temporary = home / ".dagster.yaml.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(wanted)
        os.replace(temporary, target)
        print(f"Instance configuration installed: {target} (from {INSTANCE_CONFIG})")
    return home


def prepare() -> Path:
    """Everything the webserver and the daemon need before they load the definitions."""
    home = prepare_home()
    # Both services may start at once (two systemd units): one dbt parse at a time.
    with os.fdopen(os.open(home / ".prepare.lock", os.O_WRONLY | os.O_CREAT, 0o600), "w") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        from orchestration.prepare import prepare_dbt_manifest

        prepare_dbt_manifest()
    return home


def service_environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DAGSTER_HOME"] = str(home)
    env.setdefault("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    # dagster-dbt and the run workers find the venv's executables first, whatever PATH was.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def commands() -> dict[str, list[str]]:
    settings = load_service_settings()
    return {
        "webserver": [
            str(BIN / "dagster-webserver"),
            "-m",
            CODE_LOCATION,
            "--host",
            settings.webserver_host,
            "--port",
            str(settings.webserver_port),
        ],
        "daemon": [str(BIN / "dagster-daemon"), "run", "-m", CODE_LOCATION],
    }


def _check_settings() -> None:
    """Settings the definitions read when they load: fail here, with the variable named, rather
    than in a code server's stack trace. The alert settings too: a service whose failures cannot
    be emailed as configured should not start as if they could."""
    nightly_cron()
    load_service_settings()
    load_alert_settings()


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    """SIGTERM to each service's process group (its code server and any run it launched), then
    SIGKILL to whatever is left after STOP_TIMEOUT_SECONDS."""
    for process in processes.values():
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop within {STOP_TIMEOUT_SECONDS} s: killed", file=sys.stderr)
    for process in processes.values():
        # The group may outlive its leader (a code server still shutting down): end it too.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()


def serve_foreground() -> int:
    home = prepare()
    env = service_environment(home)
    settings = load_service_settings()
    stopping: list[int] = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, command in commands().items():
            # Each service leads its own process group, so stopping it reaches its code server
            # and its runs, and Ctrl-C reaches them only through _stop (once, in order).
            processes[name] = subprocess.Popen(
                command, env=env, cwd=REPO_ROOT, start_new_session=True
            )
        print(
            f"Serving on DAGSTER_HOME={home}\n"
            f"  webserver: http://{settings.webserver_host}:{settings.webserver_port}"
            f" (pid {processes['webserver'].pid})\n"
            f"  daemon: pid {processes['daemon'].pid}; nightly_build at '{nightly_cron()}'"
            f" {SCHEDULE_TIMEZONE}\n"
            f"  notices: {home / 'notices'}\n"
            "Ctrl-C (or SIGTERM) stops both.",
            flush=True,
        )
        while not stopping:
            exited = [name for name, p in processes.items() if p.poll() is not None]
            if exited:
                codes = ", ".join(f"{n} exited with {processes[n].returncode}" for n in exited)
                print(f"{codes}: stopping the rest", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print(f"Stopping the webserver and the daemon ({signal.Signals(stopping[0]).name})")
        return 0
    finally:
        _stop(processes)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve_one(name: str) -> int:
    """Set up, then become the webserver or the daemon (systemd supervises that process)."""
    home = prepare()
    command = commands()[name]
    sys.stdout.flush()
    os.chdir(REPO_ROOT)
    os.execve(command[0], command, service_environment(home))
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    what = args[0] if args else "all"
    if what not in ("all", "webserver", "daemon", "prepare", "status") or len(args) > 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if what == "status":
        from orchestration.service_status import main as status

        return status()
    try:
        _check_settings()
    except SettingError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    if not shutil.which(str(BIN / "dagster-daemon")):
        print(f"dagster-daemon not found in {BIN}: run `make install`", file=sys.stderr)
        return 2
    if what == "prepare":
        print(f"Prepared DAGSTER_HOME={prepare()}")
        return 0
    if what == "all":
        return serve_foreground()
    return serve_one(what)


if __name__ == "__main__":
    sys.exit(main())
