"""The dbt side of the extract contract (extracts.py), written from it: the sources YAML and a
macro, `extract_contract()`, that dbt models loop over.

dbt needs, for each extract, what the contract already says: the Dagster asset that loads it
(so lineage runs unbroken), which date shows the months it covers, which dates are events, the
date pairs that should be in order and the record key. The macro is how the models that treat
every extract alike (the coverage models, audit.date_contradictions) get that at parse time, so
their `source()` calls are dependencies dbt and Dagster see (dbt's `graph` is still empty when it
parses). Generating both keeps one statement of each; `scripts/build_dbt_sources.py --check`
(run by the tests) fails when a committed file is out of date.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestration import extracts as x

DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"
SOURCES_YAML = DBT_PROJECT / "models" / "staging" / "csc" / "_csc__sources.yml"
CONTRACT_MACRO = DBT_PROJECT / "macros" / "extract_contract.sql"
HEADER = (
    "# Generated from orchestration/extracts.py by scripts/build_dbt_sources.py: edit the\n"
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
        "{#- Generated from orchestration/extracts.py by scripts/build_dbt_sources.py: edit the\n"
        "    contract there and rerun the script, not this file. Every extract with what the\n"
        "    models that treat all extracts alike need: its label, coverage kind, activity date\n"
        "    (SQL over its columns), event dates, record key and the date pairs that should be\n"
        "    in order. -#}\n"
        "{% macro extract_contract() %}\n"
        "{{ return([\n" + ",\n".join(entries) + ",\n]) }}\n"
        "{% endmacro %}\n"
    )
