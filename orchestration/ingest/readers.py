"""Reading one extract file (CSV, xlsx or Parquet) into text cells with spreadsheet row numbers.

Everything comes out as text (or None for an empty cell) so that parsing is one code path for all
three formats and a bad value becomes a row rejection with a reason, not a type error. Row numbers
are as a spreadsheet user counts them: the header is row 1, the first data record row 2 (a quoted
newline inside a CSV field does not start a new row).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".csv", ".xlsx", ".parquet")


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


@dataclass
class RawTable:
    path: Path
    header: list[str]
    rows: list[RawRow] = field(default_factory=list)


def find_extract_file(source_dir: Path, extract: str) -> tuple[Path | None, list[Path]]:
    """The file for an extract, matched case-insensitively on `<extract>.<suffix>`.

    Returns the chosen file (CSV before xlsx before Parquet) and any others that were ignored.
    """
    if not source_dir.is_dir():
        return None, []
    candidates = {}
    for path in source_dir.iterdir():
        if path.is_file() and path.stem.lower() == extract and path.suffix.lower() in SUFFIXES:
            candidates[path.suffix.lower()] = path
    ordered = [candidates[s] for s in SUFFIXES if s in candidates]
    return (ordered[0] if ordered else None), ordered[1:]


def read_extract_file(path: Path) -> RawTable:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".parquet":
        return _read_parquet(path)
    raise ExtractFileError(path, f"unsupported file type '{suffix}' (use .csv, .xlsx or .parquet)")


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
        message = f"not a readable CSV at line {reader.line_num}: {exc}"
        raise ExtractFileError(path, message) from None
    return table


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace") or None
    if isinstance(value, dt.datetime):
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


def _read_xlsx(path: Path) -> RawTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise ExtractFileError(path, f"not a readable xlsx workbook ({exc})") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise ExtractFileError(
                path, f"the first sheet '{sheet.title}' is empty: data must be on the first sheet"
            )
        header = [_cell_text(c) or "" for c in header_cells]
        # Trailing empty header cells are formatting, not columns.
        while header and header[-1] == "":
            header.pop()
        table = RawTable(path, header)
        width = len(header)
        for row_number, values in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in values]
            if len(cells) > width and any(c is not None for c in cells[width:]):
                table.rows.append(
                    RawRow(row_number, cells[:width], f"row has values beyond the {width} headings")
                )
                continue
            cells = cells[:width] + [None] * (width - len(cells))
            table.rows.append(RawRow(row_number, cells))
        return table
    finally:
        workbook.close()


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
        table.rows.append(RawRow(i + 2, [_cell_text(col[i]) for col in columns]))
    return table
