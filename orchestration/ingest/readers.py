"""Finding and reading one extract file (CSV, xlsx or Parquet) into text cells with spreadsheet row
numbers.

Everything comes out as text (or None for an empty cell) so that parsing is one code path for all
three formats and a bad value becomes a row rejection with a reason, not a type error. Row numbers
are as a spreadsheet user counts them: the header is row 1, the first data record row 2 (a quoted
newline inside a CSV field does not start a new row).

A cell that cannot be turned into text honestly (an xlsx formula with no saved value, a nested
Parquet value, text longer than `MAX_CELL_CHARS`) is a cell problem: its row is rejected with the
reason, never loaded as blank or as the repr of a structure. Messages name the file, the row and
the column, never the contents of a cell: an extract is child-level data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import stat
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
    rows: list[RawRow] = field(default_factory=list)
    # What the reader had to decide that the sender should know (a hidden sheet skipped).
    warnings: list[str] = field(default_factory=list)


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


def read_extract_file(path: Path) -> RawTable:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path)
    elif suffix == ".xlsx":
        table = _read_xlsx(path)
    elif suffix == ".parquet":
        table = _read_parquet(path)
    else:
        raise ExtractFileError(
            path, f"unsupported file type '{suffix}' (use .csv, .xlsx or .parquet)"
        )
    for row in table.rows:
        for position, cell in enumerate(row.cells):
            if cell is not None and len(cell) > MAX_CELL_CHARS:
                row.cells[position] = None
                row.cell_problems[position] = (
                    f"value of {len(cell):,} characters is longer than the {MAX_CELL_CHARS:,} "
                    "allowed"
                )
    return table


def _decode(path: Path, data: bytes) -> str:
    # UTF-16 from "Unicode text" exports: refuse clearly rather than decode to NUL-riddled text.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) >= 4 and data[1:4:2] == b"\x00\x00"):
        raise ExtractFileError(path, "the file is UTF-16 encoded; save it as CSV UTF-8 and reload")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in cp1252; every byte but five decodes, so this rarely fails.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ExtractFileError(
                path, f"the file is neither UTF-8 nor Windows-1252 text (byte {exc.start})"
            ) from None


def _read_csv(path: Path) -> RawTable:
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise ExtractFileError(path, "the file is empty: a header row is required")
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    # strict: an unterminated quote is an error, not a field that silently swallows the rows after
    # it (found by the bad-input catalogue: three rows read as one).
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        table = RawTable(path, header)
        width = len(header)
        for row_number, record in enumerate(reader, start=2):
            cells = [c if c != "" else None for c in record]
            if len(cells) > width:
                extra = cells[width:]
                if any(c is not None and c.strip() for c in extra):
                    table.rows.append(
                        RawRow(
                            row_number,
                            cells[:width],
                            f"row has {len(cells)} fields but the header has {width}",
                        )
                    )
                    continue
                cells = cells[:width]
            cells += [None] * (width - len(cells))
            table.rows.append(RawRow(row_number, cells))
    except csv.Error as exc:
        # The csv module's messages describe the fault ("unexpected end of data"), never a field.
        message = f"not a readable CSV at line {reader.line_num}: {exc}"
        raise ExtractFileError(path, message) from None
    return table


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
        table = RawTable(path, header, warnings=warnings)
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
                table.rows.append(
                    RawRow(row_number, cells[:width], f"row has values beyond the {width} headings")
                )
                continue
            row.cells = cells[:width] + [None] * (width - len(cells))
            table.rows.append(row)
        if beyond or "" in header:
            _refuse_merged_header(path, workbook, sheet)
        return table
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
        arrow = pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
        raise ExtractFileError(path, f"not a readable Parquet file ({exc})") from None
    header = list(arrow.column_names)
    columns = [arrow.column(i).to_pylist() for i in range(arrow.num_columns)]
    table = RawTable(path, header)
    for i in range(arrow.num_rows):
        table.rows.append(_row_cells(i + 2, [col[i] for col in columns]))
    return table
