"""Exception lists for practice managers: the child-level records behind each missed measure
(dbt model exceptions.exc_missed_measures) for one month, written as CSV files to the restricted
folder with owner-only permissions. Never to the analyst database or the published exports."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from orchestration.permissions import OWNER_ONLY_FILE
from orchestration.permissions import private_dir as _private_dir


def write_exception_lists(
    con: duckdb.DuckDBPyConnection, restricted_dir: Path, period_end: dt.date
) -> dict[str, int]:
    """One CSV per KPI for the month (`<restricted>/<YYYY-MM>/<kpi_id>.csv`), with a header even
    when nothing was missed; returns the row count per KPI."""
    _private_dir(restricted_dir)
    folder = restricted_dir / f"{period_end:%Y-%m}"
    _private_dir(folder)
    # The KPIs with an exception list are the registry's (kpi_catalogue.exception_list), as the
    # build loaded it: every one gets its file, with a header when nothing was missed.
    kpis = [
        row[0]
        for row in con.execute(
            "select kpi_id from reference.kpi_catalogue where exception_list order by kpi_id"
        ).fetchall()
    ]
    counts = {}
    for kpi_id in kpis:
        target = folder / f"{kpi_id}.csv"
        partial = folder / f".{kpi_id}.csv.writing"
        # Created owner-only before any row is written, so the data are never world-readable.
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY, OWNER_ONLY_FILE))
        # Values and the path (CSC_RESTRICTED_DIR) are bound, never pasted into the SQL.
        con.execute(
            "copy (select * from exceptions.exc_missed_measures where kpi_id = ? "
            "and period_end = ? order by person_id, record_id) to ? (header, delimiter ',')",
            [kpi_id, period_end, str(partial)],
        )
        os.chmod(partial, OWNER_ONLY_FILE)
        os.replace(partial, target)
        counts[kpi_id] = con.execute(
            "select count(*) from exceptions.exc_missed_measures where kpi_id = ? "
            "and period_end = ?",
            [kpi_id, period_end],
        ).fetchone()[0]
    return counts
