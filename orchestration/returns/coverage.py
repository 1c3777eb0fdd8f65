"""Which contract extracts and columns each return fills, and which KPIs each supports, as data
(specs/return_coverage.csv, specs/kpi_support.csv) that the coverage models and the README read.
The tests hold both files to the mappings and to the KPI catalogue."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from orchestration.returns.year_specs import SPEC_DIR

COVERAGE_FILE = SPEC_DIR / "return_coverage.csv"
KPI_SUPPORT_FILE = SPEC_DIR / "kpi_support.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def return_coverage() -> dict[str, dict[str, set[str]]]:
    """Return -> extract -> the columns it fills."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _rows(COVERAGE_FILE):
        out[row["source_return"]][row["extract"]].add(row["column"])
    return {r: dict(e) for r, e in out.items()}


def kpi_support() -> list[dict[str, str]]:
    """One row per KPI and combination of returns that supports it (full or partial), or per
    KPI that no return supports (support none), with the reason."""
    return _rows(KPI_SUPPORT_FILE)
