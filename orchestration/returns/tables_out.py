"""Mapped rows as tables: a pyarrow table per extract, or DuckDB tables in a connection given.

The shape is the one the ingest's validation stage takes: every contract column of the extract
as VARCHAR (in the contract's order), then `_source_file` VARCHAR, `_source_row` BIGINT,
`_source_ref` VARCHAR, and the returns' two extra provenance columns `_source_return` and
`_source_year` (VARCHAR). Rejections go to one table of the same columns as
audit.rejected_rows, plus where (`source_ref`) and which return and year.
"""

from __future__ import annotations

import pyarrow as pa

from orchestration import extracts as x
from orchestration.returns.results import PROVENANCE_COLUMNS, Rejection

REJECTION_COLUMNS = (
    "extract",
    "source_file",
    "source_ref",
    "source_row",
    "column_name",
    "value",
    "reason",
    "record_id",
    "source_return",
    "source_year",
)


def extract_schema(extract: str) -> pa.Schema:
    columns = [pa.field(c, pa.string()) for c in x.EXTRACTS_BY_NAME[extract].column_names]
    columns += [
        pa.field(c, pa.int64() if c == "_source_row" else pa.string()) for c in PROVENANCE_COLUMNS
    ]
    return pa.schema(columns)


def to_arrow(extract: str, rows: list[dict]) -> pa.Table:
    schema = extract_schema(extract)
    return pa.table({f.name: pa.array([r[f.name] for r in rows], f.type) for f in schema}, schema)


def rejections_to_arrow(rejections: list[Rejection]) -> pa.Table:
    records = [
        {
            "extract": r.extract,
            "source_file": r.source.file,
            "source_ref": r.source.ref,
            "source_row": r.source.row,
            "column_name": r.field,
            "value": r.value,
            "reason": r.reason,
            "record_id": r.record_id,
            "source_return": r.source_return,
            "source_year": r.source_year,
        }
        for r in rejections
    ]
    types = {"source_row": pa.int64()}
    return pa.table(
        {
            c: pa.array([rec[c] for rec in records], types.get(c, pa.string()))
            for c in REJECTION_COLUMNS
        }
    )


def write_tables(con, tables: dict[str, list[dict]], schema: str = "returns") -> list[str]:
    """Create (or replace) `<schema>.<extract>` for each extract with rows; returns the names."""
    con.execute(f'create schema if not exists "{schema}"')
    written = []
    for extract, rows in sorted(tables.items()):
        _replace(con, f'"{schema}"."{extract}"', to_arrow(extract, rows))
        written.append(f"{schema}.{extract}")
    return written


def write_rejections(
    con, rejections: list[Rejection], table: str = "returns.rejected_rows"
) -> None:
    schema = table.split(".")[0] if "." in table else None
    if schema:
        con.execute(f'create schema if not exists "{schema}"')
    _replace(con, table, rejections_to_arrow(rejections))


def _replace(con, name: str, arrow: pa.Table) -> None:
    view = "_returns_batch"
    con.register(view, arrow)
    try:
        con.execute(f"create or replace table {name} as select * from {view}")
    finally:
        con.unregister(view)
