"""Realistic faults injected into clean extract text (`--dirty RATE`), with a record of each.

About RATE of each extract's rows get one fault each, spread over the fault types the extract
can have, with at least one of each such type. Three kinds of fault are ones the loader must
accept as the same value (Excel's `12.0` ids, dd/mm/yyyy dates, whitespace round ids), and
reversed dates load too (the measures needing the interval leave the record out); the rest
must be rejected with a reason. `_faults.json` lists every fault by file row (header = row 1).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from orchestration.extracts import CODE, DATE, DATETIME, ID, Extract

from .streams import stream

EXPECTED = {
    # Loaded: an end before its start leaves the record out of the measures that need the
    # interval (audit.kpi_exclusions), not out of the warehouse.
    "reversed_dates": "accept",
    "unknown_code": "reject",
    "duplicate_key": "reject",
    "blank_id": "reject",
    "impossible_date": "reject",
    "excel_float_id": "accept",
    "uk_date": "accept",
    "padded_id": "accept",
}
FAULT_TYPES = tuple(EXPECTED)
_IMPOSSIBLE_DAYS = ("31/02", "30/02", "31/04", "31/06", "31/09", "31/11")
_PLAIN_NUMBER = re.compile(r"^[1-9][0-9]*$")


def _shift_back(text: str, days: int, kind: str) -> str:
    start = pd.Timestamp(text[:10]) - pd.Timedelta(days=days)
    return start.strftime("%Y-%m-%d") + (" 00:00:00" if kind == DATETIME else "")


def _uk(text: str, kind: str) -> str:
    """The same value as dd/mm/yyyy (with the time for a datetime: seconds only when not zero,
    so the loader reads back exactly the original value)."""
    stamp = pd.Timestamp(text)
    if kind != DATETIME:
        return stamp.strftime("%d/%m/%Y")
    return stamp.strftime("%d/%m/%Y %H:%M:%S" if stamp.second else "%d/%m/%Y %H:%M")


def _eligible(text: pd.DataFrame, extract: Extract, fault: str) -> dict[str, np.ndarray]:
    """Column -> rows (mask) where the fault can go."""
    filled = {c: text[c].to_numpy() != "" for c in text.columns}
    ids_ = [c.name for c in extract.columns if c.kind == ID]
    if fault == "reversed_dates":
        return {start: filled[start] for start, _end in extract.date_order}
    if fault == "unknown_code":
        return {c.name: filled[c.name] for c in extract.columns if c.kind == CODE}
    if fault == "blank_id":
        return {c.name: filled[c.name] for c in extract.columns if c.kind == ID and c.required}
    if fault == "excel_float_id":
        return {c: text[c].str.match(_PLAIN_NUMBER).to_numpy(dtype=bool) for c in ids_}
    if fault == "padded_id":
        return {c: filled[c] for c in ids_}
    if fault in ("uk_date", "impossible_date"):
        return {c.name: filled[c.name] for c in extract.columns if c.kind in (DATE, DATETIME)}
    return {"*": np.ones(len(text), dtype=bool)}  # duplicate_key


def inject(seed: int, extract: Extract, text: pd.DataFrame, rate: float):
    """The faulty text and a list of fault records (rows numbered as in the written file)."""
    if rate <= 0 or text.empty:
        return text, []
    rng = stream(seed, f"faults:{extract.name}")
    text = text.copy()
    n = len(text)
    wanted = max(1, int(round(rate * n)))
    masks = {f: _eligible(text, extract, f) for f in FAULT_TYPES}
    applicable = [f for f in FAULT_TYPES if any(m.any() for m in masks[f].values())]
    per_type = max(1, wanted // max(len(applicable), 1))
    used = np.zeros(n, dtype=bool)
    records: list[dict] = []
    duplicates: list[int] = []
    kinds = {c.name: c.kind for c in extract.columns}
    for fault in applicable:
        columns = masks[fault]
        candidates = np.flatnonzero(np.logical_or.reduce(list(columns.values())) & ~used)
        if not len(candidates):
            continue
        chosen = rng.choice(candidates, size=min(per_type, len(candidates)), replace=False)
        for row in sorted(chosen.tolist()):
            used[row] = True
            column = str(rng.choice([c for c, mask in columns.items() if mask[row]]))
            if fault == "duplicate_key":
                duplicates.append(row)
                continue
            before = text.at[row, column]
            kind = kinds[column]
            if fault == "reversed_dates":
                end = dict(extract.date_order)[column]
                after = _shift_back(before, 1 + int(rng.integers(0, 60)), kinds[end])
                records.append(_record(extract, row, end, fault, text.at[row, end], after))
                text.at[row, end] = after
                continue
            if fault == "unknown_code":
                after = str(rng.choice(["ZZ", "X9", "99", "UNK"]))
            elif fault == "blank_id":
                after = ""
            elif fault == "excel_float_id":
                after = before + ".0"
            elif fault == "padded_id":
                after = str(rng.choice([" ", "  ", "\t"])) + before + str(rng.choice(["", " "]))
            elif fault == "uk_date":
                after = _uk(before, kind)
            else:  # impossible_date
                after = f"{rng.choice(_IMPOSSIBLE_DAYS)}/{before[:4]}"
            text.at[row, column] = after
            records.append(_record(extract, row, column, fault, before, after))
    # Duplicates: an exact copy of a row straight after it (an export glitch), so both carry
    # the same key and the loader must reject both.
    order = np.concatenate([np.arange(n), np.array(duplicates, dtype=np.int64)])
    position = np.argsort(
        np.concatenate([np.arange(n) * 2, np.array(duplicates) * 2 + 1]), kind="stable"
    )
    text = text.iloc[order[position]].reset_index(drop=True)
    file_row = np.empty(len(order), dtype=np.int64)
    file_row[position] = np.arange(len(order)) + 2
    for record in records:
        record["row"] = int(file_row[record["row"]])
    for k, row in enumerate(duplicates):
        key = ", ".join(text.at[int(file_row[row]) - 2, c] for c in extract.key)
        records.append(
            {
                "extract": extract.name,
                "row": int(file_row[n + k]),
                "column": ",".join(extract.key),
                "fault": "duplicate_key",
                "original": key,
                "value": key,
                "duplicate_of_row": int(file_row[row]),
                "expected": EXPECTED["duplicate_key"],
            }
        )
    records.sort(key=lambda r: (r["row"], r["column"]))
    return text, records


def _record(extract: Extract, row: int, column: str, fault: str, before: str, after: str):
    return {
        "extract": extract.name,
        "row": row,
        "column": column,
        "fault": fault,
        "original": before,
        "value": after,
        "expected": EXPECTED[fault],
    }
