"""The records of a census XML (CIN census, workforce census) as its year's specification names
them: each record kind is an element path from the root (Children/Child/CINdetails), its fields
paths inside it. Every record knows the record it sits in (an assessment its CIN episode, that
episode its child), its XML path with indexes and its ordinal among the records of its kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.returns.results import Source


@dataclass
class XmlRecord:
    kind: str
    source: Source
    fields: dict[str, str | None]
    parent: XmlRecord | None = None
    year: str | None = None
    values: dict[str, str | None] | None = None
    children: list[XmlRecord] = field(default_factory=list)

    def ancestor(self, kind: str) -> XmlRecord | None:
        record = self.parent
        while record is not None and record.kind != kind:
            record = record.parent
        return record


def walk_records(root, records_spec: dict, file_name: str) -> list[XmlRecord]:
    """Every record of the document, in document order."""
    by_path = {spec["element"]: kind for kind, spec in records_spec.items()}
    ordinals: dict[str, int] = {}
    out: list[XmlRecord] = []

    def walk(element, path: str, plain: str, parent: XmlRecord | None) -> None:
        counts: dict[str, int] = {}
        for sub in element:
            counts[sub.tag] = counts.get(sub.tag, 0) + 1
            sub_path = f"{path}/{sub.tag}[{counts[sub.tag]}]"
            sub_plain = f"{plain}/{sub.tag}" if plain else sub.tag
            record = parent
            kind = by_path.get(sub_plain)
            if kind is not None:
                ordinals[kind] = ordinals.get(kind, 0) + 1
                fields = {
                    name: _text(sub, name) for name in (records_spec[kind].get("fields") or {})
                }
                record = XmlRecord(
                    kind, Source(file_name, ordinals[kind], sub_path), fields, parent
                )
                if parent is not None:
                    parent.children.append(record)
                out.append(record)
            walk(sub, sub_path, sub_plain, record)

    walk(root, f"/{root.tag}", "", None)
    return out


def header_text(root, path: str) -> str | None:
    element = root.find(path)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _text(element, path: str) -> str | None:
    found = element.find(path)
    if found is None and path == element.tag:  # a field named as its record's own element
        found = element
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def validate_records(records: list[XmlRecord], spec, result, not_loaded: dict[str, str]) -> None:
    """Check each record's fields against the year's specification. A record of a kind in
    `not_loaded` is counted as not loaded with its reason; a record with every field blank is
    blank; a valid one gets its normalised `values`; an invalid one a rejection per bad field."""
    from orchestration.returns.results import Rejection
    from orchestration.returns.values import ValueProblem, normalise

    ledger = result.ledger
    for record in records:
        record.year = spec.year
        ledger.read(record.source)
        if record.kind in not_loaded:
            ledger.not_loaded(record.source, not_loaded[record.kind])
            continue
        fields = spec.record(record.kind)["fields"]
        if fields and all(v is None for v in record.fields.values()):
            ledger.blank(record.source)
            continue
        values, bad = {}, False
        for name, field_spec in fields.items():
            try:
                values[name] = normalise(field_spec, record.fields.get(name), spec.date_formats)
            except ValueProblem as exc:
                bad = True
                result.rejections.append(
                    Rejection(
                        record.source,
                        name,
                        record.fields.get(name),
                        str(exc),
                        spec.return_name,
                        spec.year,
                    )
                )
        if bad:
            ledger.rejected(record.source)
        else:
            record.values = values
