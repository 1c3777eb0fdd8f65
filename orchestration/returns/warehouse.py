"""Statutory returns in the warehouse: staged for the ingest, loaded through the same validation
as the SSD extracts, and accounted for file by file.

The build reads them in three steps (orchestration/assets/ingest.py, assets/returns.py):

1. `stage_returns` reads every file of CSC_SOURCE_DIR by its content (folder.read_folder), maps
   and combines the returns, and keeps the outcome in the working warehouse's `returns` schema
   (never published): `returns.<extract>` (the contract's columns as text, with `_source_file`,
   `_source_row`, `_source_ref`, `_source_return`, `_source_year`), `returns.files` (each file,
   what it was recognised as, its mapping account), `returns.source_rows` (every source row and
   what mapping made of it) and `returns.superseded` (rows replaced by a later year's return).
   A value that breaks its year's specification is in `audit.rejected_rows` at once, with the
   return's name as `extract` and the return's own field name as `column_name`.
2. Each extract's ingest asset loads `raw.<extract>` from the SSD extract file when there is one,
   else from `returns.<extract>` (`load_from_returns`, stage 2 of the ingest:
   validate.load_staged), and records which it used in `returns.suppliers`.
3. `write_source_files` (after every ingest asset) writes `audit.source_files`, one row per file
   with what it was recognised as and rows read = loaded + rejected + blank + not loaded, and
   `audit.extract_sources`, which source supplied each extract (the KPI coverage reads it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb

from orchestration import extracts as x
from orchestration.ingest.load import file_sha256, rules_version
from orchestration.ingest.stage import quoted
from orchestration.ingest.validate import AUDIT_DDL, LoadResult, StagedTable, load_staged
from orchestration.returns.folder import FolderResult, read_folder
from orchestration.returns.recognise import SSD_EXTRACT
from orchestration.returns.results import BLANK, MAPPED, NOT_LOADED, REJECTED
from orchestration.returns.tables_out import write_tables
from orchestration.returns.year_specs import RETURNS

SCHEMA = "returns"
SSD = "SSD extract"

_DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {SCHEMA}.suppliers (
    extract varchar, supplied_by varchar, source_returns varchar, source_files varchar
);
"""

SOURCE_FILES_DDL = """
create schema if not exists audit;
create table if not exists audit.source_files (
    source_file varchar, recognised_as varchar, detail varchar, source_return varchar,
    source_year varchar, status varchar, reason varchar, rows_read bigint, rows_loaded bigint,
    rows_rejected bigint, rows_blank bigint, rows_not_loaded bigint, notes varchar
);
create table if not exists audit.extract_sources (
    extract varchar, supplied_by varchar, source_returns varchar, source_files varchar
);
"""


def _tables_in(con, schema: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = ? "
            "and database_name = current_database()",
            [schema],
        ).fetchall()
    }


def stage_returns(con: duckdb.DuckDBPyConnection, source_dir: Path) -> FolderResult:
    """Read, map and combine the returns of `source_dir` into the `returns` schema (replacing the
    last build's); their mapping rejections replace the returns' rows of audit.rejected_rows."""
    result = read_folder(source_dir)
    con.execute(AUDIT_DDL)
    con.execute(_DDL)
    for table in _tables_in(con, SCHEMA):
        con.execute(f"drop table {SCHEMA}.{quoted(table)}")
    con.execute(_DDL)
    write_tables(con, result.combined.tables, schema=SCHEMA)
    _write_files(con, result, source_dir)
    _write_source_rows(con, result)
    _write_mapping_rejections(con, result)
    return result


def _write_files(con, result: FolderResult, source_dir: Path) -> None:
    accounts = {a.file: a for a in result.accounts}
    rows = []
    for name, recognition in sorted(result.recognised.items()):
        account = accounts.get(name)
        notes = []
        if account is not None:
            notes = list(recognition.warnings) + account.sheet_errors + account.warnings
        path = source_dir / name
        # Returns only: the SSD extracts are hashed by their own load, and may be large.
        is_return = account is not None and path.is_file() and not path.is_symlink()
        sha = file_sha256(path) if is_return else None
        rows.append(
            (
                name,
                recognition.kind,
                recognition.what,
                recognition.reason,
                account.return_name if account else None,
                account.year if account else None,
                account.error if account else None,
                "; ".join(notes) or None,
                sha,
            )
        )
    con.execute(
        f"create table {SCHEMA}.files (source_file varchar, recognised_as varchar, detail "
        "varchar, reason varchar, source_return varchar, source_year varchar, error varchar, "
        "notes varchar, content_sha256 varchar)"
    )
    if rows:
        con.executemany(f"insert into {SCHEMA}.files values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _write_source_rows(con, result: FolderResult) -> None:
    """Every source row of every return with what mapping made of it. A row the combination
    rejected is rejected; a row a single year's return could not place (a review in no period)
    that the combined years place is mapped; a row replaced by a later year's return is not
    loaded, naming the file that replaced it."""
    combined = result.combined
    rejected = {r.source for r in combined.rejections}
    superseded = {old: new for old, new in combined.superseded}
    rows = []
    for mapped in result.returns:
        for source in mapped.ledger.sources():
            state = mapped.ledger.state(source)
            reason = None
            if source in rejected:
                state = REJECTED
            elif state == REJECTED:
                state = MAPPED
            if state == MAPPED and source in superseded:
                state = NOT_LOADED
                reason = f"replaced by the same record in {superseded[source].file}"
            elif state == NOT_LOADED:
                reason = mapped.ledger.reason(source)
            rows.append((source.file, source.row, source.ref, state, reason))
    con.execute(
        f"create table {SCHEMA}.source_rows (source_file varchar, source_row bigint, "
        "source_ref varchar, state varchar, reason varchar)"
    )
    if rows:
        con.executemany(f"insert into {SCHEMA}.source_rows values (?, ?, ?, ?, ?)", rows)


def _write_mapping_rejections(con, result: FolderResult) -> None:
    placeholders = ", ".join("?" for _ in RETURNS)
    rows = [
        (
            r.source_return,
            r.source.file,
            r.source.row,
            r.field,
            r.value,
            r.reason,
            r.record_id,
            r.source.ref,
        )
        for r in result.combined.rejections
    ]
    loaded_at = dt.datetime.now().replace(microsecond=0)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from audit.rejected_rows where extract in ({placeholders})", RETURNS)
        if rows:
            con.executemany(
                "insert into audit.rejected_rows (extract, source_file, source_row, column_name, "
                "value, reason, record_id, source_ref, loaded_at) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row, loaded_at) for row in rows],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def returns_rows(con, extract: str) -> int:
    """How many rows the staged returns hold for `extract` (0 when none)."""
    if extract not in _tables_in(con, SCHEMA):
        return 0
    return con.execute(f"select count(*) from {SCHEMA}.{quoted(extract)}").fetchone()[0]


def load_from_returns(
    con: duckdb.DuckDBPyConnection,
    extract: x.Extract,
    source_dir: Path,
    loaded_at: dt.datetime,
    *,
    collect_rejections: bool = True,
) -> LoadResult:
    """Load `raw.<extract>` from `returns.<extract>` through the ingest's validation (stage 2),
    one staged view per return file, so duplicates across files name both."""
    table = f"{SCHEMA}.{quoted(extract.name)}"
    files = [
        r[0]
        for r in con.execute(
            f"select distinct _source_file from {table} order by _source_file"
        ).fetchall()
    ]
    digest = hashlib.sha256()
    staged = []
    for position, name in enumerate(files):
        view = f"_csc_return_{position}"
        con.execute(
            f"create or replace temp view {view} as select * from {table} "
            f"where _source_file = {_sql(name)}"
        )
        staged.append(StagedTable(view, name))
        path = source_dir / name
        digest.update(name.encode() + b"\0" + file_sha256(path).encode() + b"\0")
    try:
        result = load_staged(
            con,
            extract,
            staged,
            loaded_at,
            content_sha256=digest.hexdigest(),
            rules_version=rules_version(),
            collect_rejections=collect_rejections,
        )
    finally:
        for position in range(len(files)):
            con.execute(f"drop view if exists _csc_return_{position}")
    record_supplier(con, extract.name, "returns", files)
    return result


def record_supplier(con, extract: str, supplied_by: str | None, files: list[str]) -> None:
    """Which source `raw.<extract>` holds: "SSD extract", "returns" or None (nothing loaded)."""
    con.execute(_DDL)
    returns = None
    if supplied_by == "returns":
        returns = " ".join(
            r[0]
            for r in con.execute(
                f"select distinct _source_return from {SCHEMA}.{quoted(extract)} order by 1"
            ).fetchall()
        )
    con.execute(f"delete from {SCHEMA}.suppliers where extract = ?", [extract])
    con.execute(
        f"insert into {SCHEMA}.suppliers values (?, ?, ?, ?)",
        [extract, supplied_by, returns, ", ".join(files) or None],
    )


# --- the account of every file --------------------------------------------------------------------


def write_source_files(con: duckdb.DuckDBPyConnection) -> None:
    """`audit.source_files` and `audit.extract_sources` from what the ingest assets did.

    A return file's rows: blank, rejected by its year's specification or not loaded (a table the
    contract has no extract for, a record replaced by a later year's return) as mapping found;
    a mapped row is then rejected if the contract's validation rejected a record citing it;
    loaded if it fed an extract loaded from the returns; else not loaded, the SSD extracts
    supplying those extracts (the rows are compared with them in audit.source_reconciliation).
    A mapped row cited by no record (an episode that continues a placement the first episode
    starts) counts as its file's rows do: loaded if any extract of its file came from returns.
    """
    con.execute(AUDIT_DDL)
    con.execute(SOURCE_FILES_DDL)
    con.execute(_DDL)
    staged = _tables_in(con, SCHEMA)
    suppliers = dict(con.execute(f"select extract, supplied_by from {SCHEMA}.suppliers").fetchall())
    con.execute("begin transaction")
    try:
        con.execute("delete from audit.extract_sources")
        con.execute(
            "insert into audit.extract_sources select e.extract, s.supplied_by, "
            f"s.source_returns, s.source_files from (select unnest(?) as extract) as e "
            f"left join {SCHEMA}.suppliers as s on s.extract = e.extract order by e.extract",
            [[e.name for e in x.EXTRACTS]],
        )
        con.execute("delete from audit.source_files")
        if "files" in staged:
            _return_file_accounts(con, staged, suppliers)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _return_file_accounts(con, staged: set[str], suppliers: dict) -> None:
    cited = [
        f"select distinct _source_file as source_file, _source_row as source_row, "
        f"_source_ref as source_ref, {_sql(e)} as extract, {_sql(suppliers.get(e) or '')} = "
        f"'returns' as from_returns from {SCHEMA}.{quoted(e)}"
        for e in sorted(staged)
        if e in x.EXTRACTS_BY_NAME
    ]
    cited_sql = " union all ".join(cited) or (
        "select null::varchar as source_file, null::bigint as source_row, "
        "null::varchar as source_ref, null::varchar as extract, false as from_returns limit 0"
    )
    from_returns = [e for e, s in suppliers.items() if s == "returns"] or [""]
    con.execute(f"create or replace temp table _csc_cited as {cited_sql}")
    con.execute(
        f"""
        create or replace temp table _csc_row_outcomes as
        with contract_rejected as (
            select distinct source_file, source_row, source_ref from audit.rejected_rows
            where extract in (select unnest(?))
        ),
        by_row as (
            select source_file, source_row, source_ref, bool_or(from_returns) as any_loaded,
                string_agg(distinct extract, ', ' order by extract)
                    filter (where not from_returns) as ssd_extracts
            from _csc_cited group by all
        ),
        by_file as (
            select source_file, bool_or(from_returns) as any_loaded,
                string_agg(distinct extract, ', ' order by extract)
                    filter (where not from_returns) as ssd_extracts
            from _csc_cited group by all
        ),
        -- A file none of whose rows is cited (placed_for_adoption: its dates join the
        -- permanence record of the episode) counts with its return's files.
        by_return as (
            select f.source_return, f.source_year, bool_or(c.from_returns) as any_loaded,
                string_agg(distinct c.extract, ', ' order by c.extract)
                    filter (where not c.from_returns) as ssd_extracts
            from _csc_cited as c join {SCHEMA}.files as f on f.source_file = c.source_file
            group by all
        ),
        file_return as (
            select source_file, source_return, source_year from {SCHEMA}.files
        )
        select s.source_file, s.source_row, s.source_ref,
            case
                when s.state <> '{MAPPED}' then s.state
                when c.source_file is not null then '{REJECTED}'
                when coalesce(r.any_loaded, f.any_loaded, b.any_loaded, false) then 'loaded'
                else '{NOT_LOADED}'
            end as outcome,
            case
                when s.state <> '{MAPPED}' then s.reason
                when c.source_file is null
                    and not coalesce(r.any_loaded, f.any_loaded, b.any_loaded, false)
                    then 'the SSD extracts supply '
                    || coalesce(r.ssd_extracts, f.ssd_extracts, b.ssd_extracts, 'its extracts')
            end as reason
        from {SCHEMA}.source_rows as s
        left join contract_rejected as c
            on c.source_file = s.source_file and c.source_row = s.source_row
            and c.source_ref is not distinct from s.source_ref
        left join by_row as r
            on r.source_file = s.source_file and r.source_row = s.source_row
            and r.source_ref is not distinct from s.source_ref
        left join by_file as f on f.source_file = s.source_file
        left join file_return as fr on fr.source_file = s.source_file
        left join by_return as b on b.source_return is not distinct from fr.source_return
            and b.source_year is not distinct from fr.source_year
        """,
        [from_returns],
    )
    ssd_loads = {
        row[0]: row[1:]
        for row in con.execute(
            "select extract, source_file, rows_read, rows_loaded, rows_rejected, rows_blank, "
            "status, message from audit.ingest_log where source_file is not null "
            "qualify row_number() over (partition by extract order by loaded_at desc) = 1"
        ).fetchall()
    }
    ssd_by_file = {
        load[0]: (extract, load)
        for extract, load in ssd_loads.items()
        if suppliers.get(extract) == SSD
    }
    files = con.execute(
        f"select source_file, recognised_as, detail, reason, source_return, source_year, error, "
        f"notes from {SCHEMA}.files order by source_file"
    ).fetchall()
    for name, kind, detail, reason, source_return, year, error, notes in files:
        row = _file_row(con, name, kind, detail, reason, source_return, year, error, notes,
                        ssd_by_file)  # fmt: skip
        con.execute(
            "insert into audit.source_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row
        )


def _file_row(con, name, kind, detail, reason, source_return, year, error, notes, ssd_by_file):
    counts = [None] * 5
    if name in ssd_by_file:  # read by the ingest by its name, whatever its columns
        extract, (_, read, loaded, rejected, blank, status, message) = ssd_by_file[name]
        return [name, SSD_EXTRACT, extract, None, None, status, None, read, loaded, rejected,
                blank, 0, message or None]  # fmt: skip
    if kind is None:
        return [name, None, None, None, None, "ignored", reason, *counts, None]
    if kind == SSD_EXTRACT:
        return [name, kind, detail, None, None, "not loaded",
                f"its columns are {detail}'s, but the ingest reads an SSD extract by its name "
                f"({detail}.csv, .xlsx or .parquet): rename it", *counts, None]  # fmt: skip
    if error:
        return [name, kind, detail, source_return, year, "failed", error, *counts, notes]
    outcomes = dict(
        con.execute(
            "select outcome, count(*) from _csc_row_outcomes where source_file = ? group by 1",
            [name],
        ).fetchall()
    )
    reasons = con.execute(
        "select reason, count(*) from _csc_row_outcomes where source_file = ? and outcome = ? "
        "group by 1 order by 1",
        [name, NOT_LOADED],
    ).fetchall()
    read = sum(outcomes.values())
    loaded = outcomes.get("loaded", 0)
    not_loaded = "; ".join(f"{n} not loaded: {why}" for why, n in reasons)
    status = "loaded" if loaded else "not loaded"
    all_notes = "; ".join(n for n in (not_loaded, notes) if n) or None
    return [name, kind, detail, source_return, year, status, None, read, loaded,
            outcomes.get(REJECTED, 0), outcomes.get(BLANK, 0), outcomes.get(NOT_LOADED, 0),
            all_notes]  # fmt: skip


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
