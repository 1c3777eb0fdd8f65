"""Which contract extracts and columns each return fills, and which KPIs each supports, as data
(specs/return_coverage.csv; seeds/return_kpi_support.csv, a dbt seed because the KPI coverage
models read it) that the reconciliation, the coverage models and the README read. The tests hold
both files to the mappings and to the KPI catalogue."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from orchestration.returns.year_specs import SPEC_DIR

COVERAGE_FILE = SPEC_DIR / "return_coverage.csv"
KPI_SUPPORT_FILE = SPEC_DIR.parents[2] / "seeds" / "return_kpi_support.csv"


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


def code_fields() -> set[tuple[str, str]]:
    """(return, field) of every field that is a code in some year's specification, by the names
    rejections give fields (the field's element or column name; Annex A's column name). A
    rejected value of such a field is a code, which may be published; the values of any other
    field of a return (an id, a date of birth, a postcode) are withheld (orchestration/
    publish.py)."""
    from orchestration.returns.year_specs import RETURNS, known_years, load_spec

    found = set()

    def visit(return_name: str, node) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if isinstance(value, dict) and value.get("kind") == "code":
                    found.add((return_name, name))
                    if isinstance(value.get("name"), str):
                        found.add((return_name, value["name"]))
                visit(return_name, value)
        elif isinstance(node, list):
            for item in node:
                visit(return_name, item)

    for return_name in RETURNS:
        for year in known_years(return_name):
            visit(return_name, load_spec(return_name, year).body)
    return found
