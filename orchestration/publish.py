"""Publishing the analyst database: the aggregates and audit tables of a complete, tested build,
copied into a new DuckDB file that then atomically replaces the previous one.

Analysts open the published file read-only and never touch the working database, so the nightly
build never waits for them and they never see a half-built warehouse: a connection held open on
the old file keeps reading the old build (the rename leaves its inode alive), a new connection
sees the new one, and a build that fails before publishing leaves yesterday's file in place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.faultpoints import pause_if_requested

# Aggregates (marts), report tables (reporting) and data-quality lists (audit). Facts and
# intermediate models are child-level and stay in the working database.
PUBLISHED_SCHEMAS = ("marts", "reporting", "audit")
# Child-level identifiers dropped from published audit tables.
WITHHELD_COLUMNS = ("person_id",)


def child_identifying_columns() -> set[str]:
    """Source columns whose values identify a child: person ids and dates of birth. A rejected
    row's value in one of these is withheld from the published audit.rejected_rows."""
    from orchestration.extracts import EXTRACTS

    return {
        column.name
        for extract in EXTRACTS
        for column in extract.columns
        if column.name.endswith("person_id") or "dob" in column.name
        or column.name == "date_of_birth"
    }  # fmt: skip


class NothingToPublish(Exception):
    """The build holds no KPI value at all: the extracts support none."""


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    started_at: dt.datetime
    finished_at: dt.datetime
    source_dir: str
    sources: list[dict]
    dbt_summary: dict
    # CSC_DATA_AS_AT and CSC_DATA_FROM as set for the build (None: inferred from the data),
    # and what the build took them to be (int_data_as_at).
    data_as_at_setting: str | None = None
    data_from_setting: str | None = None


def table_checksum(con: duckdb.DuckDBPyConnection, qualified_table: str) -> str:
    """A checksum of a table's contents that ignores row order: equal contents, equal sums."""
    return con.execute(
        f"select coalesce(md5(string_agg(row_md5, '' order by row_md5)), md5('')) "
        f"from (select md5(cast(t as varchar)) as row_md5 from {qualified_table} as t)"
    ).fetchone()[0]


def _published_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    placeholders = ", ".join("?" for _ in PUBLISHED_SCHEMAS)
    return con.execute(
        "select schema_name, table_name from duckdb_tables() "
        f"where database_name = 'build' and schema_name in ({placeholders}) "
        "union all select schema_name, view_name from duckdb_views() "
        f"where database_name = 'build' and schema_name in ({placeholders}) "
        "and not internal order by 1, 2",
        [*PUBLISHED_SCHEMAS, *PUBLISHED_SCHEMAS],
    ).fetchall()


def _withhold_rejected_values(con: duckdb.DuckDBPyConnection) -> None:
    # A duplicate key names its key columns together ("person_id, birthday_age").
    identifying = sorted(child_identifying_columns())
    con.execute(
        "update audit.rejected_rows set value = null "
        "where list_has_any(string_split(column_name, ', '), ?)",
        [identifying],
    )


def publish(warehouse: Path, analyst_db: Path, info: BuildInfo) -> dict[str, str]:
    """Copy the published schemas of `warehouse` into a new file and move it over `analyst_db`.
    Returns the checksum of every published table."""
    analyst_db.parent.mkdir(parents=True, exist_ok=True)
    # Files left by builds killed while publishing; only one build runs at a time (build lock).
    for leftover in analyst_db.parent.glob(f".{analyst_db.name}.*.building"):
        leftover.unlink()
    temporary = analyst_db.with_name(f".{analyst_db.name}.{info.build_id}.building")
    checksums: dict[str, str] = {}
    con = duckdb.connect(str(temporary))
    try:
        con.execute(f"attach '{warehouse}' as build (read_only)")
        for schema in (*PUBLISHED_SCHEMAS, "meta"):
            con.execute(f"create schema if not exists {schema}")
        published = _published_tables(con)
        for schema, table in published:
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from duckdb_columns() where database_name = 'build' "
                    "and schema_name = ? and table_name = ? order by column_index",
                    [schema, table],
                ).fetchall()
                if row[0] not in WITHHELD_COLUMNS
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            con.execute(
                f'create table {schema}."{table}" as select {select} from build.{schema}."{table}"'
            )
        # The as-at date the build used (set or inferred) and the last month it covers.
        coverage_dates = con.execute(
            "select as_at, last_complete_month_end from build.intermediate.int_data_as_at"
        ).fetchone() or (None, None)
        con.execute("detach build")
        _withhold_rejected_values(con)
        for schema, table in published:
            checksums[f"{schema}.{table}"] = table_checksum(con, f'{schema}."{table}"')
        rows = con.execute("select count(*) from marts.kpi_values").fetchone()[0]
        if rows == 0:
            # Say why, from the coverage the build worked out (the previous analyst database,
            # if any, stays as it was).
            why = [
                row[0]
                for row in con.execute(
                    "select distinct reason_not_published from marts.kpi_coverage "
                    "where reason_not_published is not null order by 1 limit 5"
                ).fetchall()
            ]
            raise NothingToPublish(
                "no KPI can be computed from the loaded extracts, so nothing was published"
                + (f" ({'; '.join(why)})" if why else "")
            )
        con.execute(
            "create table meta.build_info as select ? as build_id, ? as started_at, "
            "? as finished_at, ? as source_dir, ? as sources, ? as dbt_test_summary, "
            "cast(? as date) as data_as_at_setting, cast(? as date) as data_from_setting, "
            "cast(? as date) as data_as_at, cast(? as date) as last_complete_month_end",
            [
                info.build_id,
                info.started_at,
                info.finished_at,
                info.source_dir,
                json.dumps(info.sources),
                json.dumps(info.dbt_summary),
                info.data_as_at_setting,
                info.data_from_setting,
                *coverage_dates,
            ],
        )
        con.execute("create table meta.table_checksums (table_name varchar, checksum varchar)")
        con.executemany("insert into meta.table_checksums values (?, ?)", list(checksums.items()))
        con.execute("checkpoint")
    finally:
        con.close()
    # The new file is complete on disk before it takes the old one's name.
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    pause_if_requested("publish:before-rename")
    os.replace(temporary, analyst_db)
    directory = os.open(analyst_db.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return checksums
