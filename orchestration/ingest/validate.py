"""Stage 2 of ingest: validate staged tables of text in SQL and load `raw.<extract>`.

The entry point for every reader is `load_staged` (and `check_staged`, the same without writing):

    load_staged(con, extract, [StagedTable("stage_a", "a.csv"), ...], loaded_at) -> LoadResult

It takes one or more *staged tables* (or views) of the connection `con` for one extract of the
contract, each holding the rows of one source file as text (see `stage.py` for the columns:
`_source_file`, `_source_row`, `_source_ref`, one VARCHAR column per contract column present,
named as the contract names it, extra columns, and optionally `_row_problem`, `_cell_problems`,
`_other_values`, and a statutory return's `_source_return` and `_source_year`, which are carried
into raw with the rest of the provenance). Every required contract column must be present in
every staged table (else `ExtractFileError` naming the file and column). It then, in one
transaction:

- replaces `raw.<extract>` with the rows that pass (typed as the contract says, extra columns as
  trimmed text, `_source_row`, `_source_file`, `_source_ref`, `_loaded_at`);
- replaces this extract's rows of `audit.rejected_rows`: one row per problem, with file, row,
  where in the file (`source_ref`: the sheet, or a return's XML path), column, the value as
  read, the reason and the row's key (`record_id`);
- appends one row to `audit.ingest_log` (`source_file` lists the files, comma separated when
  there are several; counts are totals), with the content hash and the rules version given.

Rows are accounted for: blank (every cell empty or white space, skipped), rejected or loaded,
and loaded + rejected + blank = read. The rules, in the order they are applied (a row rejected by
one is not tried by the next, exactly as the loader always did):

1. `_row_problem`: the record cannot be lined up with its header;
2. each cell by its column's kind (`rules.py`: casts, code lists as joins to a reference table,
   blank required values), cells without honest text (`_cell_problems`) and cells over
   `MAX_CELL_CHARS`;
3. duplicate keys: every copy is rejected;
4. the extract's pandera schema (`schemas.py`, generated from the contract), run by pandera's
   Ibis backend on the typed rows inside DuckDB: ranges, dates before 1900 or in the future,
   month ends, one-of columns, and the code lists and required columns again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration import extracts as x
from orchestration.ingest import rules
from orchestration.ingest.readers import MAX_CELL_CHARS, ExtractFileError
from orchestration.ingest.stage import (
    CELL_PROBLEMS,
    OTHER_VALUES,
    PROVENANCE,
    ROW_PROBLEM,
    SOURCE_FILE,
    SOURCE_REF,
    SOURCE_ROW,
    quoted,
)

# A statutory return's rows also say which return and year they come from (orchestration/returns):
# optional, carried through to raw when a staged table has them.
RETURN_PROVENANCE = ("_source_return", "_source_year")

AUDIT_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists audit.rejected_rows (
    extract varchar, source_file varchar, source_row bigint, column_name varchar,
    value varchar, reason varchar, loaded_at timestamp
);
create table if not exists audit.ingest_log (
    extract varchar, source_file varchar, status varchar, message varchar,
    rows_read bigint, rows_loaded bigint, rows_rejected bigint, rows_blank bigint,
    loaded_at timestamp
);
-- Added after the first release: warehouses built before it gain the columns here.
alter table audit.ingest_log add column if not exists content_sha256 varchar;
-- True for messages written since messages stopped quoting file contents; the analyst database
-- withholds older ones, which could quote a headerless file's first row.
alter table audit.ingest_log add column if not exists message_safe boolean;
-- The rejected row's key as the file has it (the analyst database shows a keyed pseudonym).
alter table audit.rejected_rows add column if not exists record_id varchar;
-- The version of the ingest rules that made the load (`load.py`: RULES_VERSION): a file is
-- skipped as unchanged only if it was loaded by the same rules.
alter table audit.ingest_log add column if not exists rules_version varchar;
-- Where in the file the row is, beyond its number: an xlsx sheet, a return's XML path.
alter table audit.rejected_rows add column if not exists source_ref varchar;
"""


@dataclass(frozen=True)
class Rejection:
    source_row: int
    column_name: str | None
    value: str | None
    reason: str
    # The row's key (e.g. the referral id; "2024-01-31, W1" for a two-column key), None when a
    # key value is blank.
    record_id: str | None = None
    source_file: str | None = None


@dataclass
class LoadResult:
    extract: str
    source_file: str | None
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    blank: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    content_sha256: str | None = None
    # Set when the file was not read because it is the one already loaded (`load.py`).
    unchanged_since: dt.datetime | None = None

    @property
    def balanced(self) -> bool:
        return self.loaded + self.rejected + self.blank == self.read


@dataclass(frozen=True)
class StagedTable:
    """A table or view of the connection holding one source file's rows as text."""

    table: str
    source_file: str
    warnings: tuple[str, ...] = ()


_TEMP = (
    "_csc_staged",
    "_csc_parsed",
    "_csc_duplicates",
    "_csc_candidates",
    "_csc_check_failures",
    "_csc_rejected_raw",
    "_csc_rejections",
    "_csc_clean",
)


def _columns_of(con, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"describe {quoted(table)}").fetchall()]


def _reference_codes(con) -> None:
    """`_csc_codes`: every code list of the contract, as the joins of rule 2 read it (made once
    per connection)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where table_name = '_csc_codes' and temporary"
    ).fetchone()[0]
    if exists:
        return
    rows = []
    for extract in x.EXTRACTS:
        for column in extract.columns:
            folded = [code.lower() for code in column.codes or ()]
            if len(set(folded)) != len(folded):
                raise ValueError(f"{extract.name}.{column.name}: codes that differ only in case")
            rows += [(extract.name, column.name, code.lower(), code) for code in column.codes or ()]
    values = ", ".join("(" + ", ".join(rules.sql_string(v) for v in row) + ")" for row in rows)
    con.execute(
        "create or replace temp table _csc_codes as select * from (values "
        f"{values}) as codes (extract, column_name, folded, code)"
    )


@dataclass
class _Plan:
    extract: x.Extract
    present: list[x.Column]  # contract columns in at least one staged table
    extras: list[str]
    files: list[str]
    warnings: list[str]
    # The return provenance columns (RETURN_PROVENANCE) some staged table has.
    returned: list[str] = field(default_factory=list)


def _union(con, extract: x.Extract, staged: Sequence[StagedTable]) -> _Plan:
    """`_csc_staged`: the staged tables one under another, every column in each."""
    known = set(extract.column_names)
    tables, extras, warnings = [], [], []
    for item in staged:
        columns = dict(_columns_of(con, item.table))
        for name in PROVENANCE:
            if name not in columns:
                raise ValueError(f"staged table {item.table} has no {name} column")
        for name in columns:
            if name.startswith("_") and name not in (*PROVENANCE, ROW_PROBLEM, CELL_PROBLEMS,
                                                     OTHER_VALUES, *RETURN_PROVENANCE):  # fmt: skip
                raise ValueError(f"staged table {item.table}: unknown loader column {name}")
        path = Path(item.source_file)
        for column in extract.columns:
            if column.name not in columns:
                if column.required:
                    raise ExtractFileError(path, "required column missing", column.name)
                warnings.append(f"{item.source_file}: optional column '{column.name}' is missing")
        extras += [
            n for n in columns if not n.startswith("_") and n not in known and n not in extras
        ]
        tables.append((item, columns))
    present = [c for c in extract.columns if any(c.name in cols for _, cols in tables)]
    returned = [n for n in RETURN_PROVENANCE if any(n in cols for _, cols in tables)]
    data = [c.name for c in present] + extras
    selects = []
    for ordinal, (item, columns) in enumerate(tables):
        items = [
            f"{ordinal} as _file",
            f"cast({SOURCE_FILE} as varchar) as {SOURCE_FILE}",
            f"cast({SOURCE_ROW} as bigint) as {SOURCE_ROW}",
            f"cast({SOURCE_REF} as varchar) as {SOURCE_REF}",
        ]
        items += [
            f"cast({name} as varchar) as {name}" if name in columns
            else f"cast(null as varchar) as {name}"
            for name in returned
        ]  # fmt: skip
        for name in data:
            items.append(
                f"cast({quoted(name)} as varchar) as {quoted(name)}"
                if name in columns
                else f"cast(null as varchar) as {quoted(name)}"
            )
        items.append(
            f"cast({ROW_PROBLEM} as varchar) as {ROW_PROBLEM}"
            if ROW_PROBLEM in columns
            else f"cast(null as varchar) as {ROW_PROBLEM}"
        )
        items.append(
            CELL_PROBLEMS
            if CELL_PROBLEMS in columns
            else f"cast(null as map(varchar, varchar)) as {CELL_PROBLEMS}"
        )
        items.append(
            f"coalesce({OTHER_VALUES}, false) as {OTHER_VALUES}"
            if OTHER_VALUES in columns
            else f"false as {OTHER_VALUES}"
        )
        selects.append(f"select {', '.join(items)} from {quoted(item.table)}")
    con.execute("create or replace temp view _csc_staged as " + " union all ".join(selects))
    files = [item.source_file for item in staged]
    return _Plan(extract, present, extras, files, warnings, returned)


def _alias(position: int) -> str:
    return f"c{position}"


def _parse(con, plan: _Plan) -> None:
    """`_csc_parsed`: per row, whether it is blank, each contract column's reason (`e<i>`),
    typed value (`t<i>`) and whether its cell had no text (`u<i>`), extras' reasons and values,
    and the record id."""
    extract = plan.extract
    prep = ["st._file", SOURCE_FILE, SOURCE_ROW, SOURCE_REF, *plan.returned, ROW_PROBLEM,
            CELL_PROBLEMS, OTHER_VALUES]  # fmt: skip
    joins, parts = [], []
    for i, column in enumerate(plan.present):
        alias, raw = _alias(i), f"st.{quoted(column.name)}"
        prep.append(f"{raw} as {alias}_v")
        prep += rules.prepared(column, raw, alias)
        parts += rules.date_parts(column, alias)
        if column.kind == x.CODE:
            joins.append(
                f"left join _csc_codes as k{i} on k{i}.extract = {rules.sql_string(extract.name)} "
                f"and k{i}.column_name = {rules.sql_string(column.name)} "
                f"and k{i}.folded = lower({rules.trimmed(raw)})"
            )
            prep.append(f"k{i}.code as {alias}_code")
    for j, name in enumerate(plan.extras):
        prep.append(f"st.{quoted(name)} as x{j}_v")
        prep.append(f"{rules.trimmed('st.' + quoted(name))} as x{j}_s")

    def unreadable(v: str, name: str) -> str:
        return (
            f"case when {CELL_PROBLEMS}[{rules.sql_string(name)}] is not null "
            f"then {CELL_PROBLEMS}[{rules.sql_string(name)}] "
            f"when length({v}) > {MAX_CELL_CHARS} then format('value of {{:,}} characters is "
            f"longer than the {{:,}} allowed', length({v}), {MAX_CELL_CHARS}) end"
        )

    out = ["_file", SOURCE_FILE, SOURCE_ROW, SOURCE_REF, *plan.returned, ROW_PROBLEM]
    blanks = [f"({_alias(i)}_s is null or {_alias(i)}_s = '')" for i in range(len(plan.present))]
    blanks += [f"(x{j}_s is null or x{j}_s = '')" for j in range(len(plan.extras))]
    readable = [f"({unreadable(f'{_alias(i)}_v', c.name)}) is null"
                for i, c in enumerate(plan.present)]  # fmt: skip
    readable += [f"({unreadable(f'x{j}_v', n)}) is null" for j, n in enumerate(plan.extras)]
    out.append(
        f"({ROW_PROBLEM} is null and not {OTHER_VALUES} and "
        + " and ".join(blanks + readable or ["true"])
        + ") as _blank"
    )
    for i, column in enumerate(plan.present):
        alias = _alias(i)
        reason, value = rules.parsed(column, extract, f"{alias}_v", alias, f"{alias}_code")
        problem = unreadable(f"{alias}_v", column.name)
        out.append(f"({problem}) is not null as u{i}")
        out.append(f"coalesce({problem}, {reason}) as e{i}")
        out.append(f"cast({value} as {rules.SQL_TYPES[column.kind]}) as t{i}")
    for j, name in enumerate(plan.extras):
        out.append(f"{unreadable(f'x{j}_v', name)} as xe{j}")
        out.append(f"x{j}_s as xt{j}")
    key_columns = [i for i, c in enumerate(plan.present) if c.name in extract.key]
    out += [f"{_alias(i)}_s as ks{i}" for i in key_columns]
    # Materialised: the record id reads each key column's verdict without computing it again.
    con.execute(
        "create or replace temp table _csc_parsed as with prep as (select "
        + ", ".join(prep)
        + " from _csc_staged as st "
        + " ".join(joins)
        + "), parts as (select *"
        + "".join(", " + item for item in parts)
        + " from prep), parsed as materialized (select "
        + ", ".join(out)
        + f" from parts) select * exclude ({', '.join(f'ks{i}' for i in key_columns)}), "
        + f"{_record_id(plan)} as record_id from parsed"
    )


def _record_id(plan: _Plan) -> str:
    """The row's key as text: parsed values where they parsed, else the cell as written (and
    the cell as written for a row that cannot be lined up with its header)."""
    parts = []
    for name in plan.extract.key:
        i = next(n for n, c in enumerate(plan.present) if c.name == name)
        raw = f"nullif(ks{i}, '')"
        parts.append(
            f"case when u{i} then null when {ROW_PROBLEM} is not null then {raw} "
            f"when e{i} is null and t{i} is not null then "
            f"{rules.key_text(plan.present[i], f't{i}')} "
            f"else {raw} end"
        )
    nulls = " or ".join(f"({p}) is null" for p in parts)
    return f"case when {nulls} then null else concat_ws(', ', {', '.join(parts)}) end"


def _key_condition(plan: _Plan, prefix: str = "") -> tuple[list[str], str]:
    key = [next(i for i, c in enumerate(plan.present) if c.name == n) for n in plan.extract.key]
    complete = " and ".join(f"{prefix}e{i} is null and {prefix}t{i} is not null" for i in key)
    return [f"t{i}" for i in key], complete


def _duplicates(con, plan: _Plan) -> None:
    keys, complete = _key_condition(plan)
    rows = (
        "case when count(distinct _file) = 1 then 'rows ' || string_agg(cast(_source_row as "
        "varchar), ', ' order by _source_row) else string_agg(_source_file || ' row ' || "
        "_source_row, ', ' order by _file, _source_row) end"
    )
    key_list = ", ".join(keys)
    same = " and ".join(f"k.{k} = d.{k}" for k in keys)
    # The keys that repeat first (cheap), then the row lists of those only.
    con.execute(
        f"create or replace temp table _csc_duplicates as with keyed as (select {key_list}, "
        f"_file, {SOURCE_FILE}, {SOURCE_ROW} from _csc_parsed where not _blank and "
        f"{ROW_PROBLEM} is null and {complete}), repeated as (select {key_list} from keyed "
        f"group by {key_list} having count(*) > 1) select {key_list}, 'duplicate key: ' || "
        f"count(*) || ' rows share it (' || {rows} || ')' as reason from keyed as k semi join "
        f"repeated as d on {same} group by {key_list}"
    )


def _candidates(con, plan: _Plan) -> None:
    keys, _ = _key_condition(plan)
    fine = [f"p.e{i} is null" for i in range(len(plan.present))]
    fine += [f"p.xe{j} is null" for j in range(len(plan.extras))]
    columns = []
    present = {c.name: i for i, c in enumerate(plan.present)}
    for column in plan.extract.columns:
        sql_type = rules.SQL_TYPES[column.kind]
        value = f"p.t{present[column.name]}" if column.name in present else "null"
        columns.append(f"cast({value} as {sql_type}) as {quoted(column.name)}")
    columns += [f"p.xt{j} as {quoted(name)}" for j, name in enumerate(plan.extras)]
    on = " and ".join(f"p.{k} = d.{k}" for k in keys)
    con.execute(
        "create or replace temp table _csc_candidates as select row_number() over "
        f"(order by p._file, p.{SOURCE_ROW}) - 1 as _position, p._file, p.{SOURCE_FILE}, "
        f"p.{SOURCE_ROW}, p.{SOURCE_REF}, {''.join(f'p.{n}, ' for n in plan.returned)}"
        f"p.record_id, {', '.join(columns)} "
        f"from _csc_parsed as p anti join _csc_duplicates as d on {on} "
        f"where not p._blank and p.{ROW_PROBLEM} is null and {' and '.join(fine or ['true'])} "
        "order by _position"
    )


# --- rule 4: the pandera schema ------------------------------------------------------------------


@contextmanager
def _ibis(con) -> Iterator:
    """An Ibis backend on `con`, leaving the connection's settings as they were (Ibis sets the
    time zone to UTC and turns off replacement scans)."""
    import ibis

    saved = con.execute(
        "select current_setting('TimeZone'), current_setting('python_enable_replacements')"
    ).fetchone()
    try:
        yield ibis.duckdb.from_connection(con)
    finally:
        con.execute(f"set TimeZone = {rules.sql_string(saved[0])}")
        con.execute(f"set python_enable_replacements = {str(bool(saved[1])).lower()}")


def _reason_for(check: str) -> str:
    # pandera names built-in checks by their function (isin, ge, ...); ours are sentences.
    if check.startswith("isin"):
        return "unknown code"
    if check.startswith("not_nullable") or check.startswith("str_length"):
        return "required value is blank"
    if check.startswith("greater_than_or_equal_to"):
        return "below the allowed minimum " + check.split("(", 1)[-1].rstrip(")")
    if check.startswith("less_than_or_equal_to"):
        return "above the allowed maximum " + check.split("(", 1)[-1].rstrip(")")
    return check


def _check_with_pandera(con, plan: _Plan, today: dt.date | None) -> None:
    """`_csc_check_failures` (_position, column_name, reason): the rows of `_csc_candidates`
    that the extract's pandera schema fails."""
    import pandera.errors

    from orchestration.ingest.schemas import extract_schema

    con.execute(
        "create or replace temp table _csc_check_failures "
        "(_position bigint, column_name varchar, reason varchar)"
    )
    if not con.execute("select count(*) from _csc_candidates").fetchone()[0]:
        return  # nothing to check (pandera's Ibis backend fails an empty table's non-null check)
    schema = extract_schema(plan.extract, today)
    with _ibis(con) as backend:
        table = backend.table("_csc_candidates")
        try:
            schema.validate(table, lazy=True)
            return
        except pandera.errors.SchemaErrors as errors:
            cases = errors.failure_cases
    rows = set()
    known = set(plan.extract.column_names)
    for case in cases.itertuples():
        check = str(case.check)
        if case.index is None or case.index != case.index:  # None or NaN: not a row
            # A schema-level failure (a wrong type) is a fault in our parsing, not the data.
            raise RuntimeError(f"{plan.extract.name}: schema failure {check} on {case.column}")
        if case.schema_context == "DataFrameSchema" and ": " in check:
            column, reason = check.split(": ", 1)  # our dataframe checks: "column: reason"
        else:
            column = str(case.column)
            if column not in known and isinstance(case.failure_case, dict):
                # pandera's Ibis backend names the column in the failure case, not beside it.
                column = next(iter(case.failure_case))
            reason = _reason_for(check)
        rows.add((int(case.index), column, reason))
    con.executemany("insert into _csc_check_failures values (?, ?, ?)", sorted(rows))


# --- the account ---------------------------------------------------------------------------------


def _rejections(con, plan: _Plan) -> None:
    """`_csc_rejections`: one row per problem, in the order the loader reports them."""
    cell_fails = [f"e{i} is not null" for i in range(len(plan.present))]
    cell_fails += [f"xe{j} is not null" for j in range(len(plan.extras))]
    keys, complete = _key_condition(plan)
    on = " and ".join(f"p.{k} = d.{k}" for k in keys)
    con.execute(
        "create or replace temp table _csc_rejected_raw as select st.* from _csc_staged as st "
        "semi join ("
        f"select _file, {SOURCE_ROW} from _csc_parsed where not _blank and ({ROW_PROBLEM} is "
        f"not null or {' or '.join(cell_fails or ['false'])}) "
        f"union all select p._file, p.{SOURCE_ROW} from _csc_parsed as p join _csc_duplicates "
        f"as d on {on} where not p._blank and p.{ROW_PROBLEM} is null and {_prefixed(complete)} "
        f"union all select c._file, c.{SOURCE_ROW} from _csc_candidates as c "
        "semi join _csc_check_failures as f on c._position = f._position"
        f") as r on st._file = r._file and st.{SOURCE_ROW} = r.{SOURCE_ROW}"
    )
    parts = [
        # 1. The row cannot be lined up with its header.
        f"select p._file, p.{SOURCE_FILE}, p.{SOURCE_ROW}, p.{SOURCE_REF}, null as column_name, "
        "null as value, "
        f"p.{ROW_PROBLEM} as reason, p.record_id, 0 as phase, 0 as ordinal "
        f"from _csc_parsed as p where p.{ROW_PROBLEM} is not null and not p._blank"
    ]
    base = (
        f"from _csc_parsed as p join _csc_rejected_raw as r on p._file = r._file "
        f"and p.{SOURCE_ROW} = r.{SOURCE_ROW} where p.{ROW_PROBLEM} is null and not p._blank"
    )
    for i, column in enumerate(plan.present):  # 2. cells, in contract order
        name = rules.sql_string(column.name)
        parts.append(
            f"select p._file, p.{SOURCE_FILE}, p.{SOURCE_ROW}, p.{SOURCE_REF}, {name}, "
            f"case when p.u{i} then null else r.{quoted(column.name)} end, p.e{i}, p.record_id, "
            f"1, {i} {base} and p.e{i} is not null"
        )
    for j, extra in enumerate(plan.extras):  # ... then extra columns without honest text
        parts.append(
            f"select p._file, p.{SOURCE_FILE}, p.{SOURCE_ROW}, p.{SOURCE_REF}, "
            f"{rules.sql_string(extra)}, null, "
            f"p.xe{j}, p.record_id, 1, {len(plan.present) + j} {base} and p.xe{j} is not null"
        )
    # 3. Duplicate keys, every copy.
    parts.append(
        f"select p._file, p.{SOURCE_FILE}, p.{SOURCE_ROW}, p.{SOURCE_REF}, "
        f"{rules.sql_string(', '.join(plan.extract.key))}, p.record_id, d.reason, p.record_id, "
        f"2, 0 from _csc_parsed as p join _csc_duplicates as d on {on} "
        f"where not p._blank and p.{ROW_PROBLEM} is null and {_prefixed(complete)}"
    )
    # 4. The pandera schema's checks, by column name.
    value_of = " ".join(
        f"when {rules.sql_string(c.name)} then r.{quoted(c.name)}" for c in plan.present
    )
    parts.append(
        f"select c._file, c.{SOURCE_FILE}, c.{SOURCE_ROW}, c.{SOURCE_REF}, f.column_name, "
        f"case f.column_name {value_of or 'when null then null'} end, f.reason, c.record_id, 3, "
        "0 from _csc_check_failures as f join _csc_candidates as c on c._position = f._position "
        f"join _csc_rejected_raw as r on r._file = c._file and r.{SOURCE_ROW} = c.{SOURCE_ROW}"
    )
    con.execute(
        "create or replace temp table _csc_rejections as select distinct * from ("
        + " union all ".join(parts)
        + ")"
    )


def _prefixed(condition: str) -> str:
    """`e0 is null and t0 is not null` as `p.e0 ... p.t0 ...`."""
    import re

    return re.sub(r"\b([et]\d+)\b", r"p.\1", condition)


@dataclass
class Checked:
    """The outcome of `check_staged`: the account, and `_csc_clean` (a temp view of the rows
    that pass) in the connection, until `discard_checked` or the next check."""

    result: LoadResult
    plan: _Plan = field(repr=False)


def check_staged(
    con: duckdb.DuckDBPyConnection,
    extract: x.Extract,
    staged: Sequence[StagedTable],
    *,
    today: dt.date | None = None,
    collect_rejections: bool = True,
) -> Checked:
    """Apply every rule to the staged tables without writing the warehouse: `load_staged` less
    the writes. Temporary tables `_csc_*` of the connection hold the work."""
    rules.register_cell_parser(con)
    _reference_codes(con)
    plan = _union(con, extract, staged)
    _parse(con, plan)
    _duplicates(con, plan)
    _candidates(con, plan)
    _check_with_pandera(con, plan, today)
    _rejections(con, plan)
    extras = [quoted(n) for n in plan.extras]
    con.execute(
        f"create or replace temp view _csc_clean as select {SOURCE_ROW}, "
        + ", ".join([quoted(c) for c in extract.column_names] + extras)
        + f", {SOURCE_FILE}, {SOURCE_REF}{''.join(', ' + n for n in plan.returned)} "
        "from _csc_candidates as c "
        "anti join _csc_check_failures as f on c._position = f._position order by c._position"
    )
    read, blank = con.execute(
        "select count(*), count(*) filter (_blank) from _csc_parsed"
    ).fetchone()
    rejected = con.execute(
        f"select count(*) from (select distinct _file, {SOURCE_ROW} from _csc_rejections)"
    ).fetchone()[0]
    loaded = con.execute("select count(*) from _csc_clean").fetchone()[0]
    files = [name for name in plan.files if name]
    result = LoadResult(
        extract.name,
        ", ".join(files) if files else None,
        read=read,
        loaded=loaded,
        rejected=rejected,
        blank=blank,
        warnings=[w for item in staged for w in item.warnings] + plan.warnings,
    )
    if collect_rejections:
        result.rejections = [
            Rejection(*row)
            for row in con.execute(
                f"select {SOURCE_ROW}, column_name, value, reason, record_id, {SOURCE_FILE} "
                f"from _csc_rejections order by _file, {SOURCE_ROW}, phase, ordinal, column_name"
            ).fetchall()
        ]
    return Checked(result, plan)


def discard_checked(con: duckdb.DuckDBPyConnection) -> None:
    for name in reversed(_TEMP):
        kind = "view" if name in ("_csc_staged", "_csc_clean") else "table"
        con.execute(f"drop {kind} if exists {name}")


def load_staged(
    con: duckdb.DuckDBPyConnection,
    extract: x.Extract,
    staged: Sequence[StagedTable],
    loaded_at: dt.datetime,
    *,
    content_sha256: str | None = None,
    rules_version: str | None = None,
    today: dt.date | None = None,
    collect_rejections: bool = True,
) -> LoadResult:
    """Validate `staged` (one staged table per source file of `extract`) and replace
    `raw.<extract>` and its audit rows with the outcome; see the module's docstring. Returns the
    account (`rejections` only when `collect_rejections`). Raises ExtractFileError (a required
    column missing from a staged table) before anything is written."""
    con.execute(AUDIT_DDL)
    try:
        checked = check_staged(
            con, extract, staged, today=today, collect_rejections=collect_rejections
        )
        result = checked.result
        result.content_sha256 = content_sha256
        _write(con, extract, result, loaded_at, rules_version, checked.plan.returned)
    finally:
        discard_checked(con)
    return result


def _write(con, extract: x.Extract, result: LoadResult, loaded_at, rules_version,
           checked_returned=()) -> None:  # fmt: skip
    con.execute("begin transaction")
    try:
        con.execute(
            f"create or replace table raw.{extract.name} as select * exclude ({SOURCE_FILE}, "
            f"{SOURCE_REF}{''.join(', ' + n for n in checked_returned)}), {SOURCE_FILE}, "
            f"cast(? as timestamp) as _loaded_at, {SOURCE_REF}"
            f"{''.join(', ' + n for n in checked_returned)} from _csc_clean",
            [loaded_at],
        )
        con.execute("delete from audit.rejected_rows where extract = ?", [extract.name])
        con.execute(
            "insert into audit.rejected_rows (extract, source_file, source_row, column_name, "
            f"value, reason, loaded_at, record_id, source_ref) select ?, {SOURCE_FILE}, "
            f"{SOURCE_ROW}, column_name, value, reason, cast(? as timestamp), record_id, "
            f"{SOURCE_REF} from _csc_rejections "
            f"order by _file, {SOURCE_ROW}, phase, ordinal",
            [extract.name, loaded_at],
        )
        status = "loaded" if result.source_file else "missing"
        log(con, extract.name, result.source_file, status, "; ".join(result.warnings), result,
            loaded_at, rules_version)  # fmt: skip
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def log(con, extract, source_file, status, message, result: LoadResult | None, loaded_at,
        rules_version=None) -> None:  # fmt: skip
    counts = [result.read, result.loaded, result.rejected, result.blank] if result else [None] * 4
    con.execute(
        "insert into audit.ingest_log (extract, source_file, status, message, rows_read, "
        "rows_loaded, rows_rejected, rows_blank, loaded_at, content_sha256, message_safe, "
        "rules_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?)",
        [extract, source_file, status, message, *counts, loaded_at,
         result.content_sha256 if result else None, rules_version],
    )  # fmt: skip
