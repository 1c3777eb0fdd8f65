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

from orchestration.revisions import HistorySettings, confirm, stage

# Aggregates (marts) and report tables (reporting) are copied whole: dbt builds them from facts as
# counts and rates, with no child-level column. The audit tables are copied column by column, as
# AUDIT_COLUMNS says; the facts, intermediate models and exception lists stay in the working
# database.
PUBLISHED_SCHEMAS = ("marts", "reporting", "audit")
COPIED_WHOLE = ("marts", "reporting")
PUBLISH = "publish"  # the value as it is
PSEUDONYMISE = "pseudonymise"  # a record's id: its keyed pseudonym (orchestration/pseudonyms.py)
SCREEN = "screen"  # a rejected cell's value: published only if it cannot identify anyone
# A value (a date, or any value) from a source column named in the companion column of the same
# row: published unless the contract marks that column identifying (ssd_person's date of birth
# and date of death, free text).
CONTRACT_DATE = "contract date"
CHECKED_MESSAGE = "checked message"  # ingest messages written before they stopped quoting files
# Every published audit table and what is published of each column. A column not listed (a person
# id, a date of birth) is not published; a table not listed stops the publication, so a new audit
# model cannot reach analysts before someone has decided what of it may.
AUDIT_COLUMNS: dict[str, dict[str, str | tuple[str, str]]] = {
    "rejected_rows": {
        "extract": PUBLISH,
        "source_file": PUBLISH,
        "source_row": PUBLISH,
        "column_name": PUBLISH,
        "value": SCREEN,
        "reason": PUBLISH,
        "loaded_at": PUBLISH,
        "record_id": PSEUDONYMISE,
        "source_ref": PUBLISH,  # a sheet's name or an XML path (/Message/Children/Child[3])
    },
    "ingest_log": {
        "extract": PUBLISH,
        "source_file": PUBLISH,
        "status": PUBLISH,
        "message": CHECKED_MESSAGE,
        "rows_read": PUBLISH,
        "rows_loaded": PUBLISH,
        "rows_rejected": PUBLISH,
        "rows_blank": PUBLISH,
        "loaded_at": PUBLISH,
        "content_sha256": PUBLISH,
    },
    "kpi_exclusions": {
        "kpi_id": PUBLISH,
        "source_extract": PUBLISH,
        "record_id": PSEUDONYMISE,
        "period_end": PUBLISH,
        "reason": PUBLISH,
    },
    "cla_data_quality": {
        "check_name": PUBLISH,
        "record_id": PSEUDONYMISE,
        "related_record_id": PSEUDONYMISE,
        "detail": PUBLISH,  # built by dbt from dates and codes, never from an id or free text
    },
    "date_contradictions": {
        "extract": PUBLISH,
        "record_id": PSEUDONYMISE,
        "source_row": PUBLISH,
        "start_column": PUBLISH,
        "start_on": (CONTRACT_DATE, "start_column"),
        "end_column": PUBLISH,
        "end_on": (CONTRACT_DATE, "end_column"),
        "excluded_from": PUBLISH,
    },
    "dbt_build_summary": {"dagster_run_id": PUBLISH, "summary_json": PUBLISH},
    # Statutory returns (orchestration/returns): every source file and what became of it ...
    "source_files": {
        "source_file": PUBLISH,
        "recognised_as": PUBLISH,
        "detail": PUBLISH,
        "source_return": PUBLISH,
        "source_year": PUBLISH,
        "status": PUBLISH,
        "reason": PUBLISH,  # why a file was ignored or failed: never quotes its contents
        "rows_read": PUBLISH,
        "rows_loaded": PUBLISH,
        "rows_rejected": PUBLISH,
        "rows_blank": PUBLISH,
        "rows_not_loaded": PUBLISH,
        "notes": PUBLISH,
    },
    "extract_sources": {
        "extract": PUBLISH,
        "supplied_by": PUBLISH,
        "source_returns": PUBLISH,
        "source_files": PUBLISH,
    },
    # ... and where an SSD extract and a return disagree: the child pseudonymised, the values
    # withheld where the contract marks their column identifying (a date of birth, free text).
    "source_reconciliation": {
        "extract": PUBLISH,
        "record_id": PSEUDONYMISE,  # the child (or worker) the records are about
        "matched_on": PUBLISH,
        "match_value": (CONTRACT_DATE, "matched_on"),
        "difference": PUBLISH,
        "column_name": PUBLISH,
        "ssd_value": (CONTRACT_DATE, "column_name"),
        "return_value": (CONTRACT_DATE, "column_name"),
        "ssd_source_file": PUBLISH,
        "ssd_source_row": PUBLISH,
        "return_source_file": PUBLISH,
        "return_source_row": PUBLISH,
        "return_source_ref": PUBLISH,
        "source_return": PUBLISH,
        "source_year": PUBLISH,
    },
}
WITHHELD_MESSAGE = "(withheld: logged by an earlier version that could quote the file's contents)"


class PublicationError(Exception):
    pass


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _contract_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Temporary tables of the extract contract's identifying columns, and of every identifier
    value the warehouse holds (loaded rows and rejected cells of identifier columns)."""
    from orchestration.extracts import EXTRACTS

    rows = [
        (extract.name, column.name, column.is_identifier)
        for extract in EXTRACTS
        for column in extract.columns
        if column.identifying
    ]
    con.execute(
        "create temp table identifying_columns "
        "(extract varchar, column_name varchar, is_identifier boolean)"
    )
    con.executemany("insert into identifying_columns values (?, ?, ?)", rows)
    in_raw = set(
        con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = 'build' and schema_name = 'raw'"
        ).fetchall()
    )
    selects = [
        f'select cast("{column}" as varchar) as value from build.raw."{extract}"'
        for extract, column, is_identifier in rows
        if is_identifier and (extract, column) in in_raw
    ]
    selects.append(
        "select r.value from build.audit.rejected_rows as r join identifying_columns as i "
        "on i.extract = r.extract and i.is_identifier "
        "and list_contains(string_split(r.column_name, ', '), i.column_name)"
    )
    # Statutory returns' rejections (extract: the return's name, column_name: its own field):
    # only a code field's value may be published (orchestration/returns/coverage.py).
    from orchestration.returns.coverage import code_fields
    from orchestration.returns.year_specs import RETURNS

    con.execute("create temp table return_code_fields (extract varchar, column_name varchar)")
    con.executemany("insert into return_code_fields values (?, ?)", sorted(code_fields()))
    con.execute("create temp table return_names (extract varchar)")
    con.executemany("insert into return_names values (?)", [(r,) for r in RETURNS])
    con.execute(
        "create temp table identifier_values as select distinct value from ("
        + " union all ".join(selects)
        + ") where value is not null"
    )


# A rejected cell's value is withheld when its column (or a column of a duplicated key) is
# identifying by the contract; when it is a statutory return's field that is not a code; when an
# identifier of its row was itself rejected (a missing or malformed id is how a shifted row
# shows: its values may sit under the wrong headings); or when it equals an identifier anywhere
# in the warehouse.
_REJECTED_VALUE_WITHHELD = """(
    value is not null and (
        exists (
            select 1 from identifying_columns as i
            where i.extract = source.extract
                and list_contains(string_split(source.column_name, ', '), i.column_name)
        )
        or exists (
            select 1 from build.audit.rejected_rows as other
            join identifying_columns as i
                on i.extract = other.extract and i.is_identifier
                and list_contains(string_split(other.column_name, ', '), i.column_name)
            where other.extract = source.extract and other.source_file = source.source_file
                and other.source_row = source.source_row
        )
        or value in (select value from identifier_values)
        or (
            source.extract in (select extract from return_names)
            and not exists (
                select 1 from return_code_fields as f
                where f.extract = source.extract and f.column_name = source.column_name
            )
        )
    )
)"""


def _copy_audit_table(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> None:
    policy = AUDIT_COLUMNS.get(table)
    if policy is None:
        raise PublicationError(
            f"audit.{table} has no publication rule: add it to AUDIT_COLUMNS in "
            "orchestration/publish.py, saying which of its columns may be published"
        )
    selects = []
    for column in columns:
        rule = policy.get(column)
        quoted = f'"{column}"'
        if rule is None:
            continue  # not published (a person id, a date of birth)
        if rule == PUBLISH:
            selects.append(quoted)
        elif rule == PSEUDONYMISE:
            selects.append(f"pseudonym(cast({quoted} as varchar)) as {quoted}")
        elif rule == SCREEN:
            selects.append(
                f"case when {_REJECTED_VALUE_WITHHELD} then null else value end as value"
            )
            selects.append(f"coalesce({_REJECTED_VALUE_WITHHELD}, false) as value_withheld")
        elif isinstance(rule, tuple) and rule[0] == CONTRACT_DATE:
            selects.append(
                "case when exists (select 1 from identifying_columns as i "
                f'where i.extract = source.extract and i.column_name = source."{rule[1]}") '
                f"then null else {quoted} end as {quoted}"
            )
        elif rule == CHECKED_MESSAGE:
            safe = "message_safe" if "message_safe" in columns else "false"
            selects.append(
                f"case when message is null or {safe} then message "
                f"else {_sql_string(WITHHELD_MESSAGE)} end as message"
            )
        else:
            raise PublicationError(f"audit.{table}.{column}: unknown publication rule {rule!r}")
    con.execute(
        f'create table audit."{table}" as select {", ".join(selects)} '
        f'from build.audit."{table}" as source'
    )


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


def _remove_partial_files(analyst_db: Path) -> None:
    # `.analyst.duckdb.<build>.building` and its `.wal`: left by a build killed while publishing
    # (only one build runs at a time: the build lock), or by this one if it failed.
    for leftover in analyst_db.parent.glob(f".{analyst_db.name}.*.building*"):
        leftover.unlink(missing_ok=True)


def publish(
    warehouse: Path,
    analyst_db: Path,
    info: BuildInfo,
    key: bytes | None = None,
    history: HistorySettings | None = None,
) -> dict[str, str]:
    """Copy the published schemas of `warehouse` into a new file and move it over `analyst_db`.
    Returns the checksum of every published table. On failure the previous file is untouched and
    nothing of the new one is left behind. With `history`, the build's KPI values join the
    revision history (orchestration/revisions.py) and the analyst database gets
    marts.kpi_value_history and marts.kpi_revisions."""
    try:
        checksums = _publish(warehouse, analyst_db, info, key, history)
    except BaseException:
        _remove_partial_files(analyst_db)
        raise
    if history is not None:
        confirm(history, info.build_id)
    return checksums


def _publish(
    warehouse: Path,
    analyst_db: Path,
    info: BuildInfo,
    key: bytes | None,
    history: HistorySettings | None,
):
    from orchestration.permissions import make_private
    from orchestration.pseudonyms import load_or_create_key, register_pseudonym_function

    analyst_db.parent.mkdir(parents=True, exist_ok=True)
    _remove_partial_files(analyst_db)
    key = key if key is not None else load_or_create_key(warehouse)
    temporary = analyst_db.with_name(f".{analyst_db.name}.{info.build_id}.building")
    checksums: dict[str, str] = {}
    con = duckdb.connect(str(temporary))
    try:
        make_private(temporary)
        con.execute("attach ? as build (read_only)", [str(warehouse)])
        register_pseudonym_function(con, key)
        for schema in (*PUBLISHED_SCHEMAS, "meta"):
            con.execute(f"create schema if not exists {schema}")
        _contract_columns(con)
        published = _published_tables(con)
        for schema, table in published:
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from duckdb_columns() where database_name = 'build' "
                    "and schema_name = ? and table_name = ? order by column_index",
                    [schema, table],
                ).fetchall()
            ]
            if schema in COPIED_WHOLE:
                con.execute(
                    f'create table {schema}."{table}" as select * from build.{schema}."{table}"'
                )
            else:
                _copy_audit_table(con, table, columns)
        # The as-at date the build used (set or inferred) and the last month it covers.
        coverage_dates = con.execute(
            "select as_at, last_complete_month_end from build.intermediate.int_data_as_at"
        ).fetchone() or (None, None)
        con.execute("detach build")
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
        if history is not None:
            stage(con, history, info.build_id, info.finished_at)
            for table in ("kpi_value_history", "kpi_revisions"):
                checksums[f"marts.{table}"] = table_checksum(con, f"marts.{table}")
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
    make_private(temporary)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    replace_published(temporary, analyst_db)
    return checksums


def replace_published(temporary: Path, analyst_db: Path) -> None:
    """The complete new file takes the analyst database's name in one rename, made durable.
    (The fault tests stop a build here, tests/build_with_fault.py.)"""
    os.replace(temporary, analyst_db)
    directory = os.open(analyst_db.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
