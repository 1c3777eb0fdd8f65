"""Where things are: every path and setting the pipeline reads from the environment.

Settings are read when a run needs them (never at import time), so `dagster dev`, the nightly
schedule, `make run` and the tests all see the environment of the moment. Relative paths resolve
against the repository root, whatever the working directory.
"""

from __future__ import annotations

import csv
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


class SettingsError(Exception):
    """A setting that cannot be used; the message names the variable and what it must be."""


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
        raise SettingsError(
            f"CSC_LA_CODE must be the authority's three-digit DfE LA code (such as 330 for "
            f"Birmingham), not {_shown(value)}"
        )
    if value not in known_la_codes():
        raise SettingsError(
            f"CSC_LA_CODE {value} is not the DfE code of an English local authority (the "
            f"{len(known_la_codes())} codes are listed in seeds/population_0_17.csv)"
        )
    return value


def _report_month(value: str | None) -> str | None:
    if value and not _MONTH.match(value.strip()):
        raise SettingsError(f"CSC_REPORT_MONTH must be a month as YYYY-MM, not {_shown(value)}")
    return value.strip() if value else None


def _export_mode(value: str | None) -> int:
    if not value:
        return DEFAULT_EXPORT_MODE
    if not re.fullmatch(r"0?[0-7]{3}", value.strip()):
        raise SettingsError(
            f"CSC_EXPORT_MODE must be an octal file mode such as 640, not {_shown(value)}"
        )
    return int(value.strip(), 8) & 0o666  # files: never executable


def _source_dir() -> Path:
    # Unset means the demo; set but empty is a mistake (a blanked line in a crontab or service
    # file) that must not quietly publish synthetic figures.
    value = os.environ.get("CSC_SOURCE_DIR")
    if value is not None and not value.strip():
        raise SettingsError(
            "CSC_SOURCE_DIR is set but empty: set it to the folder of extracts, or unset it "
            "to build on generated demo data"
        )
    return _path("CSC_SOURCE_DIR", DEMO_SOURCE_DIR)


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


def load_settings() -> Settings:
    """The settings of the moment; raises SettingsError naming a variable that cannot be used."""
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
    )


def build_lock_timeout() -> float:
    """Seconds a build waits for another build's lock (CSC_BUILD_LOCK_TIMEOUT, default 600)."""
    text = os.environ.get("CSC_BUILD_LOCK_TIMEOUT") or "600"
    try:
        timeout = float(text)
    except ValueError:
        timeout = -1.0
    if not timeout >= 0:  # also refuses nan
        raise SettingsError(
            f"CSC_BUILD_LOCK_TIMEOUT must be a number of seconds, not {_shown(text)}"
        )
    return timeout
