"""Reading one month of the reporting layer (dbt models in the `reporting` schema) and writing
its tables as CSV and Parquet. Every figure comes from the warehouse as it is: suppression is
applied in dbt (a suppressed cell is null with its `_suppressed` flag set); here it becomes `x`
in the CSV, and stays a typed null with the flag in Parquet."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.report_pack.errors import ReportPackError
from orchestration.report_pack.formatting import SUPPRESSED

SCHEMA = "reporting"
# The trend charts show the month and the 12 before it.
TREND_MONTHS = 13
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class ReportMonth:
    month: str  # YYYY-MM
    period_end: dt.date
    label: str  # Dec-18
    is_complete: bool

    @property
    def long_label(self) -> str:
        start = self.period_end.replace(day=1)
        return f"1–{self.period_end.day} {start:%B %Y}"


@dataclass
class Page:
    page_order: int
    page_id: str
    page_label: str
    page_kind: str
    kpi_id: str | None
    table_name: str | None
    heading: str
    definition: str
    title: str
    summary: dict | None = None
    table: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None

    @property
    def has_chart(self) -> bool:
        return self.trend is not None


@dataclass
class PackData:
    month: ReportMonth
    pages: list[Page]
    tables: dict[str, pd.DataFrame]
    data_first_month: str
    data_last_month: str
    warnings: list[str] = field(default_factory=list)

    def page(self, page_id: str) -> Page:
        return next(page for page in self.pages if page.page_id == page_id)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def records(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if _isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")
    ]


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def reporting_available(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [SCHEMA, "rpt_report_months"],
    ).fetchone()[0]
    return bool(found)


def resolve_report_month(
    con: duckdb.DuckDBPyConnection, requested: str | None
) -> ReportMonth | None:
    """The requested month (a partition key or CSC_REPORT_MONTH, YYYY-MM), which must be in the
    data; or, with none requested, the latest complete month (None if no month is complete)."""
    # Only months some KPI is published for: a month of the spine with none (its extracts'
    # windows are not complete yet) has no pack to make.
    months = _frame(
        con,
        f"select report_month, period_end, month_label, is_complete, is_latest_complete "
        f"from {SCHEMA}.rpt_report_months where is_complete order by period_end",
    )
    if requested:
        requested = requested.strip()[:7]
        if not MONTH_PATTERN.match(requested):
            raise ReportPackError(f"report month {requested!r} is not YYYY-MM")
        row = months[months["report_month"] == requested]
        if row.empty:
            covered = (
                f"{months['report_month'].iloc[0]} to {months['report_month'].iloc[-1]}"
                if len(months)
                else "no months"
            )
            raise ReportPackError(f"no data for {requested}: the data covers {covered}")
    else:
        row = months[months["is_latest_complete"]]
        if row.empty:
            return None
    record = row.iloc[0]
    return ReportMonth(
        month=record["report_month"],
        period_end=pd.Timestamp(record["period_end"]).date(),
        label=record["month_label"],
        is_complete=bool(record["is_complete"]),
    )


def data_months(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    first, last = con.execute(
        f"select min(report_month), max(report_month) from {SCHEMA}.rpt_report_months "
        "where is_complete"
    ).fetchone()
    return first or "", last or ""


def load_pack_data(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> PackData:
    pages_frame = _frame(con, f"select * from {SCHEMA}.rpt_report_pages order by page_order")
    summary = _frame(
        con,
        f"select * from {SCHEMA}.rpt_scorecard_summary where period_end = ? order by page_order",
        [month.period_end],
    )
    trend_start = (pd.Timestamp(month.period_end) - pd.DateOffset(months=TREND_MONTHS - 1)).date()
    trends = _frame(
        con,
        f"select * from {SCHEMA}.rpt_kpi_trends where period_end between ? and ? "
        "order by page_id, period_end",
        [trend_start, month.period_end],
    )
    tables: dict[str, pd.DataFrame] = {"rpt_scorecard_summary": summary}
    for name in pages_frame["table_name"].dropna().unique():
        if name in tables:
            continue
        tables[name] = _frame(
            con,
            f"select * from {SCHEMA}.{name} where period_end = ? order by all",
            [month.period_end],
        )
    tables["rpt_kpi_trends"] = trends
    summary_by_page = {row["page_id"]: row for row in records(summary)}
    pages = []
    for record in records(pages_frame):
        page = Page(
            page_order=int(record["page_order"]),
            page_id=record["page_id"],
            page_label=record["page_label"],
            page_kind=record["page_kind"],
            kpi_id=record["kpi_id"],
            table_name=record["table_name"],
            heading=record["heading"],
            definition=record["definition"],
            title=record["heading"],
        )
        page.summary = summary_by_page.get(page.page_id)
        if page.summary:
            page.title = page.summary["title"]
        if page.table_name and page.page_kind != "summary":
            table = tables[page.table_name]
            if "kpi_id" in table.columns and page.kpi_id:
                table = table[table["kpi_id"] == page.kpi_id]
            page.table = table.sort_values("row_order").reset_index(drop=True)
        if page.kpi_id:
            trend = trends[trends["page_id"] == page.page_id]
            page.trend = trend.reset_index(drop=True) if not trend.empty else None
        pages.append(page)
    first, last = data_months(con)
    return PackData(
        month=month, pages=pages, tables=tables, data_first_month=first, data_last_month=last
    )


def find_identifiers(con: duckdb.DuckDBPyConnection, tokens: set[str]) -> set[str]:
    """Which of `tokens` are identifiers in the loaded source extracts: a value of any person,
    record or worker identifier column of the extract contract, in the `raw` schema."""
    from orchestration.extracts import EXTRACTS

    if not tokens:
        return set()
    identifiers = {
        (extract.name, column.name)
        for extract in EXTRACTS
        for column in extract.columns
        if column.is_identifier
    }
    in_raw = con.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'raw'"
    ).fetchall()
    columns = [pair for pair in in_raw if pair in identifiers]
    found: set[str] = set()
    values = sorted(tokens)
    for table, column in columns:
        rows = con.execute(
            f'select distinct cast("{column}" as varchar) from raw."{table}" '
            f'where cast("{column}" as varchar) in (select unnest(?))',
            [values],
        ).fetchall()
        found.update(row[0] for row in rows)
    return found


def _suppressed_target(flag: str, columns: list[str]) -> str | None:
    prefix = flag[: -len("_suppressed")] if flag != "suppressed" else ""
    for candidate in [f"{prefix}_value", prefix] if prefix else ["value"]:
        if candidate in columns:
            return candidate
    return None


# A CSV cell starting with one of these is run as a formula by a spreadsheet that opens the file;
# OWASP's CSV-injection guidance: prefix such a cell with a single quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _as_data(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as the CSV shows it: each suppressed cell reads `x`, and no text cell can be
    taken for a formula."""
    out = frame.copy()
    columns = list(out.columns)
    for flag in [c for c in columns if c == "suppressed" or c.endswith("_suppressed")]:
        target = _suppressed_target(flag, columns)
        if target is None:
            continue
        mask = out[flag].fillna(False).astype(bool)
        if mask.any():
            out[target] = out[target].astype(object)
            out.loc[mask, target] = SUPPRESSED
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_as_data)
    return out


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        csv_path = folder / f"{name}.csv"
        csv_frame(frame).to_csv(csv_path, index=False)
        parquet_path = folder / f"{name}.parquet"
        frame.to_parquet(parquet_path, index=False)
        written += [csv_path, parquet_path]
    return written
