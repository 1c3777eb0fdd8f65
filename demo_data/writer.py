"""Turning typed frames into the contract's text, and writing CSV, XLSX or Parquet files.

Text rules (source contract): UTF-8, dates `YYYY-MM-DD`, datetimes `YYYY-MM-DD HH:MM:SS`, flags
`Y`/`N`, blank for missing, ids as strings. Every format is written byte-for-byte reproducibly:
nothing depends on the clock (the XLSX zip entries and document properties get fixed dates).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.extracts import DATE, DATETIME, INTEGER, NUMBER, Extract

FORMATS = ("csv", "xlsx", "parquet")
_FIXED_TIME = dt.datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$")


def _dates(values: np.ndarray, unit: str) -> np.ndarray:
    values = np.asarray(values).astype(f"M8[{unit}]")
    if not len(values):
        return np.array([], dtype=object)
    text = np.char.replace(np.datetime_as_string(values, unit=unit), "T", " ")
    return np.where(np.isnat(values), "", text).astype(object)


def _numbers(values: np.ndarray, integer: bool) -> np.ndarray:
    out = np.full(len(values), "", dtype=object)
    numeric = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    ok = ~np.isnan(numeric)
    out[ok] = [f"{int(v)}" if integer else f"{v:g}" for v in numeric[ok].tolist()]
    return out


def to_text(frame: pd.DataFrame, extract: Extract) -> pd.DataFrame:
    """The extract's columns, in contract order, as strings ('' for blank)."""
    columns = {}
    for column in extract.columns:
        values = frame[column.name].to_numpy()
        if column.kind in (DATE, DATETIME) and np.issubdtype(values.dtype, np.datetime64):
            columns[column.name] = _dates(values, "D" if column.kind == DATE else "s")
        elif column.kind in (NUMBER, INTEGER):
            columns[column.name] = _numbers(values, column.kind == INTEGER)
        else:
            series = pd.Series(values, dtype=object)
            columns[column.name] = series.where(series.notna(), "").astype(str).to_numpy()
    return pd.DataFrame(columns, dtype=object)


def write(text: pd.DataFrame, extract: Extract, out_dir: Path, fmt: str) -> Path:
    path = out_dir / f"{extract.name}.{fmt}"
    if fmt == "csv":
        text.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pydict(
            {c: pa.array(text[c].tolist(), type=pa.string()) for c in text.columns}
        )
        pq.write_table(table, path, compression="snappy")
    elif fmt == "xlsx":
        _write_xlsx(text, extract, path)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return path


def _excel_value(text: str, kind: str):
    """Clean dates become real Excel dates, as an export from a system would; anything else
    (including deliberately faulty dates) stays text, so ids keep their leading zeros."""
    if kind in (DATE, DATETIME) and _ISO.match(text):
        value = dt.datetime.fromisoformat(text)
        return value.date() if kind == DATE else value
    return text if text != "" else None


def _write_xlsx(text: pd.DataFrame, extract: Extract, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.created = _FIXED_TIME
    book.properties.modified = _FIXED_TIME
    sheet = book.create_sheet(extract.name[:31])
    kinds = [c.kind for c in extract.columns]
    sheet.append(list(text.columns))
    for row in text.itertuples(index=False, name=None):
        sheet.append([_excel_value(v, k) for v, k in zip(row, kinds, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the save time into docProps/core.xml and the zip entries: rewrite both
    # with a fixed time so the same data gives the same bytes.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "docProps/core.xml":
                    content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
                fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                fixed.external_attr = info.external_attr
                target.writestr(fixed, content)


def prefix_ids(text: pd.DataFrame, extract: Extract, prefix: str) -> None:
    """Every id of the extract (ID columns) prefixed, in place: the ids of one of several
    authorities pooled into one set of extracts."""
    from orchestration.extracts import ID

    for column in extract.columns:
        if column.kind == ID:
            values = text[column.name].to_numpy(dtype=object, copy=True)
            filled = values != ""
            values[filled] = prefix + values[filled].astype(str).astype(object)
            text[column.name] = values


class Appender:
    """One extract file written part by part (CSV or Parquet): the header once, then rows."""

    def __init__(self, extract: Extract, out_dir: Path, fmt: str):
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"{fmt} cannot be written part by part")
        self.path = out_dir / f"{extract.name}.{fmt}"
        self.fmt = fmt
        self._parquet = None
        self._started = False

    def append(self, text: pd.DataFrame) -> None:
        if self.fmt == "csv":
            text.to_csv(
                self.path,
                index=False,
                header=not self._started,
                mode="a" if self._started else "w",
                lineterminator="\n",
                encoding="utf-8",
            )
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pydict(
                {c: pa.array(text[c].tolist(), type=pa.string()) for c in text.columns}
            )
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, table.schema, compression="snappy")
            self._parquet.write_table(table)
        self._started = True

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
