"""Finding Annex A's lists in a workbook: which sheet is which list (by its name, "List 3", or
else by its headers), where its header row is, and which column holds each field (by the header
synonyms of the specification)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.returns.values import normalise_text
from orchestration.returns.year_specs import ANNEX_A, YearSpec, known_years, load_spec

# Title rows above the header are allowed: the header is looked for in the first rows.
HEADER_SEARCH_ROWS = 5


class WorkbookError(Exception):
    """The workbook cannot be opened; the message says why."""


@dataclass
class SheetMatch:
    sheet: str
    list_key: str | None
    title: str = ""
    header_row: int = 1
    # Field key -> 0-based column position.
    positions: dict[str, int] = field(default_factory=dict)
    # Set when the sheet is a list (by name) whose header lacks the fields it needs.
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Survey:
    lists: list[str]
    warnings: list[str]
    first_header: list[str] | None


def base_spec() -> YearSpec:
    # Every year's Annex A specification has the same lists; recognition needs no year.
    return load_spec(ANNEX_A, known_years(ANNEX_A)[-1])


def open_workbook(path: Path, data_only: bool):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise WorkbookError(f"not a readable .xlsx workbook ({type(exc).__name__})") from None


def survey(path: Path) -> Survey:
    """The Annex A lists a workbook holds (for recognition), and the first sheet's header."""
    workbook = open_workbook(path, data_only=True)
    try:
        spec = base_spec()
        lists, warnings, first_header = [], [], None
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue
            top = [list(r) for r in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
            if first_header is None and top:
                first_header = [str(v) if v is not None else "" for v in top[0]]
            match = match_sheet(sheet.title, top, spec)
            if match.list_key:
                lists.append(f"{sheet.title} ({match.title})")
        return Survey(lists, warnings, first_header)
    finally:
        workbook.close()


def match_sheet(name: str, top_rows: list[list], spec: YearSpec) -> SheetMatch:
    """Which list `name` is, its header row and the fields' columns. A sheet named as a list
    whose header lacks a required field gets `error` naming the headers expected; a sheet that
    is no list by name or by header gets list_key None."""
    lists = spec.body["lists"]
    by_name = next(
        (key for key, lst in lists.items() if _matches(lst["sheet"], normalise_text(name))), None
    )
    candidates = [by_name] if by_name else list(lists)
    best: SheetMatch | None = None
    for key in candidates:
        for row_index, row in enumerate(top_rows, start=1):
            match = _match_header(name, key, row, row_index, spec)
            if match.error is None and (best is None or len(match.positions) > len(best.positions)):
                best = match
        if by_name and best is None:
            return SheetMatch(name, key, lists[key]["title"], error=_expected(key, spec))
    if best is None:
        return SheetMatch(name, None)
    return best


def list_columns(key: str, spec: YearSpec) -> dict[str, dict]:
    """The fields of a list: the person's (for a child's list) then the list's own."""
    lst = spec.body["lists"][key]
    person = spec.body["person_columns"] if lst.get("person_list", True) else {}
    return {**person, **lst["columns"]}


def _match_header(name: str, key: str, row: list, row_index: int, spec: YearSpec) -> SheetMatch:
    lst = spec.body["lists"][key]
    headers = [normalise_text(str(v)) if v is not None else "" for v in row]
    match = SheetMatch(name, key, lst["title"], header_row=row_index)
    taken: set[int] = set()
    for field_key, column in list_columns(key, spec).items():
        positions = [
            i
            for i, text in enumerate(headers)
            if text and i not in taken and any(_matches(p, text) for p in column["headers"])
        ]
        if positions:
            match.positions[field_key] = positions[0]
            taken.add(positions[0])
            if len(positions) > 1:
                match.warnings.append(
                    f"sheet '{name}': {len(positions)} columns match '{column['name']}'; the "
                    f"first (column {positions[0] + 1}) is read"
                )
    missing = [k for k, c in list_columns(key, spec).items() if c.get("required")]
    if any(k not in match.positions for k in missing):
        match.error = _expected(key, spec)
    return match


def _expected(key: str, spec: YearSpec) -> str:
    lst = spec.body["lists"][key]
    required = [c["name"] for c in list_columns(key, spec).values() if c.get("required")]
    read = [c["name"] for c in list_columns(key, spec).values() if not c.get("required")]
    optional = f"; it also reads {', '.join(repr(n) for n in read)}" if read else ""
    expected = " and ".join(repr(n) for n in required)
    return (
        f"the header of {lst['title']} is not recognised: expected {expected} in one of the "
        f"first {HEADER_SEARCH_ROWS} rows (or a synonym){optional}"
    )


def _matches(pattern: str, text: str) -> bool:
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        return re.search(pattern[1:-1], text, re.IGNORECASE) is not None
    return normalise_text(pattern) == text
