"""The KPI registry: seeds/kpi_catalogue.csv, one row per KPI with everything the rest of the
project needs to know about it (title, unit, polarity, target and tolerance, the windows it is
published for and its headline window, the extracts it reads and its look-back, the dbt model
holding its records, its report page and page table, whether it has an exception list, its DfE
benchmark). It is the one list of KPI ids: dbt reads it as the `kpi_catalogue` seed (and, at
parse time, as the generated `kpi_registry()` macro), Python reads it here. docs/adding-a-kpi.md
says how to add a row.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from pathlib import Path

REGISTRY_CSV = Path(__file__).resolve().parent.parent / "seeds" / "kpi_catalogue.csv"


@dataclass(frozen=True)
class PageRow:
    field: str  # numerator, denominator, value or outside (denominator - numerator)
    unit: str
    measure: str  # the row's label as the report prints it


@dataclass(frozen=True)
class Kpi:
    kpi_id: str
    title: str
    unit: str
    value_decimals: int | None  # printed decimal places, where not the unit's usual
    polarity: str | None
    headline_window: str
    windows: tuple[str, ...]
    source_extracts: tuple[str, ...]
    lookback_months: int
    model: str
    record_grain: str  # event: records carry event_on; period: period_end and period_type
    report_page: str
    report_order: int
    exception_list: bool
    page_table: str | None
    page_period_type: str | None
    page_comparator: str | None
    page_month_suffix: str
    page_rows: tuple[PageRow, ...]
    row: dict = field(default_factory=dict, compare=False, hash=False)


def _page_rows(text: str) -> tuple[PageRow, ...]:
    rows = []
    for part in (p.strip() for p in text.split(" | ") if p.strip()):
        field, unit, measure = part.split(":", 2)
        rows.append(PageRow(field.strip(), unit.strip(), measure.strip()))
    return tuple(rows)


@functools.cache
def load_registry(path: Path = REGISTRY_CSV) -> tuple[Kpi, ...]:
    """Every KPI of the registry, in report order (read once per process, when first asked)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kpis = [
        Kpi(
            kpi_id=row["kpi_id"],
            title=row["title"],
            unit=row["unit"],
            value_decimals=int(row["value_decimals"]) if row["value_decimals"] else None,
            polarity=row["polarity"] or None,
            headline_window=row["headline_window"],
            windows=tuple(row["windows"].split()),
            source_extracts=tuple(row["source_extracts"].split()),
            lookback_months=int(row["lookback_months"]),
            model=row["model"],
            record_grain=row["record_grain"],
            report_page=row["report_page"],
            report_order=int(row["report_order"]),
            exception_list=row["exception_list"].strip().lower() == "true",
            page_table=row["page_table"] or None,
            page_period_type=row["page_period_type"] or None,
            page_comparator=row["page_comparator"] or None,
            page_month_suffix=row["page_month_suffix"],
            page_rows=_page_rows(row["page_rows"]),
            row=row,
        )
        for row in rows
    ]
    return tuple(sorted(kpis, key=lambda k: k.report_order))
