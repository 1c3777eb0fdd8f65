"""Loading one extract: read, parse, validate, reject, and write `raw.<extract>` and the audit rows.

Every source row is accounted for: a row is blank (skipped), rejected (one `audit.rejected_rows`
record per problem) or loaded into `raw.<extract>`, and loaded + rejected + blank = read. A fault
that spoils the whole file (a missing required column, UTF-16, duplicated column names) raises
`ExtractFileError` naming the file and the column, and leaves the previous load untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa

from orchestration import extracts as x
from orchestration.ingest.parse import CellError, describe_character, parse_cell
from orchestration.ingest.readers import (
    ExtractFileError,
    RawTable,
    find_extract_file,
    read_extract_file,
)
from orchestration.ingest.schemas import MODELS

_DTYPES = {
    x.ID: "str",
    x.TEXT: "str",
    x.CODE: "str",
    x.DATE: "datetime64[us]",
    x.DATETIME: "datetime64[us]",
    x.FLAG: "boolean",
    x.NUMBER: "Float64",
    x.INTEGER: "Int64",
}
_SQL_TYPES = {
    x.ID: "varchar",
    x.TEXT: "varchar",
    x.CODE: "varchar",
    x.DATE: "date",
    x.DATETIME: "timestamp",
    x.FLAG: "boolean",
    x.NUMBER: "double",
    x.INTEGER: "bigint",
}
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

    @property
    def balanced(self) -> bool:
        return self.loaded + self.rejected + self.blank == self.read


def _lookalike(name: str, heading: str) -> str | None:
    """How `heading` differs from the column name `name` when it differs only by characters that
    look like ASCII letters but are not (a Cyrillic 'р' for 'p'), else None."""
    if len(name) != len(heading) or name == heading:
        return None
    differences = [(i, h) for i, (n, h) in enumerate(zip(name, heading, strict=True)) if n != h]
    if not all(not h.isascii() for _, h in differences):
        return None
    position, char = differences[0]
    return f"has {describe_character(char)} at position {position + 1}"


def _normalise_header(table: RawTable, extract: x.Extract) -> tuple[list[str], list[str]]:
    """The header's column names (trimmed, lower case, without invisible characters) and warnings.

    The first row of a file without a header is a child's record, so no message quotes a heading
    unless the row is a header: it names at least one column of the extract.
    """
    path = table.path
    known = set(extract.column_names)
    names, warnings = [], []
    for position, heading in enumerate(table.header, start=1):
        text = heading or ""
        # A second byte-order mark or a zero-width space pasted into a heading is invisible in
        # every editor: drop it (with a warning) rather than report a "missing" column.
        visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
        name = visible.strip().lower()
        if visible != text and name in known:
            removed = sorted({describe_character(ch) for ch in text if ch not in visible})
            warnings.append(
                f"{path.name}: invisible character(s) {', '.join(removed)} removed from the "
                f"heading of column {position} ('{name}')"
            )
        names.append(name)
    missing = [c for c in extract.required_columns if c not in names]
    hints = [
        f"column {position} looks like '{column}' but {how}"
        for column in missing
        for position, name in enumerate(names, start=1)
        if (how := _lookalike(column, name))
    ]
    hint = f" ({'; '.join(hints)}: retype it)" if hints else ""
    if not known.intersection(names):
        if any(";" in n and known.intersection(p.strip() for p in n.split(";")) for n in names):
            raise ExtractFileError(
                path,
                "required column missing: the file is separated by semicolons; save it as CSV "
                "with commas (CSV UTF-8 in Excel) and reload",
                ", ".join(missing),
            )
        raise ExtractFileError(
            path,
            f"required column missing: the first row names none of the columns of {extract.name},"
            f" so it is not a header row{hint}. The first row must name the columns (such as "
            f"{', '.join(extract.required_columns)}); its {len(names)} cells are not repeated "
            "here, as they may be a record",
            ", ".join(missing),
        )
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise ExtractFileError(path, "the column name appears more than once", name)
        if name.startswith("_"):
            # _source_row, _source_file and _loaded_at are the loader's own columns in raw.
            raise ExtractFileError(
                path, "column names starting with '_' are reserved for the loader", name
            )
        seen.add(name)
    if missing:
        raise ExtractFileError(
            path,
            "required column missing (header has: " + ", ".join(n for n in names if n) + ")" + hint,
            ", ".join(missing),
        )
    return names, warnings


def _key_text(value) -> str:
    return str(value.date() if isinstance(value, dt.datetime) else value)


def _record_id(extract: x.Extract, record: dict | None, cells, positions) -> str | None:
    """The row's key as text: parsed values where they parsed, else the cell as written."""
    parts = []
    for name in extract.key:
        value = record.get(name) if record else None
        if value is None:
            text = cells[positions[name]] if name in positions else None
            value = text.strip() if text is not None and text.strip() else None
        if value is None:
            return None
        parts.append(_key_text(value))
    return ", ".join(parts)


def _reason_for(check: str) -> str:
    # pandera names built-in checks by their function (isin, str_length, ...); ours are sentences.
    if check.startswith("isin"):
        return "unknown code"
    if check.startswith("not_nullable") or check.startswith("str_length"):
        return "required value is blank"
    if check.startswith("greater_than_or_equal_to"):
        return "below the allowed minimum " + check.split("(", 1)[-1].rstrip(")")
    if check.startswith("less_than_or_equal_to"):
        return "above the allowed maximum " + check.split("(", 1)[-1].rstrip(")")
    return check


def _validate(frame: pd.DataFrame, extract: x.Extract, text_of) -> list[Rejection]:
    """Rejections from the extract's pandera model; `text_of(index, column)` gives the cell."""
    try:
        MODELS[extract.name].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        rejections = set()
        for case in errors.failure_cases.itertuples():
            if pd.isna(case.index):
                # A schema-level failure (a wrong dtype) is a fault in our parsing, not the data.
                raise RuntimeError(
                    f"{extract.name}: schema failure {case.check} on {case.column}"
                ) from errors
            index = int(case.index)
            check = str(case.check)
            if case.schema_context == "DataFrameSchema" and ": " in check:
                column, reason = check.split(": ", 1)  # our dataframe checks: "column: reason"
            else:
                column, reason = str(case.column), _reason_for(check)
            source_row = int(frame.at[index, "_source_row"])
            rejections.add(Rejection(source_row, column, text_of(index, column), reason))
        return sorted(rejections, key=lambda r: (r.source_row, r.column_name or ""))
    return []


def read_and_check(extract: x.Extract, path: Path) -> tuple[pd.DataFrame, LoadResult]:
    """The clean typed rows of one extract file and the account of every row read."""
    table = read_extract_file(path)
    names, header_warnings = _normalise_header(table, extract)
    result = LoadResult(extract.name, path.name, read=len(table.rows))
    result.warnings += table.warnings + header_warnings
    positions = {name: i for i, name in enumerate(names) if name}
    for column in extract.columns:
        if column.name not in positions:
            result.warnings.append(f"{path.name}: optional column '{column.name}' is missing")
    extras = [n for n in names if n and n not in extract.column_names]
    if "" in names:
        result.warnings.append(
            f"{path.name}: {names.count('')} column(s) with no heading are not loaded"
        )

    problems: dict[int, list[Rejection]] = defaultdict(list)
    records: list[dict] = []
    raw_text: dict[int, list[str | None]] = {}
    record_ids: dict[int, str | None] = {}
    for row in table.rows:
        cells = row.cells
        # Cells the reader could not turn into text (in a column with a heading: the others are
        # not loaded) reject the row; they are not blank.
        unreadable = {p: why for p, why in row.cell_problems.items() if p < len(names) and names[p]}
        if all(c is None or not c.strip() for c in cells) and row.problem is None:
            if not unreadable:
                result.blank += 1
                continue
        if row.problem is not None:
            record_id = _record_id(extract, None, cells, positions)
            problems[row.row_number].append(
                Rejection(row.row_number, None, None, row.problem, record_id)
            )
            continue
        raw_text[row.row_number] = cells
        record: dict = {"_source_row": row.row_number}
        row_problems = []
        for column in extract.columns:
            position = positions.get(column.name)
            if position in unreadable:
                row_problems.append((column.name, None, unreadable[position]))
                record[column.name] = None
                continue
            text = cells[position] if position is not None else None
            try:
                record[column.name] = parse_cell(column, text)
            except CellError as exc:
                row_problems.append((column.name, text, str(exc)))
                record[column.name] = None
        for name in extras:
            if positions[name] in unreadable:
                row_problems.append((name, None, unreadable[positions[name]]))
        record_ids[row.row_number] = _record_id(extract, record, cells, positions)
        for column_name, text, reason in row_problems:
            problems[row.row_number].append(
                Rejection(row.row_number, column_name, text, reason, record_ids[row.row_number])
            )
        for name in extras:
            text = cells[positions[name]]
            record[name] = text.strip() if text is not None else None
        records.append(record)

    # Duplicate keys reject every copy: an analyst must see the conflict, not a silent choice.
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for record in records:
        key = tuple(record[k] for k in extract.key)
        if all(v is not None for v in key):
            by_key[key].append(record["_source_row"])
    for key, rows in by_key.items():
        if len(rows) > 1:
            shown = ", ".join(_key_text(v) for v in key)
            for source_row in rows:
                problems[source_row].append(
                    Rejection(
                        source_row,
                        ", ".join(extract.key),
                        shown,
                        f"duplicate key: {len(rows)} rows share it (rows "
                        + ", ".join(map(str, rows))
                        + ")",
                        shown,
                    )
                )

    candidates = [r for r in records if r["_source_row"] not in problems]
    frame = _typed_frame(extract, candidates, extras)

    def text_of(index: int, column: str) -> str | None:
        cells = raw_text[int(frame.at[index, "_source_row"])]
        return cells[positions[column]] if column in positions else None

    for rejection in _validate(frame, extract, text_of):
        record_id = record_ids.get(rejection.source_row)
        problems[rejection.source_row].append(
            Rejection(rejection.source_row, rejection.column_name, rejection.value,
                      rejection.reason, record_id)
        )  # fmt: skip

    clean = frame[~frame["_source_row"].isin(problems.keys())].reset_index(drop=True)
    result.rejections = [r for row in sorted(problems) for r in problems[row]]
    result.rejected = len(problems)
    result.loaded = len(clean)
    return clean, result


def _typed_frame(extract: x.Extract, records: list[dict], extras: list[str]) -> pd.DataFrame:
    columns = {"_source_row": pd.array([r["_source_row"] for r in records], dtype="Int64")}
    for column in extract.columns:
        values = [r[column.name] for r in records]
        columns[column.name] = pd.Series(values, dtype=_DTYPES[column.kind])
    for name in extras:
        columns[name] = pd.Series([r[name] for r in records], dtype="str")
    return pd.DataFrame(columns)


def empty_frame(extract: x.Extract) -> pd.DataFrame:
    return _typed_frame(extract, [], [])


def load_extract(
    con: duckdb.DuckDBPyConnection, extract: x.Extract, source_dir: Path, loaded_at: dt.datetime
) -> LoadResult:
    """Load one extract from `source_dir` into `raw.<extract>`; raises ExtractFileError."""
    con.execute(AUDIT_DDL)
    try:
        path, ignored = find_extract_file(source_dir, extract.name)
        if path is None:
            result = LoadResult(extract.name, None)
            result.warnings.append(
                f"no file for extract '{extract.name}' in {source_dir}: loaded as empty"
            )
            clean = empty_frame(extract)
        else:
            clean, result = read_and_check(extract, path)
        for other in ignored:
            result.warnings.append(f"{other.name} ignored: {path.name} is read instead")
        result.content_sha256 = file_sha256(path) if path else None
    except ExtractFileError as exc:
        _log(con, extract.name, exc.path.name, "failed", str(exc), None, loaded_at)
        raise
    _write(con, extract, clean, result, loaded_at)
    return result


def _write(con, extract: x.Extract, clean: pd.DataFrame, result: LoadResult, loaded_at) -> None:
    selects = ["cast(_source_row as bigint) as _source_row"]
    for column in extract.columns:
        selects.append(f'cast("{column.name}" as {_SQL_TYPES[column.kind]}) as "{column.name}"')
    for name in clean.columns:
        if name != "_source_row" and name not in extract.column_names:
            quoted = name.replace('"', '""')  # an extra column's name is the file's, not ours
            selects.append(f'cast("{quoted}" as varchar) as "{quoted}"')
    rejected = pd.DataFrame(
        {
            "extract": extract.name,
            "source_file": result.source_file,
            "source_row": pd.array([r.source_row for r in result.rejections], dtype="Int64"),
            "column_name": pd.Series([r.column_name for r in result.rejections], dtype="str"),
            "value": pd.Series([r.value for r in result.rejections], dtype="str"),
            "reason": pd.Series([r.reason for r in result.rejections], dtype="str"),
            "record_id": pd.Series([r.record_id for r in result.rejections], dtype="str"),
            "loaded_at": loaded_at,
        }
    )
    con.execute("begin transaction")
    try:
        con.register("clean_rows", clean)
        con.execute(
            f"create or replace table raw.{extract.name} as select {', '.join(selects)}, "
            "? as _source_file, cast(? as timestamp) as _loaded_at from clean_rows",
            [result.source_file, loaded_at],
        )
        con.unregister("clean_rows")
        con.execute("delete from audit.rejected_rows where extract = ?", [extract.name])
        con.register("rejected_batch", rejected)
        con.execute(
            "insert into audit.rejected_rows (extract, source_file, source_row, column_name, "
            "value, reason, loaded_at, record_id) select extract, source_file, source_row, "
            "column_name, value, reason, cast(loaded_at as timestamp), record_id "
            "from rejected_batch"
        )
        con.unregister("rejected_batch")
        status = "loaded" if result.source_file else "missing"
        _log(con, extract.name, result.source_file, status, "; ".join(result.warnings),
             result, loaded_at)  # fmt: skip
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _log(con, extract, source_file, status, message, result: LoadResult | None, loaded_at):
    counts = [result.read, result.loaded, result.rejected, result.blank] if result else [None] * 4
    con.execute(
        "insert into audit.ingest_log (extract, source_file, status, message, rows_read, "
        "rows_loaded, rows_rejected, rows_blank, loaded_at, content_sha256, message_safe) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true)",
        [extract, source_file, status, message, *counts, loaded_at,
         result.content_sha256 if result else None],
    )  # fmt: skip
