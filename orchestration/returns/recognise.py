"""What a file is, by what it holds, never by its name: an SSD extract (by the contract's
columns), an SSDA903 table (by its column set), the SSDA903 XML (root EXPSSDA903), the CIN census
XML (a Message with Children), the workforce census XML (a Message with CSWWWorker records), an
Annex A workbook (by its list sheets and their headers) - or nothing, with why."""

from __future__ import annotations

import csv
import io
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from orchestration import extracts as x
from orchestration.returns import annex_a_sheets
from orchestration.returns.safe_xml import peek_elements
from orchestration.returns.year_specs import SSDA903, known_years, load_spec

SSD_EXTRACT = "SSD extract"
SSDA903_TABLE = "SSDA903 table"
SSDA903_XML = "SSDA903 XML"
CIN_CENSUS_XML = "CIN census XML"
CSWW_XML = "workforce census XML"
ANNEX_A = "Annex A workbook"

_HEADER_BYTES = 65536


@dataclass(frozen=True)
class Recognition:
    """`kind` is one of the kinds above, or None (then `reason` says why the file is ignored);
    `what` names the extract or SSDA903 table; `warnings` what the sender should know."""

    kind: str | None
    what: str | None
    reason: str
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind is None:
            return f"ignored: {self.reason}"
        return f"{self.kind} ({self.what})" if self.what else self.kind


def recognise(path: Path) -> Recognition:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return Recognition(None, None, "a symbolic link (links are not followed)")
    if not stat.S_ISREG(mode):
        return Recognition(None, None, "not a regular file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _recognise_csv(path)
    if suffix == ".xml":
        return _recognise_xml(path)
    if suffix == ".xlsx":
        return _recognise_workbook(path)
    if suffix == ".parquet":
        return _recognise_parquet(path)
    what = f"'{suffix}' files are" if suffix else "a file without a suffix is"
    return Recognition(None, None, f"{what} not read (.csv, .xlsx, .parquet or .xml)")


@cache
def ssda903_tables() -> dict[str, frozenset[str]]:
    """Every SSDA903 table of any known year and its columns (sw_episodes exists from 2023-24:
    a table is recognised whatever the year, and refused later if its year has no such table)."""
    tables: dict[str, frozenset[str]] = {}
    for year in known_years(SSDA903):
        for name, fields in load_spec(SSDA903, year).body["tables"].items():
            tables[name] = frozenset(fields) | tables.get(name, frozenset())
    return tables


def match_ssda903_table(header: list[str]) -> Recognition:
    columns = {h.strip().upper() for h in header if h and h.strip()}
    fits = [(len(cols), name) for name, cols in ssda903_tables().items() if cols <= columns]
    if not fits:
        nearest, missing = _nearest(columns, ssda903_tables())
        return Recognition(
            None,
            None,
            f"its columns match no SSDA903 table (nearest: {nearest}, which also has "
            f"{', '.join(sorted(missing))})",
        )
    _, name = max(fits)
    extra = columns - ssda903_tables()[name]
    warnings = (
        (f"columns not in the SSDA903 {name} table, not read: {', '.join(sorted(extra))}",)
        if extra
        else ()
    )
    return Recognition(SSDA903_TABLE, name, "its columns are an SSDA903 table's", warnings)


def match_ssd_extract(header: list[str]) -> Recognition:
    columns = {h.strip().lower() for h in header if h and h.strip()}
    fits = []
    for extract in x.EXTRACTS:
        if set(extract.required_columns) <= columns:
            fits.append((len(columns & set(extract.column_names)), extract.name))
    if not fits:
        return Recognition(None, None, "")
    fits.sort(reverse=True)
    if len(fits) > 1 and fits[0][0] == fits[1][0]:
        return Recognition(
            None, None, f"its columns fit the SSD extracts {fits[0][1]} and {fits[1][1]} equally"
        )
    return Recognition(SSD_EXTRACT, fits[0][1], "its columns are the contract's for the extract")


def _nearest(columns: set[str], tables: dict[str, frozenset[str]]) -> tuple[str, set[str]]:
    name = max(tables, key=lambda t: (len(tables[t] & columns), -len(tables[t])))
    return name, set(tables[name] - columns)


def _recognise_csv(path: Path) -> Recognition:
    with open(path, "rb") as handle:
        data = handle.read(_HEADER_BYTES)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Recognition(None, None, "UTF-16 text: save it as CSV UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = next(csv.reader(io.StringIO(text)), None)
    if not first:
        return Recognition(None, None, "empty: no header row")
    return _recognise_header(first)


def _recognise_header(header: list[str]) -> Recognition:
    ssda903 = match_ssda903_table(header)
    if ssda903.kind:
        return ssda903
    extract = match_ssd_extract(header)
    if extract.kind or extract.reason:
        return extract if extract.kind else Recognition(None, None, extract.reason)
    return Recognition(
        None,
        None,
        f"its header is neither an SSD extract's (the contract's columns) nor an "
        f"SSDA903 table's: {ssda903.reason.removeprefix('its columns match no SSDA903 table ')}",
    )


def _recognise_parquet(path: Path) -> Recognition:
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception as exc:  # pyarrow raises several types for a damaged file
        return Recognition(None, None, f"not a readable Parquet file ({type(exc).__name__})")
    extract = match_ssd_extract(names)
    return extract if extract.kind else Recognition(None, None, "its columns are no SSD extract's")


def _recognise_xml(path: Path) -> Recognition:
    tags = peek_elements(path)
    if not tags:
        return Recognition(None, None, "not well-formed XML (no root element could be read)")
    root = tags[0]
    if root == "EXPSSDA903":
        return Recognition(SSDA903_XML, None, "root element EXPSSDA903")
    if root == "Message":
        if "CSWWWorker" in tags:
            return Recognition(CSWW_XML, None, "a Message with CSWWWorker records")
        if "Children" in tags:
            return Recognition(CIN_CENSUS_XML, None, "a Message with Children")
        return Recognition(None, None, "a Message with neither CIN Children nor CSWWWorker records")
    return Recognition(None, None, f"XML with root element {root}, not a return's")


def _recognise_workbook(path: Path) -> Recognition:
    try:
        found = annex_a_sheets.survey(path)
    except annex_a_sheets.WorkbookError as exc:
        return Recognition(None, None, str(exc))
    if found.lists:
        return Recognition(
            ANNEX_A, None, f"Annex A lists: {', '.join(found.lists)}", tuple(found.warnings)
        )
    if found.first_header:
        extract = match_ssd_extract(found.first_header)
        if extract.kind:
            return extract
    return Recognition(None, None, "a workbook with no Annex A list and no SSD extract sheet")
