"""What dbt needs from the extract contract (extracts.py) and the KPI registry (registry.py),
written from them: the sources YAML and two macros dbt models loop over, `extract_contract()`
and `kpi_registry()`.

dbt needs, for each extract, what the contract already says: the Dagster asset that loads it
(so lineage runs unbroken), which date shows the months it covers, which dates are events, the
date pairs that should be in order and the record key. The macro is how the models that treat
every extract alike (the coverage models, audit.date_contradictions) get that at parse time, so
their `source()` calls are dependencies dbt and Dagster see (dbt's `graph` is still empty when it
parses). `kpi_registry()` is how int_kpi_records and the page tables find every KPI's model at
parse time. Generating them keeps one statement of each;
`scripts/build_dbt_generated.py --check` (run by the tests) fails when a committed file is out
of date.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from orchestration import extracts as x
from orchestration.extract_descriptions import DESCRIPTIONS
from orchestration.registry import load_registry

DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"
SOURCES_YAML = DBT_PROJECT / "models" / "staging" / "csc" / "_csc__sources.yml"
CONTRACT_MACRO = DBT_PROJECT / "macros" / "extract_contract.sql"
REGISTRY_MACRO = DBT_PROJECT / "macros" / "kpi_registry.sql"
STAGING_YAML = DBT_PROJECT / "models" / "staging" / "csc" / "_csc__models.yml"
HEADER = (
    "# Generated from orchestration/extracts.py by scripts/build_dbt_generated.py: edit the\n"
    "# contract there and rerun the script, not this file.\n"
)


def _events(extract: x.Extract) -> list[str]:
    """Dates that record something that happened (they set the as-at date when it is not set)."""
    if extract.coverage == x.REFERENCE:
        return []
    return [c.name for c in extract.columns if c.kind in (x.DATE, x.DATETIME) and c.event]


def _table(extract: x.Extract) -> dict:
    return {
        "name": extract.name,
        "description": (
            f"One row per {extract.grain}. Loaded from {extract.name}.csv|xlsx|parquet by the "
            "ingest asset; rows that broke the contract are in audit.rejected_rows."
        ),
        "meta": {"dagster": {"asset_key": ["raw", extract.name]}},
        "columns": [
            {"name": c.name, "description": DESCRIPTIONS[extract.name][c.name]}
            for c in extract.columns
        ],
    }


def render() -> str:
    document = {
        "version": 2,
        "sources": [
            {
                "name": "csc",
                "description": (
                    "Child-level extracts from the case-management system, loaded by the "
                    "Dagster ingest assets (one asset per extract, raw.<extract>), validated "
                    "against the extract contract; rows that broke it are in "
                    "audit.rejected_rows, not here."
                ),
                "schema": "raw",
                "tables": [_table(e) for e in x.EXTRACTS],
            }
        ],
    }
    return HEADER + yaml.safe_dump(document, sort_keys=False, width=100, allow_unicode=True)


def _jinja(value) -> str:
    """A Python value as a Jinja literal."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_jinja(k)}: {_jinja(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_jinja(v) for v in value) + "]"
    raise TypeError(f"no Jinja literal for {value!r}")


def render_macro() -> str:
    entries = []
    for e in x.EXTRACTS:
        fields = {
            "name": e.name,
            "label": e.label,
            "coverage": e.coverage,
            "activity": e.activity,
            "events": _events(e),
            "key": list(e.key),
            "date_order": [list(pair) for pair in e.date_order],
        }
        body = ",\n        ".join(f'"{k}": {_jinja(v)}' for k, v in fields.items())
        entries.append("    {\n        " + body + ",\n    }")
    return (
        "{#- Generated from orchestration/extracts.py by scripts/build_dbt_generated.py: edit the\n"
        "    contract there and rerun the script, not this file. Every extract with what the\n"
        "    models that treat all extracts alike need: its label, coverage kind, activity date\n"
        "    (SQL over its columns), event dates, record key and the date pairs that should be\n"
        "    in order. -#}\n"
        "{% macro extract_contract() %}\n"
        "{{ return([\n" + ",\n".join(entries) + ",\n]) }}\n"
        "{% endmacro %}\n"
    )


def render_registry_macro() -> str:
    entries = []
    for k in load_registry():
        fields = {
            "kpi_id": k.kpi_id,
            "model": k.model,
            "record_grain": k.record_grain,
            "unit": k.unit,
            "polarity": k.polarity,
            "windows": list(k.windows),
            "exception_list": k.exception_list,
            "page_period_type": k.page_period_type,
            "page_comparator": k.page_comparator,
            "page_month_suffix": k.page_month_suffix,
            "page_rows": [
                {"field": r.field, "unit": r.unit, "measure": r.measure} for r in k.page_rows
            ],
        }
        body = ",\n        ".join(f'"{key}": {_jinja(v)}' for key, v in fields.items())
        entries.append("    {\n        " + body + ",\n    }")
    return (
        "{#- Generated from seeds/kpi_catalogue.csv (the KPI registry) by\n"
        "    scripts/build_dbt_generated.py: edit the registry and rerun the script, not this\n"
        "    file. Every KPI, in report order, with what models that treat all KPIs alike need\n"
        "    at parse time: its records model, their grain, its unit, polarity and windows,\n"
        "    whether it has an exception list, and its page table's layout. -#}\n"
        "{% macro kpi_registry() %}\n"
        "{{ return([\n" + ",\n".join(entries) + ",\n]) }}\n"
        "{% endmacro %}\n"
    )


# The staging YAML is hand-written (its tests are), but each renamed column's description is the
# contract's, followed by the raw column it comes from: `"<description> (raw: <column>)"`.
_MODEL_SOURCE = re.compile(r"^  - name: (stg_\w+)$")
_EXTRACT = re.compile(r"from raw\.(\w+)\.\"$")
_COLUMN = re.compile(r"^      - name: (\w+)$")
_COLUMN_DESCRIPTION = re.compile(r'^(        description: )"(?:From (\w+)\.|.* \(raw: (\w+)\))"$')


def render_staging_descriptions(current: str) -> str:
    """The staging YAML `current` with every column description that names its raw column (the
    forms above) set from the contract's description of that column."""
    lines = []
    extract = None
    for line in current.splitlines():
        if _MODEL_SOURCE.match(line):
            extract = None
        found = _EXTRACT.search(line) if line.startswith("    description:") else None
        if found:
            extract = found.group(1)
        described = _COLUMN_DESCRIPTION.match(line)
        if described and extract:
            raw_column = described.group(2) or described.group(3)
            text = DESCRIPTIONS[extract][raw_column].replace('"', "'")
            line = f'{described.group(1)}"{text} (raw: {raw_column})"'
        lines.append(line)
    return "\n".join(lines) + "\n"
