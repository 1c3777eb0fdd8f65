"""Which month a pack or an exception list is for: CSC_REPORT_MONTH (`YYYY-MM`) when set, else the
latest complete month in the data (intermediate.int_month_spine.is_complete_month)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import duckdb


class ReportMonthError(ValueError):
    pass


def month_end(month: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}", month or "") or not 1 <= int(month[5:]) <= 12:
        raise ReportMonthError(f"CSC_REPORT_MONTH must be YYYY-MM, not {month!r}")
    year, number = int(month[:4]), int(month[5:])
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def resolve_report_month(con: duckdb.DuckDBPyConnection, configured: str | None) -> dt.date:
    """The period end of the report month, checked against the months the data cover."""
    covered = {
        row[0]: row[1]
        for row in con.execute(
            "select period_end, is_complete_month from intermediate.int_month_spine"
        ).fetchall()
    }
    if configured:
        wanted = month_end(configured)
        if wanted not in covered:
            first, last = min(covered), max(covered)
            raise ReportMonthError(
                f"CSC_REPORT_MONTH {configured} is outside the data ({first:%Y-%m} to {last:%Y-%m})"
            )
        return wanted
    complete = [end for end, is_complete in covered.items() if is_complete]
    if not complete:
        raise ReportMonthError("the data do not cover a complete month yet")
    return max(complete)
