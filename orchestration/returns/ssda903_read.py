"""Reading an SSDA903 return, as its CSV tables or as its XML (EXPSSDA903), into validated
records: one per table row or XML record element, each checked against its year's
specification for the fields the mapping loads (ssda903_map.FIELDS_READ).

The return does not state its year. It is read from the episodes: a return holds the episodes
open in its year, so its latest episode start (DECOM) falls in the year (April to March). The CSV
tables of one return are read together (one folder); the tables without episodes take the
episodes table's year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from orchestration.returns.collection_years import march_year_containing
from orchestration.returns.recognise import match_ssda903_table
from orchestration.returns.results import FileAccount, MappedReturn, Rejection, Source
from orchestration.returns.safe_xml import XmlFileError, parse_xml
from orchestration.returns.ssda903_map import FIELDS_READ, NOT_LOADED, derive
from orchestration.returns.values import ValueProblem, is_blank, normalise
from orchestration.returns.year_specs import (
    SSDA903,
    UnknownYear,
    YearSpec,
    known_years,
    load_spec,
)

RECOGNISED_AS_TABLE = "SSDA903 table"
RECOGNISED_AS_XML = "SSDA903 XML"


@dataclass
class Record:
    """One row of an SSDA903 table. `raw` is the text as the file has it; `values` the loaded
    fields normalised (None until validated, and for a rejected or not-loaded row)."""

    table: str
    source: Source
    raw: dict[str, str | None]
    year: str | None = None
    values: dict[str, str | None] | None = None


class _FileProblem(Exception):
    pass


def read_ssda903_tables(
    paths: list[Path], names: dict[Path, str] | None = None, year: str | None = None
) -> MappedReturn:
    """Map the CSV tables of one SSDA903 return (one year). `names` gives each file's name in
    the source folder; `year` overrides the year read from the episodes."""
    names = names or {p: p.name for p in paths}
    result = MappedReturn(SSDA903, None, [])
    tables: list[tuple[FileAccount, str, list[Record]]] = []
    for path in paths:
        account = FileAccount(names[path], RECOGNISED_AS_TABLE, SSDA903)
        result.files.append(account)
        try:
            table, records = _read_csv_table(path, names[path])
        except _FileProblem as exc:
            account.error = str(exc)
            continue
        account.recognised_as = f"{RECOGNISED_AS_TABLE} ({table})"
        tables.append((account, table, records))
    episodes = [r for _, table, records in tables if table == "episodes" for r in records]
    try:
        result.year = year or year_from_episodes(episodes)
        spec = load_spec(SSDA903, result.year)
    except (UnknownYear, _FileProblem) as exc:
        for account, _, _ in tables:
            account.error = str(exc)
        return result
    for account, table, records in tables:
        account.year = result.year
        if spec.table(table) is None:
            having = [y for y in known_years(SSDA903) if load_spec(SSDA903, y).table(table)]
            account.error = (
                f"the {result.year} return has no {table} table (the SSDA903 specification has "
                f"it from {having[0]})"
            )
            continue
        _validate(records, spec, result)
    derive(result)
    for account, _, _ in tables:
        if not account.error:
            result.ledger.fill(account)
    return result


def read_ssda903_xml(path: Path, name: str | None = None, year: str | None = None) -> MappedReturn:
    """Map an SSDA903 return in its XML form."""
    name = name or path.name
    account = FileAccount(name, RECOGNISED_AS_XML, SSDA903)
    result = MappedReturn(SSDA903, None, [account])
    try:
        root = parse_xml(path)
        # The XML layout is the same in every year: the latest year's states it.
        base = load_spec(SSDA903, known_years(SSDA903)[-1])
        records, unknown = _xml_records(root, name, base.body["xml"])
        result.year = year or year_from_episodes([r for r in records if r.table == "episodes"])
        spec = load_spec(SSDA903, result.year)
    except (XmlFileError, UnknownYear, _FileProblem) as exc:
        account.error = str(exc)
        return result
    account.year = result.year
    for source, reason in unknown:
        result.ledger.read(source)
        result.ledger.not_loaded(source, reason)
    present = [r for r in records if spec.table(r.table) is not None]
    for record in records:
        if spec.table(record.table) is None:
            result.ledger.read(record.source)
            result.ledger.not_loaded(
                record.source, f"the {result.year} return has no {record.table}"
            )
    _validate(present, spec, result)
    derive(result)
    result.ledger.fill(account)
    return result


def year_from_episodes(episodes: list[Record]) -> str:
    """The collection year of a return: the April-to-March year of its latest episode start."""
    starts = []
    for record in episodes:
        try:
            text = normalise({"kind": "date"}, record.raw.get("DECOM"), ("%d/%m/%Y", "%Y-%m-%d"))
        except ValueProblem:
            continue
        if text:
            starts.append(dt.date.fromisoformat(text))
    if not starts:
        raise _FileProblem(
            "the return's year is read from its episodes' start dates (DECOM), and no episode "
            "with a valid start date was read: include the episodes table or give the year"
        )
    return march_year_containing(max(starts))


def _validate(records: list[Record], spec: YearSpec, result: MappedReturn) -> None:
    """Check each record's loaded fields against the year's specification: a valid record gets
    its normalised values, an invalid one a rejection per bad field."""
    ledger = result.ledger
    for record in records:
        record.year = spec.year
        ledger.read(record.source)
        if all(is_blank(v) for v in record.raw.values()):
            ledger.blank(record.source)
            continue
        problem = record.raw.pop("__problem__", None)
        if problem:
            _reject(result, record, None, None, problem)
            continue
        if record.table in NOT_LOADED:
            ledger.not_loaded(record.source, NOT_LOADED[record.table])
            continue
        fields = spec.table(record.table)
        values, bad = {}, False
        for name in FIELDS_READ[record.table]:
            raw = record.raw.get(name)
            try:
                values[name] = normalise(fields[name], raw, spec.date_formats)
            except ValueProblem as exc:
                _reject(result, record, name, raw, str(exc))
                bad = True
        if not bad:
            record.values = values
            result.records.append(record)


def _reject(result: MappedReturn, record: Record, field: str | None, raw, reason: str) -> None:
    result.ledger.rejected(record.source)
    result.rejections.append(
        Rejection(
            record.source,
            field,
            raw,
            reason,
            SSDA903,
            record.year,
            extract=_PRIMARY_EXTRACT.get(record.table),
        )
    )


_PRIMARY_EXTRACT = {
    "header": "ssd_person",
    "episodes": "ssd_cla_episodes",
    "reviews": "ssd_cla_reviews",
    "oc3": "ext_care_leaver_outcomes",
    "ad1": "ssd_permanence",
    "placed_for_adoption": "ssd_permanence",
    "sw_episodes": "ssd_involvements",
}


def _read_csv_table(path: Path, name: str) -> tuple[str, list[Record]]:
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _FileProblem("the file is UTF-16 text: save it as CSV UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise _FileProblem("the file is empty: a header row is required")
    recognition = match_ssda903_table(header)
    if recognition.kind is None:
        raise _FileProblem(recognition.reason)
    columns = [h.strip().upper() for h in header]
    records = []
    # Rows are numbered as a spreadsheet user counts them: the header is row 1.
    for number, cells in enumerate(reader, start=2):
        raw = {c: (cells[i].strip() if i < len(cells) else None) for i, c in enumerate(columns)}
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            raw["__problem__"] = f"{len(cells)} values for {len(columns)} headings"
        records.append(Record(recognition.what, Source(name, number, recognition.what), raw))
    return recognition.what, records


def _xml_records(root, name: str, layout: dict) -> tuple[list[Record], list[tuple[Source, str]]]:
    """One record per table and record element of each CHILD; record elements the layout does
    not know are returned with the reason they are not loaded."""
    if root.tag != layout["root"]:
        raise _FileProblem(f"the root element is {root.tag}, not {layout['root']}")
    tags = layout.get("tags", {})
    ordinals: dict[str, int] = {}
    records: list[Record] = []
    unknown: list[tuple[Source, str]] = []
    known_elements = {spec["element"] for spec in layout["tables"].values()}
    children = [c for c in root if c.tag == layout["child"]]
    for child_index, child in enumerate(children, start=1):
        child_path = f"/{root.tag}/{child.tag}[{child_index}]"
        header = child.find("HEADER")
        person = _leaves(header, tags) if header is not None else {}
        for table, spec in layout["tables"].items():
            for element, path in _find_indexed(child, spec["element"], child_path):
                fields = _leaves(element, tags)
                if spec.get("present_when") and is_blank(fields.get(spec["present_when"])):
                    continue
                raw = {"CHILD": person.get("CHILD"), "DOB": person.get("DOB"), **fields}
                ordinals[table] = ordinals.get(table, 0) + 1
                records.append(Record(table, Source(name, ordinals[table], path), raw))
        for element, path, relative in _record_elements(child, child_path):
            if relative not in known_elements:
                ordinals[element.tag] = ordinals.get(element.tag, 0) + 1
                unknown.append(
                    (
                        Source(name, ordinals[element.tag], path),
                        f"XML element {element.tag} is not in the SSDA903 XML layout",
                    )
                )
    return records, unknown


def _leaves(element, tags: dict) -> dict[str, str | None]:
    out = {}
    for leaf in element:
        if len(leaf) == 0:
            text = (leaf.text or "").strip()
            out[tags.get(leaf.tag, leaf.tag)] = text or None
    return out


def _find_indexed(child, element_path: str, child_path: str):
    """The elements at `element_path` (HEADER/AREVIEW) under `child`, each with its XML path."""
    found = [(child, child_path)]
    for step in element_path.split("/"):
        nxt = []
        for element, path in found:
            matches = [e for e in element if e.tag == step]
            nxt += [(e, f"{path}/{step}[{i}]") for i, e in enumerate(matches, start=1)]
        found = nxt
    return found


def _record_elements(child, child_path: str):
    """Every element under CHILD that has elements of its own (a record): the element, its XML
    path and its path from CHILD without indexes (HEADER/AREVIEW)."""
    out = []

    def walk(element, path, relative):
        counts: dict[str, int] = {}
        for sub in element:
            if len(sub) == 0:
                continue
            counts[sub.tag] = counts.get(sub.tag, 0) + 1
            sub_path = f"{path}/{sub.tag}[{counts[sub.tag]}]"
            sub_relative = f"{relative}/{sub.tag}" if relative else sub.tag
            out.append((sub, sub_path, sub_relative))
            walk(sub, sub_path, sub_relative)

    walk(child, child_path, "")
    return out
