"""Where things are: every path and setting the pipeline reads from the environment.

Settings are read when a run needs them (never at import time), so `dagster dev`, the nightly
schedule, `make run` and the tests all see the environment of the moment. Relative paths resolve
against the repository root, whatever the working directory (docs/interfaces.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEMO_SOURCE_DIR = "data/demo"
# The dbt of the environment running the pipeline, so PATH does not matter.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
# Every English local authority's DfE code (with its 0-17 population, which the rates need).
POPULATION_SEED = REPO_ROOT / "seeds" / "population_0_17.csv"
DEFAULT_EXPORT_MODE = 0o640
# YYYY-MM, or a date in the month (the pack's month is its first seven characters).
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$")


class SettingError(ValueError):
    """A setting's value cannot be used; the message names the setting and what it expects."""


@functools.cache
def known_la_codes() -> dict[str, str]:
    """{DfE LA code: authority name} from the population seed."""
    with POPULATION_SEED.open(newline="", encoding="utf-8") as handle:
        return {
            row["la_code"]: row["area_name"]
            for row in csv.DictReader(handle)
            if row["geography_level"] == "la" and row["la_code"]
        }


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _la_code(value: str) -> str:
    """The LA code reaches SQL (dbt's var la_code): only three digits on the DfE list pass."""
    if not re.fullmatch(r"\d{3}", value):
        raise SettingError(
            f"CSC_LA_CODE must be the authority's three-digit DfE LA code (such as 330 for "
            f"Birmingham), not {_shown(value)}"
        )
    if value not in known_la_codes():
        raise SettingError(
            f"CSC_LA_CODE {value} is not the DfE code of an English local authority (the "
            f"{len(known_la_codes())} codes are listed in seeds/population_0_17.csv)"
        )
    return value


def _report_month(value: str | None) -> str | None:
    if value and not _MONTH.match(value.strip()):
        raise SettingError(f"CSC_REPORT_MONTH must be a month as YYYY-MM, not {_shown(value)}")
    return value.strip() if value else None


def _export_mode(value: str | None) -> int:
    if not value:
        return DEFAULT_EXPORT_MODE
    if not re.fullmatch(r"0?[0-7]{3}", value.strip()):
        raise SettingError(
            f"CSC_EXPORT_MODE must be an octal file mode such as 640, not {_shown(value)}"
        )
    return int(value.strip(), 8) & 0o666  # files: never executable


def _source_dir() -> Path:
    # Unset means the demo; set but empty is a mistake (a blanked line in a crontab or service
    # file) that must not quietly publish synthetic figures.
    value = os.environ.get("CSC_SOURCE_DIR")
    if value is not None and not value.strip():
        raise SettingError(
            "CSC_SOURCE_DIR is set but empty: set it to the folder of extracts, or unset it "
            "to build on generated demo data"
        )
    return _path("CSC_SOURCE_DIR", DEMO_SOURCE_DIR)


def _date(variable: str) -> str | None:
    """A `YYYY-MM-DD` date setting, or None when unset or empty."""
    text = (os.environ.get(variable) or "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise SettingError(f"{variable} must be a date written YYYY-MM-DD, not {text!r}") from None


def _path(variable: str, default: str) -> Path:
    value = os.environ.get(variable) or default
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


@dataclass(frozen=True)
class Settings:
    source_dir: Path
    benchmarks_dir: Path
    warehouse: Path
    export_dir: Path
    analyst_db: Path
    restricted_dir: Path
    la_code: str
    report_month: str | None
    # True when CSC_SOURCE_DIR is unset and the pipeline runs on generated demo extracts.
    demo: bool
    # Mode of every file the build writes under CSC_EXPORT_DIR (folders also get x where r is).
    export_mode: int = DEFAULT_EXPORT_MODE
    # The date the extracts were taken (months ending after it are partial) and the first day
    # they cover completely; None to infer them from the data (int_data_as_at,
    # int_source_coverage in dbt).
    data_as_at: str | None = None
    data_from: str | None = None

    def dbt_vars(self) -> dict[str, str]:
        """What dbt needs from the settings, passed as `--vars`."""
        return {
            "la_code": self.la_code,
            "data_as_at": self.data_as_at or "",
            "data_from": self.data_from or "",
        }


def load_settings() -> Settings:
    """The settings of the moment; raises SettingError naming a variable that cannot be used."""
    return Settings(
        source_dir=_source_dir(),
        # DfE "Characteristics of children in need" main-tables workbooks, any editions.
        benchmarks_dir=_path("CSC_BENCHMARKS_DIR", "reference/dfe"),
        warehouse=_path("CSC_WAREHOUSE", "data/warehouse.duckdb"),
        export_dir=_path("CSC_EXPORT_DIR", "exports"),
        analyst_db=_path("CSC_ANALYST_DB", "data/analyst.duckdb"),
        restricted_dir=_path("CSC_RESTRICTED_DIR", "restricted"),
        la_code=_la_code((os.environ.get("CSC_LA_CODE") or "330").strip()),
        report_month=_report_month(os.environ.get("CSC_REPORT_MONTH")),
        demo="CSC_SOURCE_DIR" not in os.environ,
        export_mode=_export_mode(os.environ.get("CSC_EXPORT_MODE")),
        data_as_at=_date("CSC_DATA_AS_AT"),
        data_from=_date("CSC_DATA_FROM"),
    )


# Running as a service (`make serve`, deploy/) and telling someone when a night fails. Read when
# used, like the settings above: the webserver and daemon processes see the environment they were
# started with (deploy/csc-kpi.env under systemd).


def _int(variable: str, default: int, minimum: int = 0) -> int:
    text = (os.environ.get(variable) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SettingError(f"{variable} must be a whole number, not {text!r}") from None
    if value < minimum:
        raise SettingError(f"{variable} must be at least {minimum}, not {value}")
    return value


def _flag(variable: str) -> bool:
    text = (os.environ.get(variable) or "").strip().lower()
    if text in ("", "0", "n", "no", "false", "off"):
        return False
    if text in ("1", "y", "yes", "true", "on"):
        return True
    raise SettingError(f"{variable} must be yes or no, not {text!r}")


def dagster_home() -> Path:
    """The Dagster instance folder: run history, schedule state, notices. `make` sets it."""
    return _path("DAGSTER_HOME", ".dagster_home")


DEFAULT_NIGHTLY_CRON = "0 2 * * *"
# The time zone of every schedule: 02:00 is 02:00 in England, summer and winter.
SCHEDULE_TIMEZONE = "Europe/London"


def nightly_cron() -> str:
    """The nightly schedule's cron (Europe/London). Read when the definitions load, i.e. when the
    webserver and daemon start: a change takes effect after a restart."""
    from dagster._utils.schedules import is_valid_cron_string

    cron = (os.environ.get("CSC_NIGHTLY_CRON") or DEFAULT_NIGHTLY_CRON).strip()
    if not is_valid_cron_string(cron):
        raise SettingError(f"CSC_NIGHTLY_CRON must be a cron expression, not {cron!r}")
    return cron


@dataclass(frozen=True)
class ServiceSettings:
    webserver_host: str
    webserver_port: int
    # Where people reach the webserver, for the links in notices.
    webserver_url: str
    # Finished runs older than this many days are deleted with their logs (0 keeps them all).
    run_history_days: int


def load_service_settings() -> ServiceSettings:
    host = (os.environ.get("CSC_WEBSERVER_HOST") or "127.0.0.1").strip()
    port = _int("CSC_WEBSERVER_PORT", 3000, minimum=1)
    if port > 65535:
        raise SettingError(f"CSC_WEBSERVER_PORT must be a port number, not {port}")
    url_host = host if host not in ("0.0.0.0", "::") else _hostname()
    url = (os.environ.get("CSC_WEBSERVER_URL") or f"http://{url_host}:{port}").strip()
    return ServiceSettings(
        webserver_host=host,
        webserver_port=port,
        webserver_url=url.rstrip("/"),
        run_history_days=_int("CSC_RUN_HISTORY_DAYS", 90),
    )


def _hostname() -> str:
    import socket

    return socket.getfqdn()


@dataclass(frozen=True)
class AlertSettings:
    smtp_host: str | None
    smtp_port: int
    smtp_starttls: bool
    smtp_user: str | None
    smtp_password: str | None
    sender: str
    recipients: tuple[str, ...]
    # A notice when no extract has changed for more than this many days (0: never).
    stale_days: int

    @property
    def email_configured(self) -> bool:
        return bool(self.smtp_host)


def load_alert_settings() -> AlertSettings:
    host = (os.environ.get("CSC_ALERT_SMTP_HOST") or "").strip() or None
    recipients = tuple(
        address.strip()
        for address in (os.environ.get("CSC_ALERT_TO") or "").split(",")
        if address.strip()
    )
    if host and not recipients:
        raise SettingError("CSC_ALERT_SMTP_HOST is set but CSC_ALERT_TO names no recipient")
    user = (os.environ.get("CSC_ALERT_SMTP_USER") or "").strip() or None
    return AlertSettings(
        smtp_host=host,
        smtp_port=_int("CSC_ALERT_SMTP_PORT", 25, minimum=1),
        smtp_starttls=_flag("CSC_ALERT_SMTP_STARTTLS"),
        smtp_user=user,
        smtp_password=os.environ.get("CSC_ALERT_SMTP_PASSWORD") or None,
        sender=(os.environ.get("CSC_ALERT_FROM") or "").strip()
        or f"csc-kpi-warehouse@{_hostname()}",
        recipients=recipients,
        stale_days=_int("CSC_ALERT_STALE_DAYS", 4),
    )


def duckdb_memory_limit() -> str:
    """CSC_DUCKDB_MEMORY_LIMIT (default 4GB): the memory each DuckDB process of the build (the
    pipeline's, dbt's) may use before spilling to disk."""
    text = (os.environ.get("CSC_DUCKDB_MEMORY_LIMIT") or "4GB").strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text, re.IGNORECASE):
        raise SettingError(
            f"CSC_DUCKDB_MEMORY_LIMIT must be a size such as 4GB, not {_shown(text)}"
        )
    return text


def full_rebuild() -> bool:
    """CSC_FULL_REBUILD=yes: read every extract and rebuild everything, changed or not."""
    return _flag("CSC_FULL_REBUILD")


def build_lock_timeout() -> float:
    """Seconds a build waits for another build's lock (CSC_BUILD_LOCK_TIMEOUT, default 600)."""
    text = os.environ.get("CSC_BUILD_LOCK_TIMEOUT") or "600"
    try:
        timeout = float(text)
    except ValueError:
        timeout = -1.0
    if not timeout >= 0:  # also refuses nan
        raise SettingError(
            f"CSC_BUILD_LOCK_TIMEOUT must be a number of seconds, not {_shown(text)}"
        )
    return timeout
