"""The build's settings as a Dagster resource, so the UI shows them and a run can set them.

Every field is optional and unset by default: the value then comes from its `CSC_*` variable
when a run starts (orchestration/settings.py holds the defaults and the checks), so the nightly
schedule, `make run` and `dagster dev` see the environment of the moment, as before. A field set
in a run's config (the launchpad's `resources: settings: config:`) wins over the variable for
that run only, for instance `report_month: "2018-11"` to remake November's pack.

Why not `dg.EnvVar` for each field: Dagster resolves an `EnvVar` when the run starts and fails
the run if the variable is unset, but every one of these settings has a default and an unset
`CSC_SOURCE_DIR` means "build on the demo data", which an `EnvVar` cannot express.
"""

from __future__ import annotations

import os

import dagster as dg
from pydantic import Field

from orchestration.settings import Settings, load_settings

# Field of the resource -> the variable it stands for (the README's settings table).
VARIABLES = {
    "source_dir": "CSC_SOURCE_DIR",
    "benchmarks_dir": "CSC_BENCHMARKS_DIR",
    "warehouse": "CSC_WAREHOUSE",
    "analyst_db": "CSC_ANALYST_DB",
    "export_dir": "CSC_EXPORT_DIR",
    "restricted_dir": "CSC_RESTRICTED_DIR",
    "la_code": "CSC_LA_CODE",
    "report_month": "CSC_REPORT_MONTH",
    "export_mode": "CSC_EXPORT_MODE",
    "data_as_at": "CSC_DATA_AS_AT",
    "data_from": "CSC_DATA_FROM",
    "history_db": "CSC_HISTORY_DB",
    "history_days": "CSC_HISTORY_DAYS",
    "revision_threshold": "CSC_REVISION_THRESHOLD",
}


def _field(variable: str, what: str):
    return Field(default=None, description=f"{what} Unset: {variable}, or its default.")


class PipelineSettings(dg.ConfigurableResource):
    """Where the build reads and writes, and for which authority and period."""

    source_dir: str | None = _field("CSC_SOURCE_DIR", "Folder of source extracts.")
    benchmarks_dir: str | None = _field("CSC_BENCHMARKS_DIR", "Folder of DfE workbooks.")
    warehouse: str | None = _field("CSC_WAREHOUSE", "The working DuckDB file.")
    analyst_db: str | None = _field("CSC_ANALYST_DB", "The published analyst database.")
    export_dir: str | None = _field("CSC_EXPORT_DIR", "Folder of the report pack and tables.")
    restricted_dir: str | None = _field("CSC_RESTRICTED_DIR", "Folder of exception lists.")
    la_code: str | None = _field("CSC_LA_CODE", "The authority's three-digit DfE code.")
    report_month: str | None = _field("CSC_REPORT_MONTH", "The pack's month, YYYY-MM.")
    export_mode: str | None = _field("CSC_EXPORT_MODE", "Octal mode of exported files.")
    data_as_at: str | None = _field("CSC_DATA_AS_AT", "Date the extracts were taken.")
    data_from: str | None = _field("CSC_DATA_FROM", "First day the extracts cover fully.")
    history_db: str | None = _field("CSC_HISTORY_DB", "The revision history database.")
    history_days: str | None = _field("CSC_HISTORY_DAYS", "Days of revision history kept.")
    revision_threshold: str | None = _field(
        "CSC_REVISION_THRESHOLD", "Smallest change listed as a revision."
    )

    def load(self) -> Settings:
        """The settings of this run, checked; raises SettingError naming the variable."""
        chosen = {
            VARIABLES[name]: value
            for name, value in self.model_dump().items()
            if name in VARIABLES and value is not None
        }
        return load_settings({**os.environ, **chosen})
