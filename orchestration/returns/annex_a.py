"""Ofsted's Annex A workbook into the contract's extracts.

Lists 1 (contacts), 3 (referrals), 4 (assessments), 5 (S47 enquiries and ICPCs), 6 (children in
need), 7 (CP plans), 8 (children looked after) and 10 (adoption) map; every child's list also
gives the child (ssd_person). Lists 2 (early help), 9 (care leavers' current status) and 11
(adopters) have no extract in the contract: their rows are read and counted as not loaded.

Annex A has no record ids; ids are built from the child and the record's own date
(ids.py), so list 3's and list 6's rows for one referral are one CIN episode.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

from orchestration.returns.annex_a_lists import LIST_MAPPERS
from orchestration.returns.annex_a_sheets import (
    WorkbookError,
    base_spec,
    list_columns,
    match_sheet,
    open_workbook,
)
from orchestration.returns.collection_years import march_year_containing
from orchestration.returns.results import FileAccount, MappedReturn, Rejection, Source, contract_row
from orchestration.returns.values import (
    ValueProblem,
    is_blank,
    is_excel_error,
    normalise,
)
from orchestration.returns.year_specs import ANNEX_A, UnknownYear, load_spec

RECOGNISED_AS = "Annex A workbook"


def read_annex_a(path: Path, name: str | None = None, year: str | None = None) -> MappedReturn:
    """Map one Annex A workbook. `name` is the file as named in the source folder; `year`
    overrides the year read from its latest event date."""
    name = name or path.name
    account = FileAccount(name, RECOGNISED_AS, ANNEX_A)
    result = MappedReturn(ANNEX_A, None, [account])
    try:
        sheets = _read_sheets(path, account)
    except WorkbookError as exc:
        account.error = str(exc)
        return result
    try:
        result.year = year or _year(sheets)
        spec = load_spec(ANNEX_A, result.year)
    except (UnknownYear, ValueError) as exc:
        account.error = str(exc)
        return result
    account.year = result.year
    _Mapper(result, spec, name).map(sheets)
    result.ledger.fill(account)
    return result


class _Sheet:
    def __init__(self, title, match, rows):
        self.title = title
        self.match = match  # SheetMatch
        self.rows = rows  # [(row number, values, formulas)]


def _read_sheets(path: Path, account: FileAccount) -> list[_Sheet]:
    spec = base_spec()
    values_book = open_workbook(path, data_only=True)
    formula_book = open_workbook(path, data_only=False)
    sheets = []
    try:
        for sheet in values_book.worksheets:
            if sheet.sheet_state != "visible":
                account.warnings.append(f"sheet '{sheet.title}' is hidden: not read")
                continue
            values = [list(r) for r in sheet.iter_rows(values_only=True)]
            formulas = [list(r) for r in formula_book[sheet.title].iter_rows(values_only=True)]
            match = match_sheet(sheet.title, values[:5], spec)
            account.warnings.extend(match.warnings)
            if match.list_key is None:
                account.warnings.append(f"sheet '{sheet.title}' is not an Annex A list: not read")
                continue
            rows = [
                (number, row, formulas[number - 1] if number - 1 < len(formulas) else [])
                for number, row in enumerate(values, start=1)
                if number > match.header_row
            ]
            sheets.append(_Sheet(sheet.title, match, rows))
    finally:
        values_book.close()
        formula_book.close()
    return sheets


def _year(sheets: list[_Sheet]) -> str:
    """The April-to-March year of the workbook's latest event date (Annex A has no reference
    date)."""
    spec = base_spec()
    latest = None
    for sheet in sheets:
        if sheet.match.error:
            continue
        columns = list_columns(sheet.match.list_key, spec)
        for key, position in sheet.match.positions.items():
            if not columns[key].get("event"):
                continue
            for _, row, _ in sheet.rows:
                raw = row[position] if position < len(row) else None
                try:
                    text = normalise({"kind": "date"}, raw, spec.date_formats)
                except ValueProblem:
                    continue
                if text and (latest is None or text > latest):
                    latest = text
    if latest is None:
        raise ValueError("no event date in any list, so the workbook's year cannot be read")
    return march_year_containing(dt.date.fromisoformat(latest))


class _Mapper:
    def __init__(self, result: MappedReturn, spec, file_name: str):
        self.result = result
        self.spec = spec
        self.file = file_name
        self.persons: dict[str, tuple[dict, Source]] = {}
        # id -> (values, source) for extracts whose rows several lists fill (CIN episodes).
        self.merged: dict[str, dict[str, tuple[dict, Source]]] = defaultdict(dict)
        # Contacts of one child on one day, counted for their ids (annex_a_lists).
        self.contact_ids: Counter = Counter()

    def map(self, sheets: list[_Sheet]) -> None:
        ledger = self.result.ledger
        for sheet in sheets:
            lst = self.spec.body["lists"][sheet.match.list_key]
            for number, row, formulas in sheet.rows:
                source = Source(self.file, number, sheet.title)
                if all(is_blank(v) for v in row) and all(is_blank(v) for v in formulas):
                    continue  # trailing empty rows of a sheet are not rows
                ledger.read(source)
                if sheet.match.error:
                    ledger.not_loaded(source, f"sheet '{sheet.title}' not read")
                    continue
                if all(is_blank(v) for v in row):
                    ledger.blank(source)
                    continue
                values = self._values(sheet, row, formulas, source)
                if values is None:
                    ledger.rejected(source)
                elif lst.get("not_loaded"):
                    ledger.not_loaded(source, lst["not_loaded"])
                else:
                    self._map_row(sheet.match.list_key, values, source)
                    ledger.mapped(source)
            if sheet.match.error:
                self.result.files[0].sheet_errors.append(
                    f"sheet '{sheet.title}': {sheet.match.error}"
                )
        self._flush()

    def _values(self, sheet: _Sheet, row: list, formulas: list, source: Source) -> dict | None:
        columns = list_columns(sheet.match.list_key, self.spec)
        values, problems = {}, []
        for key, position in sheet.match.positions.items():
            column = columns[key]
            raw = row[position] if position < len(row) else None
            formula = formulas[position] if position < len(formulas) else None
            if raw is None and isinstance(formula, str) and formula.startswith("="):
                problems.append(
                    (
                        column["name"],
                        None,
                        "a formula with no saved value: open the workbook in Excel and save it",
                    )
                )
                continue
            if column["kind"] == "text" and is_excel_error(raw):
                # A lookup that failed (#N/A) in a free-text column (a team's name) is no
                # value: blank, said once per sheet and column.
                self._warn_excel_error(sheet.title, column["name"])
                raw = None
            try:
                values[key] = normalise(
                    column,
                    raw,
                    self.spec.date_formats,
                    value_forms=True,
                    flag_values=self.spec.body["flag_values"],
                )
            except ValueProblem as exc:
                problems.append((column["name"], None if raw is None else str(raw), str(exc)))
        for field_name, value, reason in problems:
            self.result.rejections.append(
                Rejection(source, field_name, value, reason, ANNEX_A, self.result.year)
            )
        return None if problems else values

    def _warn_excel_error(self, sheet: str, column: str) -> None:
        warning = f"sheet '{sheet}', column '{column}': Excel error values (#N/A ...) read as blank"
        if warning not in self.result.files[0].warnings:
            self.result.files[0].warnings.append(warning)

    def _map_row(self, key: str, v: dict, source: Source) -> None:
        child = v.get("child_id")
        if child is not None:
            self._person(child, v, source)
        mapper = LIST_MAPPERS.get(key)
        if mapper:
            mapper(self, child, v, source)

    def _person(self, child: str, v: dict, source: Source) -> None:
        values = {
            "pers_person_id": child,
            "pers_sex": v.get("gender"),
            "pers_ethnicity": v.get("ethnicity"),
            "pers_dob": v.get("date_of_birth"),
        }
        if child in self.persons:
            # The same child in several lists: the first list's values, gaps filled by later ones.
            known, first = self.persons[child]
            self.persons[child] = ({k: known.get(k) or values[k] for k in values}, first)
        else:
            self.persons[child] = (values, source)

    def add(self, extract: str, values: dict, source: Source) -> None:
        row = contract_row(extract, values, source, ANNEX_A, self.result.year)
        self.result.tables.setdefault(extract, []).append(row)

    def merge(self, extract: str, record_id: str, values: dict, source: Source) -> None:
        if record_id in self.merged[extract]:
            known, first = self.merged[extract][record_id]
            values = {k: known.get(k) or values.get(k) for k in set(known) | set(values)}
            self.merged[extract][record_id] = (values, first)
        else:
            self.merged[extract][record_id] = (values, source)

    def _flush(self) -> None:
        for values, source in self.persons.values():
            self.add("ssd_person", values, source)
        for extract, rows in self.merged.items():
            for values, source in rows.values():
                self.add(extract, values, source)
