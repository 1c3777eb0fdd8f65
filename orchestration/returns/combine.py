"""Several returns, several years, one set of contract rows.

Within one return type, years combine as regional pipelines combine them: a record in an older
year's return that a newer year's return also holds is replaced by the newer one (the latest
return is the authority's latest word on it), and the rest are kept, so each year adds what it
alone holds. For SSDA903 the combination is made on the return's own records (an episode is
CHILD + DECOM) and the contract rows are derived again from all of them: a child's episodes
from several years chain into one period of care, and a review or an adoption finds its period
in an earlier year's episodes. For the other returns the combination is made on the contract
rows, by the extract's key.

Across return types, the child (ssd_person) is taken from every return that has them (latest
year first, then SSDA903, the CIN census, Annex A); every other extract comes from one return
type only, the first of SSDA903, the CIN census, the workforce census and Annex A that supplies
it (Annex A's lists are a snapshot for inspectors; where a statutory return holds the same
records, it is the fuller account). An SSD extract supplying the same entity is chosen over the
returns by the staging models (phase 2), not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.returns import ssda903_map
from orchestration.returns.results import MappedReturn, Rejection, Source, record_key
from orchestration.returns.year_specs import ANNEX_A, CIN_CENSUS, CSWW, SSDA903

RANK = (SSDA903, CIN_CENSUS, CSWW, ANNEX_A)
# Extracts built from every return that has them; the rest come from one return type.
UNION_EXTRACTS = frozenset(("ssd_person",))


@dataclass
class Combined:
    tables: dict[str, list[dict]] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    # Source rows replaced by the same record in a later year's return, each with its
    # replacement's source.
    superseded: list[tuple[Source, Source]] = field(default_factory=list)
    # Extract -> the return type its rows come from (or "several" for the union extracts).
    chosen: dict[str, str] = field(default_factory=dict)


def combine(returns: list[MappedReturn]) -> Combined:
    usable = [r for r in returns if not r.failed and r.year]
    combined = Combined()
    per_type: dict[str, Combined] = {}
    for return_name in RANK:
        of_type = [r for r in usable if r.return_name == return_name]
        if of_type:
            per_type[return_name] = (
                _combine_ssda903(of_type) if return_name == SSDA903 else _combine_rows(of_type)
            )
    for part in per_type.values():
        combined.rejections.extend(part.rejections)
        combined.superseded.extend(part.superseded)
    extracts = {e for part in per_type.values() for e in part.tables}
    for extract in sorted(extracts):
        suppliers = [
            name for name in RANK if per_type.get(name) and per_type[name].tables.get(extract)
        ]
        if extract in UNION_EXTRACTS:
            rows = [row for name in suppliers for row in per_type[name].tables[extract]]
            combined.tables[extract] = _latest_by_key(extract, rows, combined.superseded)
            combined.chosen[extract] = " ".join(suppliers)
        else:
            combined.tables[extract] = per_type[suppliers[0]].tables[extract]
            combined.chosen[extract] = suppliers[0]
    return combined


def _year_order(year: str | None) -> str:
    return year or ""


def _latest_by_key(extract: str, rows: list[dict], superseded: list) -> list[dict]:
    """One row per key: the latest year's (rows earlier in `rows` win a tie, so the caller
    orders by precedence). A row with a blank key is kept as it is, for validation to reject."""
    best: dict[tuple, dict] = {}
    kept_blank = []
    for row in rows:
        key = record_key(extract, row)
        if any(k is None for k in key):
            kept_blank.append(row)
            continue
        known = best.get(key)
        if known is None:
            best[key] = row
        elif _year_order(row["_source_year"]) > _year_order(known["_source_year"]):
            superseded.append((_source(known), _source(row)))
            best[key] = row
        else:
            superseded.append((_source(row), _source(known)))
    return list(best.values()) + kept_blank


def _source(row: dict) -> Source:
    return Source(row["_source_file"], row["_source_row"], row["_source_ref"])


def _combine_rows(returns: list[MappedReturn]) -> Combined:
    out = Combined()
    # Newest first, so that a tie within a year keeps the file given first.
    ordered = sorted(returns, key=lambda r: _year_order(r.year), reverse=True)
    extracts = {e for r in ordered for e in r.tables}
    for extract in extracts:
        rows = [row for r in ordered for row in r.tables.get(extract, [])]
        out.tables[extract] = _latest_by_key(extract, rows, out.superseded)
    for r in ordered:
        out.rejections.extend(r.rejections)
    return out


def _combine_ssda903(returns: list[MappedReturn]) -> Combined:
    out = Combined()
    latest: dict[tuple, object] = {}
    for r in sorted(returns, key=lambda r: _year_order(r.year)):
        for record in r.records:
            key = _record_key(record)
            known = latest.get(key)
            if known is not None and known.year != record.year:
                out.superseded.append((known.source, record.source))
                latest[key] = record
            elif known is None:
                latest[key] = record
            else:
                # Two records with one key in one year's return: both go on, for validation
                # to reject the duplicate.
                latest[(*key, id(record))] = record
    records = list(latest.values())
    tables, rejections, _mapped = ssda903_map.derive_tables(records)
    out.tables = tables
    # The per-year rejections of values stand; those of placing a record (a review in no period)
    # are made again over all years' episodes.
    for r in returns:
        out.rejections.extend(x for x in r.rejections if x.reason not in ssda903_map.PLACING)
    out.rejections.extend(rejections)
    return out


def _record_key(record) -> tuple:
    fields = ssda903_map.RECORD_KEYS[record.table]
    return (record.table, *(record.year if f == "__year__" else record.values[f] for f in fields))
