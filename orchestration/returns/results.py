"""What reading a return produces: contract rows with their provenance, rejections, and a ledger
that accounts for every source row (read = mapped + rejected + blank + not loaded).

A contract row is a dict of the extract's column names to text (None for blank) plus the
provenance columns: `_source_file` (the file as named in the source folder), `_source_row` (the
CSV record or spreadsheet row, header = 1; for XML the element's ordinal among the records of its
kind in the file), `_source_ref` (the sheet name, or the XML path of the element, as
/Message/Children/Child[3]/CINdetails[1]), `_source_return` and `_source_year`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from orchestration import extracts as x

PROVENANCE_COLUMNS = (
    "_source_file",
    "_source_row",
    "_source_ref",
    "_source_return",
    "_source_year",
)

MAPPED = "mapped"
REJECTED = "rejected"
BLANK = "blank"
NOT_LOADED = "not loaded"


@dataclass(frozen=True)
class Source:
    """Where one record of a return is: file, row (or element ordinal), sheet or XML path."""

    file: str
    row: int
    ref: str


@dataclass(frozen=True)
class Rejection:
    """A source row not loaded because a value breaks the year's specification (or the row
    cannot be placed, e.g. a review in no period of care). `field` is the return's own name for
    the field (REC, CINreferralDate, 'Date of Referral'); `value` the value as the file has it."""

    source: Source
    field: str | None
    value: str | None
    reason: str
    source_return: str
    source_year: str | None
    extract: str | None = None
    record_id: str | None = None

    def describe(self) -> str:
        where = f"{self.source.file}, {self.source.ref}, row {self.source.row}"
        what = f", field {self.field}" if self.field else ""
        return f"{where}{what}: {self.reason}"


@dataclass
class FileAccount:
    """One file's row accounting and what happened to it."""

    file: str
    recognised_as: str
    return_name: str | None = None
    year: str | None = None
    read: int = 0
    mapped: int = 0
    rejected: int = 0
    blank: int = 0
    not_loaded: int = 0
    not_loaded_reasons: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    # Set when the whole file could not be read (not well-formed XML, an unknown year ...).
    error: str | None = None
    # Annex A: sheets that could not be read, each with the reason (headers expected).
    sheet_errors: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.read == self.mapped + self.rejected + self.blank + self.not_loaded

    def summary(self) -> str:
        if self.error:
            return f"{self.file}: {self.recognised_as}: not loaded: {self.error}"
        year = f" {self.year}" if self.year else ""
        parts = [
            f"{self.file}: {self.recognised_as}{year}: {self.read} read, {self.mapped} mapped, "
            f"{self.rejected} rejected, {self.blank} blank, {self.not_loaded} not loaded"
        ]
        parts += [
            f"{n} not loaded: {reason}" for reason, n in sorted(self.not_loaded_reasons.items())
        ]
        parts += self.sheet_errors + self.warnings
        return "; ".join(parts)


class Ledger:
    """The state of every source row read. A row starts pending; it ends mapped (it fed at least
    one contract row), rejected (any problem wins over mapped), blank or not loaded (with why).
    A row still pending at the end is a defect: `accounts()` refuses it."""

    def __init__(self) -> None:
        self._state: dict[Source, str | None] = {}
        self._reasons: dict[Source, str] = {}
        self._order: list[Source] = []

    def read(self, source: Source) -> None:
        if source not in self._state:
            self._state[source] = None
            self._order.append(source)

    def mapped(self, source: Source) -> None:
        if self._state.get(source) != REJECTED:
            self._state[source] = MAPPED

    def rejected(self, source: Source) -> None:
        self._state[source] = REJECTED

    def blank(self, source: Source) -> None:
        self._state[source] = BLANK

    def not_loaded(self, source: Source, reason: str) -> None:
        if self._state.get(source) in (None, NOT_LOADED):
            self._state[source] = NOT_LOADED
            self._reasons[source] = reason

    def state(self, source: Source) -> str | None:
        return self._state.get(source)

    def reason(self, source: Source) -> str | None:
        """Why a row was not loaded (None for the other states)."""
        return self._reasons.get(source)

    def sources(self) -> list[Source]:
        return list(self._order)

    def fill(self, account: FileAccount) -> FileAccount:
        """Count this ledger's rows of `account.file` into the account."""
        for source in self._order:
            if source.file != account.file:
                continue
            state = self._state[source]
            if state is None:
                raise AssertionError(f"{source}: row read but neither mapped, rejected nor skipped")
            account.read += 1
            if state == MAPPED:
                account.mapped += 1
            elif state == REJECTED:
                account.rejected += 1
            elif state == BLANK:
                account.blank += 1
            else:
                account.not_loaded += 1
                account.not_loaded_reasons[self._reasons[source]] += 1
        return account


@dataclass
class MappedReturn:
    """One return (one file, or the CSV tables of one SSDA903 return) mapped into the contract's
    extracts. `records` keeps the validated source records where combining years needs to
    re-derive from them (SSDA903's episodes); other returns combine on the contract rows."""

    return_name: str
    year: str | None
    files: list[FileAccount]
    tables: dict[str, list[dict]] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    records: list = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)

    @property
    def failed(self) -> bool:
        return all(f.error for f in self.files)


def contract_row(extract: str, values: dict, source: Source, return_name: str, year: str) -> dict:
    """A row of `extract`: every contract column (None where the return has nothing), then the
    provenance. Refuses a column the contract does not have (a mapping defect)."""
    columns = x.EXTRACTS_BY_NAME[extract].column_names
    unknown = set(values) - set(columns)
    if unknown:
        raise KeyError(f"{extract} has no column(s) {', '.join(sorted(unknown))}")
    row = {name: values.get(name) for name in columns}
    row.update(
        {
            "_source_file": source.file,
            "_source_row": source.row,
            "_source_ref": source.ref,
            "_source_return": return_name,
            "_source_year": year,
        }
    )
    return row


def record_key(extract: str, row: dict) -> tuple:
    """The contract key of a row (what identifies the entity across files and years)."""
    return tuple(row[c] for c in x.EXTRACTS_BY_NAME[extract].key)
