"""Where things are: every path and setting the pipeline reads from the environment.

Settings are read when a run needs them (never at import time), so `dagster dev`, the nightly
schedule, `make run` and the tests all see the environment of the moment. Relative paths resolve
against the repository root, whatever the working directory (docs/interfaces.md).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEMO_SOURCE_DIR = "data/demo"
# The dbt of the environment running the pipeline, so PATH does not matter.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"


class SettingError(ValueError):
    """A setting's value cannot be used; the message names the setting and what it expects."""


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
    return Settings(
        source_dir=_path("CSC_SOURCE_DIR", DEMO_SOURCE_DIR),
        # DfE "Characteristics of children in need" main-tables workbooks, any editions.
        benchmarks_dir=_path("CSC_BENCHMARKS_DIR", "reference/dfe"),
        warehouse=_path("CSC_WAREHOUSE", "data/warehouse.duckdb"),
        export_dir=_path("CSC_EXPORT_DIR", "exports"),
        analyst_db=_path("CSC_ANALYST_DB", "data/analyst.duckdb"),
        restricted_dir=_path("CSC_RESTRICTED_DIR", "restricted"),
        la_code=os.environ.get("CSC_LA_CODE") or "330",
        report_month=os.environ.get("CSC_REPORT_MONTH") or None,
        demo=not os.environ.get("CSC_SOURCE_DIR"),
        data_as_at=_date("CSC_DATA_AS_AT"),
        data_from=_date("CSC_DATA_FROM"),
    )
