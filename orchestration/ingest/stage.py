"""Stage 1 of ingest: one extract file's rows into a DuckDB table of text, the *staged table*.

A staged table is what every reader hands to validation (`validate.load_staged`, stage 2). For a
file it holds one row per record read, in these columns:

- `_source_file` VARCHAR: the file's name; `_source_row` BIGINT: the row number a person would
  look for (spreadsheet row with the header as row 1, or the CSV record: a quoted newline does
  not start a new row); `_source_ref` VARCHAR: the sheet's name for xlsx, else NULL;
- one VARCHAR column per heading, named as the contract names its columns (headings trimmed,
  lower-cased, invisible characters removed), NULL for an empty cell; extra columns keep their
  heading's name;
- `_row_problem` VARCHAR (optional): why the record cannot be lined up with the header ("row has
  7 fields but the header has 6"), which rejects the whole row;
- `_cell_problems` MAP(VARCHAR, VARCHAR) (optional): per column, why a cell has no honest text
  (an xlsx formula without a saved value, a nested Parquet value); its cell is NULL;
- `_other_values` BOOLEAN (optional): the record has values under no heading (not loaded, but the
  row is not blank).

Everything whose whole file is at fault (no header row, a missing required column, names that
repeat, UTF-16, a damaged workbook) raises `ExtractFileError` here, naming the file and column.

CSV files are read by pyarrow's CSV reader, in C++, streamed into DuckDB block by block, when it
can be shown to read the file exactly as the contract's reader (`readers.py`, Python's csv module
with strict quoting) does: the file decodes, its quoting is well formed (one regular-expression
pass, only over files that contain a quote), and every record has exactly the header's number of
fields. Otherwise, and for xlsx, the reference reader streams its rows in batches; Parquet is read
batch by batch with vectorised text rules for its common column types. Memory stays bounded by a
batch, never the whole file.
"""

from __future__ import annotations

import mmap
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration import extracts as x
from orchestration.ingest.parse import describe_character
from orchestration.ingest.readers import (
    ExtractFileError,
    RawRow,
    _cell_text,
    _CellProblem,
    csv_encoding,
    open_extract_file,
    parquet_batches,
)
from orchestration.ingest.rules import trimmed

SOURCE_FILE, SOURCE_ROW, SOURCE_REF = "_source_file", "_source_row", "_source_ref"
PROVENANCE = (SOURCE_FILE, SOURCE_ROW, SOURCE_REF)
ROW_PROBLEM, CELL_PROBLEMS, OTHER_VALUES = "_row_problem", "_cell_problems", "_other_values"
OPTIONAL_MARKERS = (ROW_PROBLEM, CELL_PROBLEMS, OTHER_VALUES)
_BATCH_ROWS = 16_384
_CELL_PROBLEMS_TYPE = pa.map_(pa.string(), pa.string())

# A CSV whose every quoted field is closed and followed by a delimiter or a line end (Python's
# csv reader in strict mode raises for anything else): fields separated by commas, records by
# \r\n, \r or \n; possessive, so the match is linear in the file's size.
_FIELD = rb'(?:"(?:[^"]|"")*+"|[^",\r\n][^,\r\n]*+)?+'
_WELL_QUOTED_CSV = re.compile(rb"(?:\xef\xbb\xbf)?(?:" + _FIELD + rb"(?:,|\r\n?|\n))*+" + _FIELD)


@dataclass
class StagedFile:
    """A file staged into `table` of the connection, and what its reading had to say."""

    table: str
    path: Path
    warnings: list[str] = field(default_factory=list)
    # Which reader read it: "pyarrow" (the fast CSV path) or "python" (the reference reader),
    # "parquet" (vectorised batches). For the benchmark and the tests.
    reader: str = "python"


def quoted(name: str) -> str:
    """A column or table name as a DuckDB identifier (the file's names are not ours)."""
    return '"' + name.replace('"', '""') + '"'


# --- the header ----------------------------------------------------------------------------------


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


def normalise_header(
    path: Path, header: list[str], extract: x.Extract
) -> tuple[list[str], list[str], ExtractFileError | None]:
    """The header's column names (trimmed, lower case, without invisible characters), warnings,
    and the error that refuses the file for its header (returned, not raised, so that a fault
    in the rows, found while reading them, is reported first, as it always was).

    The first row of a file without a header is a child's record, so no message quotes a heading
    unless the row is a header: it names at least one column of the extract.
    """
    known = set(extract.column_names)
    names, warnings = [], []
    for position, heading in enumerate(header, start=1):
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
            return (
                names,
                warnings,
                ExtractFileError(
                    path,
                    "required column missing: the file is separated by semicolons; save it as CSV "
                    "with commas (CSV UTF-8 in Excel) and reload",
                    ", ".join(missing),
                ),
            )
        return (
            names,
            warnings,
            ExtractFileError(
                path,
                "required column missing: the first row names none of the columns of "
                f"{extract.name}, so it is not a header row{hint}. The first row must name the "
                "columns (such as "
                f"{', '.join(extract.required_columns)}); its {len(names)} cells are not repeated "
                "here, as they may be a record",
                ", ".join(missing),
            ),
        )
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            return (
                names,
                warnings,
                ExtractFileError(path, "the column name appears more than once", name),
            )
        if name.startswith("_"):
            # _source_row, _source_file and _loaded_at are the loader's own columns in raw.
            return (
                names,
                warnings,
                ExtractFileError(
                    path, "column names starting with '_' are reserved for the loader", name
                ),
            )
        seen.add(name)
    if missing:
        return (
            names,
            warnings,
            ExtractFileError(
                path,
                "required column missing (header has: "
                + ", ".join(n for n in names if n)
                + ")"
                + hint,
                ", ".join(missing),
            ),
        )
    if "" in names:
        warnings.append(f"{path.name}: {names.count('')} column(s) with no heading are not loaded")
    return names, warnings, None


# --- staging -------------------------------------------------------------------------------------


def _positional(width: int) -> list[str]:
    return [f"_c{i}" for i in range(width)]


def _create_staged(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    names: list[str],
    source_ref: str | None,
    reader: pa.RecordBatchReader,
    with_problems: bool,
) -> None:
    """CREATE the staged table from batches with positional columns `_c<i>`, `_source_row` and
    (when `with_problems`) `_row_problem` and `_cell_problems`: headed columns renamed, cells
    under no heading folded into `_other_values`."""
    selects = [
        f"cast(? as varchar) as {SOURCE_FILE}",
        f"cast({SOURCE_ROW} as bigint) as {SOURCE_ROW}",
        f"cast(? as varchar) as {SOURCE_REF}",
    ]
    unheaded = []
    for position, name in enumerate(names):
        if name:
            selects.append(f"_c{position} as {quoted(name)}")
        else:
            unheaded.append(f"coalesce({trimmed(f'_c{position}')} <> '', false)")
    if with_problems:
        selects += [ROW_PROBLEM, CELL_PROBLEMS]
    if unheaded:
        selects.append(f"({' or '.join(unheaded)}) as {OTHER_VALUES}")
    con.register("_csc_stage_reader", reader)
    try:
        con.execute(
            f"create or replace temp table {quoted(table)} as select {', '.join(selects)} "
            "from _csc_stage_reader",
            [path.name, source_ref],
        )
    finally:
        con.unregister("_csc_stage_reader")


def _rows_to_batches(rows: Iterator[RawRow], names: list[str]) -> Iterator[pa.RecordBatch]:
    width = len(names)
    batch: list[RawRow] = []

    def flush():
        columns = list(zip(*[row.cells for row in batch], strict=True)) or [()] * width
        arrays = [pa.array(column, pa.string()) for column in columns]
        arrays.append(pa.array([row.row_number for row in batch], pa.int64()))
        arrays.append(pa.array([row.problem for row in batch], pa.string()))
        problems = []
        for row in batch:
            # Only cells under a heading: the others are not loaded.
            named = [
                (names[p], why) for p, why in row.cell_problems.items() if p < width and names[p]
            ]
            problems.append(named or None)
        arrays.append(pa.array(problems, _CELL_PROBLEMS_TYPE))
        return pa.RecordBatch.from_arrays(arrays, schema=_python_schema(width))

    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH_ROWS:
            yield flush()
            batch = []
    if batch:
        yield flush()


def _python_schema(width: int) -> pa.Schema:
    return pa.schema(
        [(name, pa.string()) for name in _positional(width)]
        + [
            (SOURCE_ROW, pa.int64()),
            (ROW_PROBLEM, pa.string()),
            (CELL_PROBLEMS, _CELL_PROBLEMS_TYPE),
        ]
    )


def _stage_rows(con, table: str, path: Path, names, source_ref, rows) -> None:
    width = len(names)
    _stage_batches(
        con, table, path, names, source_ref, _python_schema(width), _rows_to_batches(rows, names)
    )


def _stage_batches(con, table, path, names, source_ref, schema, batches) -> None:
    """Create the staged table from `batches`; a fault the reader finds part way (raised inside
    DuckDB's scan of the batches) is raised here as itself."""
    raised: list[BaseException] = []

    def watched() -> Iterator[pa.RecordBatch]:
        try:
            yield from batches
        except BaseException as exc:
            raised.append(exc)
            raise

    reader = pa.RecordBatchReader.from_batches(schema, watched())
    try:
        _create_staged(con, table, path, names, source_ref, reader, with_problems=True)
    except duckdb.Error:
        if raised:
            raise raised[0] from None
        raise


class _NotExact(Exception):
    """The fast reader cannot be shown to read this file as the reference reader does."""


def _stage_csv_fast(con, table: str, path: Path, encoding: str, header: list[str], names) -> None:
    import pyarrow.csv as pcsv

    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data.find(b'"') != -1 and _WELL_QUOTED_CSV.fullmatch(data) is None:
            raise _NotExact("quoting the reference reader refuses or reads differently")
    width = len(header)
    columns = _positional(width)

    def refuse(row) -> str:
        raise _NotExact(f"a record with {row.actual_columns} fields, not {width}")

    try:
        stream = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(
                column_names=columns,
                encoding="utf8" if encoding == "utf-8-sig" else encoding,
                block_size=1 << 24,
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=",",
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=refuse,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.string() for c in columns},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except Exception as exc:  # noqa: BLE001 - any refusal sends the file to the exact reader
        raise _NotExact(str(exc)) from None
    schema = pa.schema([(c, pa.string()) for c in columns] + [(SOURCE_ROW, pa.int64())])

    def batches() -> Iterator[pa.RecordBatch]:
        records, header_seen = 0, False  # the header is record 1
        for batch in stream:
            numbers = pa.array(range(records + 1, records + 1 + batch.num_rows), pa.int64())
            records += batch.num_rows
            batch = pa.RecordBatch.from_arrays([*batch.columns, numbers], schema=schema)
            if not header_seen and batch.num_rows:
                first = [batch.column(i)[0].as_py() or "" for i in range(width)]
                if first != header:
                    raise _NotExact("the header reads differently")
                batch, header_seen = batch.slice(1), True
            yield batch

    reader = pa.RecordBatchReader.from_batches(schema, batches())
    try:
        _create_staged(con, table, path, names, None, reader, with_problems=False)
    except Exception as exc:  # noqa: BLE001 - DuckDB wraps what the batches raised
        con.execute(f"drop table if exists {quoted(table)}")
        raise _NotExact(str(exc)) from None


def _parquet_text(column: pa.Array) -> tuple[pa.Array, dict[int, str]]:
    """A Parquet column as the reference reader's text, and the cells that have none."""
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.dictionary_decode()
        kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = pc.cast(column, pa.string())
        return pc.if_else(pc.equal(text, ""), None, text), {}
    if pa.types.is_integer(kind):
        return pc.cast(column, pa.string()), {}
    if pa.types.is_boolean(kind):
        return pc.if_else(column, "Y", "N"), {}
    # Dates, timestamps (with their time zone), floats, binary, nested values ...: the
    # reference rule, value by value.
    values, problems = [], {}
    for index, value in enumerate(column.to_pylist()):
        try:
            values.append(_cell_text(value))
        except _CellProblem as problem:
            values.append(None)
            problems[index] = str(problem)
    return pa.array(values, pa.string()), problems


def _stage_parquet(con, table: str, path: Path, parquet, names: list[str]) -> None:
    width = len(names)
    schema = _python_schema(width)

    def batches() -> Iterator[pa.RecordBatch]:
        row_number = 2
        for batch in parquet_batches(path, parquet):
            arrays, problems = [], [None] * batch.num_rows
            for position in range(width):
                text, cell_problems = _parquet_text(batch.column(position))
                arrays.append(text)
                if names[position]:
                    for index, why in cell_problems.items():
                        problems[index] = (problems[index] or []) + [(names[position], why)]
            arrays.append(pa.array(range(row_number, row_number + batch.num_rows), pa.int64()))
            arrays.append(pa.nulls(batch.num_rows, pa.string()))
            arrays.append(pa.array(problems, _CELL_PROBLEMS_TYPE))
            row_number += batch.num_rows
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)

    _stage_batches(con, table, path, names, None, schema, batches())


def stage_file(
    con: duckdb.DuckDBPyConnection, extract: x.Extract, path: Path, table: str
) -> StagedFile:
    """Read the extract file at `path` into the temporary table `table` (replaced if it exists).

    Raises ExtractFileError for a file that cannot be loaded at all, naming file and column; the
    table is then dropped.
    """
    try:
        return _stage_file(con, extract, path, table)
    except BaseException:
        con.execute(f"drop table if exists {quoted(table)}")
        raise


def _stage_file(con, extract: x.Extract, path: Path, table: str) -> StagedFile:
    raw = open_extract_file(path)
    names, warnings, header_error = normalise_header(path, raw.header, extract)
    if header_error is not None:
        names = _positional(len(raw.header))  # read the rows (their faults come first), then
    staged = StagedFile(table, path, raw.warnings + warnings)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            # The rows of the reference reader are not needed on this path.
            raw.rows.close()
            _stage_csv_fast(con, table, path, csv_encoding(path), raw.header, names)
            staged.reader = "pyarrow"
        except _NotExact:
            raw = open_extract_file(path)
            _stage_rows(con, table, path, names, raw.source_ref, raw.rows)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        _stage_parquet(con, table, path, pq.ParquetFile(path), names)
        staged.reader = "parquet"
    else:
        _stage_rows(con, table, path, names, raw.source_ref, raw.rows)
    if header_error is not None:
        raise header_error
    return staged
