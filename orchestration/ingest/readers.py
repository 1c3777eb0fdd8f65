"""Finding one extract file (CSV, xlsx or Parquet), and the reference reading of it: text cells
with spreadsheet row numbers, cell by cell in Python.

Everything comes out as text (or None for an empty cell) so that parsing is one code path for all
three formats and a bad value becomes a row rejection with a reason, not a type error. Row numbers
are as a spreadsheet user counts them: the header is row 1, the first data record row 2 (a quoted
newline inside a CSV field does not start a new row). `stage.py` puts the rows into DuckDB, with
this reading or (for most CSV files) a faster one that reads the same.

A cell that cannot be turned into text honestly (an xlsx formula with no saved value, a nested
Parquet value) is a cell problem: its row is rejected with the reason, never loaded as blank or as
the repr of a structure; so is text longer than `MAX_CELL_CHARS` (`validate.py`). Messages name
the file, the row and the column, never the contents of a cell: an extract is child-level data.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

SUFFIXES = (".csv", ".xlsx", ".parquet")
# Longer than any value an extract's column holds (a contact outcome JSON runs to kilobytes); a
# cell beyond it rejects its row naming the column, instead of refusing the whole file.
MAX_CELL_CHARS = 1_048_576
# Time-zone-aware timestamps (Parquet) are converted to the service's local time, the clock the
# KPI windows and working days are counted in, and stored without the zone.
LOCAL_TIME = ZoneInfo("Europe/London")
# Python's csv module refuses a field over 128 KiB by raising for the whole file; the limit here
# only guards memory, MAX_CELL_CHARS decides what a row may hold.
_CSV_FIELD_LIMIT = 2**31 - 1


class ExtractFileError(Exception):
    """The whole file cannot be loaded; the message names the file (and column, where one is at
    fault) so the person holding the extract can fix it."""

    def __init__(self, path: Path, message: str, column: str | None = None):
        self.path = path
        self.column = column
        where = f"{path.name}" + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass
class RawRow:
    row_number: int
    cells: list[str | None]
    # Set when the record cannot be lined up with the header (too many fields in a CSV row).
    problem: str | None = None
    # Cells that could not be read as text, by position: the reason each rejects the row.
    cell_problems: dict[int, str] = field(default_factory=dict)


@dataclass
class RawTable:
    path: Path
    header: list[str]
    rows: Iterable[RawRow] = field(default_factory=list)
    # What the reader had to decide that the sender should know (a hidden sheet skipped).
    warnings: list[str] = field(default_factory=list)
    # Where in the file the rows are: the sheet's name for xlsx, None for CSV and Parquet.
    source_ref: str | None = None


def find_extract_file(source_dir: Path, extract: str) -> tuple[Path | None, list[Path]]:
    """The file for an extract, matched case-insensitively on `<extract>.<suffix>`.

    Returns the chosen file (CSV before xlsx before Parquet) and any others that were ignored.
    Raises ExtractFileError for a candidate that is a symbolic link, a folder or anything but a
    regular file inside `source_dir`, and for two files whose names differ only in case: which
    one is meant cannot be known, and picking one silently would load the wrong extract.
    """
    if not source_dir.is_dir():
        return None, []
    folder = source_dir.resolve()
    candidates: dict[str, Path] = {}
    for path in sorted(source_dir.iterdir()):
        suffix = path.suffix.lower()
        if path.stem.lower() != extract or suffix not in SUFFIXES:
            continue
        _check_is_plain_file(path, folder)
        if suffix in candidates:
            raise ExtractFileError(
                path,
                f"both {candidates[suffix].name} and {path.name} are in the folder; names that "
                "differ only in case are ambiguous: keep one of them",
            )
        candidates[suffix] = path
    ordered = [candidates[s] for s in SUFFIXES if s in candidates]
    return (ordered[0] if ordered else None), ordered[1:]


def _check_is_plain_file(path: Path, folder: Path) -> None:
    # lstat: a link is judged as a link, never by what it points at (a link to /etc/passwd or to
    # another folder's extract must not be read).
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise ExtractFileError(
            path,
            "is a symbolic link; links are not followed: put the extract file itself in "
            "CSC_SOURCE_DIR",
        )
    if stat.S_ISDIR(mode):
        raise ExtractFileError(path, "is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise ExtractFileError(path, "is not a regular file (a pipe, socket or device)")
    if path.resolve().parent != folder:
        raise ExtractFileError(path, "resolves to a file outside CSC_SOURCE_DIR")


def open_extract_file(path: Path) -> RawTable:
    """The file's header and an iterator over its rows, read exactly as the contract says.

    This is the reference reader, cell by cell in Python: `stage.py` uses it for xlsx, for
    Parquet columns of types it has no vectorised rule for, and for every CSV file that the fast
    reader (pyarrow) cannot be shown to read identically. Rows are produced lazily, so memory is
    bounded by one row, not the file; a fault found part way (a CSV quote never closed, a merged
    xlsx heading) raises `ExtractFileError` from the iterator.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".parquet":
        return _read_parquet(path)
    raise ExtractFileError(path, f"unsupported file type '{suffix}' (use .csv, .xlsx or .parquet)")


def read_extract_file(path: Path) -> RawTable:
    """The whole file in memory (for tests and small files): `open_extract_file`, rows listed."""
    table = open_extract_file(path)
    table.rows = list(table.rows)
    return table


def csv_encoding(path: Path) -> str:
    """The Python codec a CSV extract is read with: 'utf-8-sig', else 'cp1252' (Excel on
    Windows saves "CSV" in cp1252); raises ExtractFileError for UTF-16, for bytes that are
    neither, and for a file with nothing but white space. Reads the file in blocks."""
    with open(path, "rb") as handle:
        first = handle.read(4)
        # UTF-16 from "Unicode text" exports: refuse clearly rather than decode to NUL-riddled
        # text.
        if first[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            len(first) >= 4 and first[1:4:2] == b"\x00\x00"
        ):
            raise ExtractFileError(
                path, "the file is UTF-16 encoded; save it as CSV UTF-8 and reload"
            )
        for encoding in ("utf-8-sig", "cp1252"):
            handle.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            blank, offset = True, 0
            try:
                while block := handle.read(1 << 22):
                    blank = not decoder.decode(block).strip() and blank
                    offset += len(block)
                blank = not decoder.decode(b"", final=True).strip() and blank
            except UnicodeDecodeError as exc:
                if encoding == "cp1252":
                    # cp1252 leaves five bytes undefined; the offset is the file's.
                    raise ExtractFileError(
                        path,
                        "the file is neither UTF-8 nor Windows-1252 text "
                        f"(byte {offset + exc.start})",
                    ) from None
                continue
            if blank:
                raise ExtractFileError(path, "the file is empty: a header row is required")
            return encoding
    raise AssertionError("unreachable")


def _read_csv(path: Path) -> RawTable:
    encoding = csv_encoding(path)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    stream = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by _csv_rows
    # strict: an unterminated quote is an error, not a field that silently swallows the rows after
    # it (found by the bad-input catalogue: three rows read as one).
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        stream.close()
        raise _csv_error(path, reader, exc) from None
    except StopIteration:  # only a byte-order mark
        stream.close()
        raise ExtractFileError(path, "the file is empty: a header row is required") from None
    return RawTable(path, header, _csv_rows(path, stream, reader, len(header)))


def _csv_error(path: Path, reader, exc: csv.Error) -> ExtractFileError:
    # The csv module's messages describe the fault ("unexpected end of data"), never a field.
    return ExtractFileError(path, f"not a readable CSV at line {reader.line_num}: {exc}")


def _csv_rows(path: Path, stream, reader, width: int) -> Iterator[RawRow]:
    try:
        row_number = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _csv_error(path, reader, exc) from None
            row_number += 1
            cells = [c if c != "" else None for c in record]
            if len(cells) > width:
                extra = cells[width:]
                if any(c is not None and c.strip() for c in extra):
                    yield RawRow(
                        row_number,
                        cells[:width],
                        f"row has {len(cells)} fields but the header has {width}",
                    )
                    continue
                cells = cells[:width]
            cells += [None] * (width - len(cells))
            yield RawRow(row_number, cells)
    finally:
        stream.close()


class _CellProblem(Exception):
    """A value that has no honest text form; the message is the rejection reason."""


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace") or None
    if isinstance(value, dict | list | tuple):
        # A Parquet struct, list or map: no rule turns {'a': 1} into one id or date.
        raise _CellProblem("a nested value (Parquet struct, list or map) where one value belongs")
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TIME).replace(tzinfo=None)
        has_time = value.time() != dt.time(0)
        return value.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        if math.isnan(value):
            return None
        # Excel stores every number as a float; keep "12.0" so the ID rule can normalise it,
        # written out in full (repr would give "1e+16" for a 17-digit id).
        if value.is_integer():
            return f"{int(value)}.0"
        return repr(value)
    text = str(value)
    return text if text != "" else None


def _row_cells(row_number: int, values) -> RawRow:
    row = RawRow(row_number, [])
    for position, value in enumerate(values):
        try:
            row.cells.append(_cell_text(value))
        except _CellProblem as problem:
            row.cells.append(None)
            row.cell_problems[position] = str(problem)
    return row


_NO_CACHED_VALUE = (
    "formula with no saved value (the file was written by a program that does not calculate); "
    "open it in Excel, save it and reload"
)
_MERGE_REF = re.compile(rb'<mergeCell\s+ref="([A-Z]+)1:([A-Z]+)(\d+)"')


def _read_xlsx(path: Path) -> RawTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        # The same workbook with formulas instead of their saved values: a formula whose value
        # was never saved reads as empty above, and must not count as a blank cell.
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise ExtractFileError(path, f"not a readable xlsx workbook ({exc})") from None
    try:
        visible = [s for s in workbook.worksheets if s.sheet_state == "visible"]
        if not visible:
            raise ExtractFileError(path, "the workbook has no visible sheet")
        sheet = visible[0]
        warnings = []
        if sheet is not workbook.worksheets[0]:
            hidden = [s.title for s in workbook.worksheets[: workbook.worksheets.index(sheet)]]
            warnings.append(
                f"{path.name}: read sheet '{sheet.title}', the first visible one; hidden "
                f"sheet(s) {', '.join(repr(t) for t in hidden)} skipped"
            )
        rows = sheet.iter_rows(values_only=True)
        formula_rows = formulas[sheet.title].iter_rows()
        header_cells = next(rows, None)
        next(formula_rows, None)
        if header_cells is None:
            raise ExtractFileError(
                path,
                f"the first sheet '{sheet.title}' is empty: data must be on the first sheet"
                + (" (hidden sheets are skipped)" if warnings else ""),
            )
        header = [_cell_text(c) or "" for c in header_cells]
        # Trailing empty header cells are formatting, not columns.
        while header and header[-1] == "":
            header.pop()
    except BaseException:
        workbook.close()
        formulas.close()
        raise
    table = RawTable(path, header, warnings=warnings, source_ref=sheet.title)
    table.rows = _xlsx_rows(path, workbook, formulas, sheet, rows, formula_rows, header)
    return table


def _xlsx_rows(path, workbook, formulas, sheet, rows, formula_rows, header) -> Iterator[RawRow]:
    try:
        width = len(header)
        beyond = False
        # Both passes walk the same sheet, row for row.
        pairs = zip(rows, formula_rows, strict=False)
        for row_number, (values, formula_cells) in enumerate(pairs, start=2):
            row = _row_cells(row_number, values)
            for position, cell in enumerate(formula_cells):
                if position < len(row.cells) and row.cells[position] is None:
                    if getattr(cell, "data_type", None) == "f":
                        row.cell_problems[position] = _NO_CACHED_VALUE
            cells = row.cells
            if len(cells) > width and (
                any(c is not None for c in cells[width:])
                or any(p >= width for p in row.cell_problems)
            ):
                beyond = True
                yield RawRow(
                    row_number, cells[:width], f"row has values beyond the {width} headings"
                )
                continue
            row.cells = cells[:width] + [None] * (width - len(cells))
            yield row
        if beyond or "" in header:
            _refuse_merged_header(path, workbook, sheet)
    finally:
        workbook.close()
        formulas.close()


def _refuse_merged_header(path: Path, workbook, sheet) -> None:
    """A header cell merged across columns leaves the columns after it without a heading (their
    values then look like "values beyond the headings"): say so, naming the merged range."""
    try:
        archive = workbook._archive  # the open zip; read-only sheets keep their XML path
        xml = archive.read(sheet._worksheet_path)
    except Exception:  # a layout openpyxl did not expose: keep the row-level reasons
        return
    merged = [
        f"{first}1:{last}{end}"
        for first, last, end in (
            (g.decode() for g in match.groups()) for match in _MERGE_REF.finditer(xml)
        )
        if first != last
    ]
    if merged:
        raise ExtractFileError(
            path,
            f"the header row has merged cells ({', '.join(merged)}) on "
            f"sheet '{sheet.title}': unmerge them so that every column has its own heading",
        )


def _read_parquet(path: Path) -> RawTable:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        header = list(parquet.schema_arrow.names)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
        raise ExtractFileError(path, f"not a readable Parquet file ({exc})") from None
    table = RawTable(path, header)
    table.rows = _parquet_rows(path, parquet)
    return table


def parquet_batches(path: Path, parquet) -> Iterator:
    """The file's record batches; a damaged row group raises ExtractFileError."""
    try:
        yield from parquet.iter_batches(batch_size=65_536)
    except Exception as exc:
        raise ExtractFileError(path, f"not a readable Parquet file ({exc})") from None


def _parquet_rows(path: Path, parquet) -> Iterator[RawRow]:
    row_number = 1
    for batch in parquet_batches(path, parquet):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for i in range(batch.num_rows):
            row_number += 1
            yield _row_cells(row_number, [col[i] for col in columns])
