"""What the pack says about revisions: which of the month's figures differ from the ones first
published for the month (a marker `r` beside them) and, for the Revisions page, every figure of
the month and the months before it revised by at least the threshold.

The revision history exists only in the analyst database (marts.kpi_revisions, written at each
publication by orchestration/revisions.py), so that is where it is read; every other figure of
the pack comes from the warehouse's reporting layer. The two must be the same build: the pack is
made after the analyst database is published in the same run, and before it reads the history it
checks that the analyst database's marts.kpi_values is the warehouse's (the checksum publication
recorded), so a pack made later from a warehouse that was rebuilt but not published shows no
revision it cannot vouch for.

The history holds figures as computed (unsuppressed): a value first published or now resting on
a denominator below the reporting layer's threshold (reporting.rpt_suppression_rule) is printed
`x` here as it is everywhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.publish import table_checksum
from orchestration.registry import load_registry
from orchestration.report_pack.formatting import (
    MISSING,
    SUPPRESSED,
    format_difference,
    format_value,
    window_label,
)

# Figures are compared rounded to six places, as the history does (revisions.py).
PLACES = 6


@dataclass
class Revisions:
    """The revision history as far as the pack's month is concerned. `available` is False (and
    `reason` says why) when the pack could not read it; then no figure is marked."""

    available: bool
    reason: str | None = None
    threshold: float | None = None
    # marts.kpi_revisions for the month and the months before it, revised figures only, with
    # first_suppressed / now_suppressed (the reporting layer's rule) and the KPI's title.
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    month_end: dt.date | None = None

    def _row(self, kpi_id: str, period_type: str) -> dict | None:
        if not self.available or self.frame.empty:
            return None
        rows = self.frame[
            (self.frame["kpi_id"] == kpi_id)
            & (self.frame["period_type"] == period_type)
            & (self.frame["period_end"] == pd.Timestamp(self.month_end))
        ]
        return rows.iloc[0].to_dict() if len(rows) else None

    def revised(self, kpi_id: str | None, period_type: str | None, part: str = "value") -> bool:
        """Does the month's figure `part` (value, numerator, denominator, or outside: the
        denominator less the numerator) of this KPI and window differ from the one first
        published for the month? Never for a figure suppressed now (an `x` is not a figure)."""
        if not kpi_id or not period_type:
            return False
        row = self._row(kpi_id, period_type)
        if row is None or row["now_suppressed"]:
            return False
        if part == "value":
            return bool(row["is_revised"])
        if part == "outside":
            now = _difference(row["denominator"], row["numerator"])
            first = _difference(row["first_denominator"], row["first_numerator"])
            return _differs(now, first)
        return _differs(row[part], row[f"first_{part}"])

    def of_month(self, kpi_ids: list[str]) -> list[dict]:
        """The month's revised values of these KPIs (any window), for a page's footnote."""
        if not self.available or self.frame.empty:
            return []
        rows = self.frame[
            self.frame["kpi_id"].isin(kpi_ids)
            & (self.frame["period_end"] == pd.Timestamp(self.month_end))
            & self.frame["is_revised"]
            & ~self.frame["now_suppressed"]
        ]
        return rows.to_dict("records")

    @property
    def listed(self) -> pd.DataFrame:
        """The Revisions page: the revisions at or over the threshold, latest month first."""
        if not self.available or self.frame.empty:
            return self.frame
        return self.frame[self.frame["exceeds_threshold"]].reset_index(drop=True)


def _difference(a, b):
    return None if pd.isna(a) or pd.isna(b) else float(a) - float(b)


def _differs(a, b) -> bool:
    a = None if a is None or pd.isna(a) else round(float(a), PLACES)
    b = None if b is None or pd.isna(b) else round(float(b), PLACES)
    return a != b


def unavailable(reason: str, threshold: float | None = None) -> Revisions:
    return Revisions(available=False, reason=reason, threshold=threshold)


def read_revisions(
    warehouse: duckdb.DuckDBPyConnection,
    analyst_db: Path | None,
    month_end: dt.date,
    threshold: float | None = None,
) -> Revisions:
    """The revisions of `month_end` and the months before it, from the analyst database."""
    if analyst_db is None:
        return unavailable("this pack was made without the analyst database", threshold)
    if not analyst_db.exists():
        return unavailable("the analyst database has not been published", threshold)
    con = duckdb.connect(str(analyst_db), read_only=True)
    try:
        tables = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select schema_name, table_name from duckdb_tables()"
            ).fetchall()
        }
        if not {"marts.kpi_revisions", "meta.table_checksums"} <= tables:
            return unavailable(
                "the analyst database was published without the revision history", threshold
            )
        published = con.execute(
            "select checksum from meta.table_checksums where table_name = 'marts.kpi_values'"
        ).fetchone()
        if published is None or published[0] != table_checksum(warehouse, "marts.kpi_values"):
            return unavailable(
                "the analyst database holds another build than the warehouse the pack is made "
                "from (the last build was not published)",
                threshold,
            )
        frame = con.execute(
            "select * from marts.kpi_revisions where period_end <= ? and is_revised",
            [month_end],
        ).df()
    finally:
        con.close()
    denominator_below = warehouse.execute(
        "select denominator_below from reporting.rpt_suppression_rule"
    ).fetchone()[0]
    registry = {kpi.kpi_id: kpi for kpi in load_registry()}
    # As the reporting layer suppresses (is_suppressed): a figure without a denominator never.
    frame["first_suppressed"] = frame["first_denominator"].lt(denominator_below).fillna(False)
    frame["now_suppressed"] = frame["denominator"].lt(denominator_below).fillna(False)
    frame["title"] = frame["kpi_id"].map(lambda k: registry[k].title if k in registry else k)
    frame["report_order"] = frame["kpi_id"].map(
        lambda k: registry[k].report_order if k in registry else 10_000
    )
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    frame = frame.sort_values(
        ["period_end", "report_order", "kpi_id", "period_type"],
        ascending=[False, True, True, True],
    ).reset_index(drop=True)
    return Revisions(available=True, threshold=threshold, frame=frame, month_end=month_end)


def published_table(revisions: Revisions) -> pd.DataFrame:
    """The revisions as the pack's tables folder publishes them (tables/kpi_revisions): every
    revised figure of the month and the months before, suppressed values null with their flags,
    without the build ids."""
    columns = [
        "kpi_id", "title", "period_end", "period_type", "unit", "first_published_at",
        "first_value", "first_suppressed", "value", "now_suppressed", "difference",
        "changed_at", "exceeds_threshold",
    ]  # fmt: skip
    if not revisions.available or revisions.frame.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        out["difference_suppressed"] = pd.Series(dtype=bool)
        return out.rename(columns={"now_suppressed": "value_suppressed"})
    out = revisions.frame[columns].copy()
    either = out["first_suppressed"] | out["now_suppressed"]
    out.loc[out["first_suppressed"], "first_value"] = None
    out.loc[out["now_suppressed"], "value"] = None
    out.loc[either, "difference"] = None
    out["difference_suppressed"] = either
    out["period_end"] = out["period_end"].dt.date
    return out.rename(columns={"now_suppressed": "value_suppressed"})


def figure_of_row(table_name: str | None, page_id: str, row: dict) -> tuple[str, str, str] | None:
    """Which figure of the month a row of a page's table prints, as (KPI, window, part), where
    the registry says: a standard page's rows are its `page_rows` in its `page_period_type`;
    a headline rate is the KPI's headline figure; on a page of its own layout, a row labelled
    with the title of a KPI of the page is that KPI's headline figure (KPI 12's splits). None
    for any other row (it is not marked)."""
    registry = {kpi.kpi_id: kpi for kpi in load_registry()}
    kpi = registry.get(row.get("kpi_id") or "")
    if table_name == "rpt_kpi_pages" and kpi and kpi.page_period_type:
        index = int(row["row_order"]) - 1
        if 0 <= index < len(kpi.page_rows):
            return kpi.kpi_id, kpi.page_period_type, kpi.page_rows[index].field
        return None
    if table_name == "rpt_headline_rates" and kpi:
        return kpi.kpi_id, kpi.headline_window, "value"
    for other in registry.values():
        if other.report_page == page_id and other.title == row.get("measure"):
            return other.kpi_id, other.headline_window, "value"
    return None


def _when(value) -> str:
    if value is None or pd.isna(value):
        return MISSING
    return f"{pd.Timestamp(value):%-d %b %Y %H:%M}"


def describe(row: dict) -> dict:
    """A revision as the pack prints it: the values first published and now (x if suppressed),
    the difference, when it was first published and when it changed."""
    unit, kpi = row["unit"], row["kpi_id"]
    either = bool(row["first_suppressed"] or row["now_suppressed"])
    return {
        "kpi_id": kpi,
        "title": row["title"],
        "window": window_label(row["period_type"]),
        "month": f"{pd.Timestamp(row['period_end']):%b-%y}",
        "first": format_value(row["first_value"], unit, kpi, bool(row["first_suppressed"])),
        "first_published": _when(row["first_published_at"]),
        "now": format_value(row["value"], unit, kpi, bool(row["now_suppressed"])),
        "difference": SUPPRESSED if either else format_difference(row["difference"], unit, kpi),
        "changed": _when(row["changed_at"]),
    }


def notes(revisions: Revisions, figures: set[tuple[str, str]]) -> list[str]:
    """The footnote of a page for the revised figures it marks: (KPI, window) pairs."""
    lines = []
    for row in revisions.of_month(sorted({kpi for kpi, _ in figures})):
        if (row["kpi_id"], row["period_type"]) not in figures:
            continue
        shown = describe(row)
        first = "as x (suppressed)" if row["first_suppressed"] else shown["first"]
        lines.append(
            f"{shown['title']} ({shown['window'].lower()}): first published {first} on "
            f"{shown['first_published']}, now {shown['now']} (changed {shown['changed']})."
        )
    # A figure marked for its numerator or denominator alone has no value revision to describe.
    return lines
