"""`generate()`: build every extract of the source contract from one seed, and write them.

Order of work: case journeys (referrals and everything they lead to), the front door tables,
child protection, periods of care (and care leavers, reviews, permanence), the workforce and
allocations, youth justice, then the person register for everyone mentioned; finally each extract
is turned into contract text, optionally made dirty, and written.

Everything is simulated to the end of the last month, then cut to what had been keyed by the
as-at date (late_recording.py): by default the end of the last month, when late-keyed events of
the last weeks are still missing; an earlier date gives the extract as an earlier month's run
would have seen it, with the same records and ids.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from orchestration.extracts import EXTRACTS, EXTRACTS_BY_NAME

from . import (
    allocations,
    care_leavers,
    child_protection,
    disability,
    faults,
    front_door,
    journeys,
    late_recording,
    looked_after,
    permanence,
    reviews,
    workforce,
    writer,
    youth_justice,
)
from .calendar import Window
from .draws import Draws
from .people import People

FAULTS_FILE = "_faults.json"
# The date the extracts stood on, written beside them (`make run` regenerates the demo when
# CSC_DATA_AS_AT asks for another date).
AS_AT_FILE = "_as_at.txt"
# Columns holding People handles (swapped for person ids) and worker indexes (for worker ids).
PERSON_COLUMNS = {
    "ssd_contacts": "cont_person_id",
    "ssd_cin_episodes": "cine_person_id",
    "ssd_cin_assessments": "cina_person_id",
    "ssd_s47_enquiry": "s47e_person_id",
    "ssd_initial_cp_conference": "icpc_person_id",
    "ssd_cp_plans": "cppl_person_id",
    "ssd_cla_episodes": "clae_person_id",
    "ssd_cla_placement": "clap_person_id",
    "ssd_legal_status": "lega_person_id",
    "ssd_permanence": "perm_person_id",
    "ssd_involvements": "invo_person_id",
    "ext_care_leaver_outcomes": "person_id",
    "ext_yj_outcomes": "yj_person_id",
}
WORKER_TABLES = ("ssd_involvements", "ext_workforce_snapshots", "ext_supervisions")
# Records of a case journey still open when the history begins can be older than it; like an
# SSD extract, which holds what was open or happened in its window, these extracts keep only
# the records that ended (or happened) on or after the history start, or are still open. The
# periods of care, their placements, legal statuses and reviews stay whole: a period's start
# and its review chain need them (their coverage comes from the leaving-care dates).
WINDOWED_BY_END = {
    "ssd_cin_assessments": "cina_assessment_auth_date",
    "ssd_s47_enquiry": "s47e_s47_end_date",
    "ssd_initial_cp_conference": "icpc_icpc_date",
    "ssd_cp_plans": "cppl_cp_plan_end_date",
    "ssd_permanence": "perm_permanence_order_date",
}


def _opened_in_window(frame: pd.DataFrame, end_column: str, win: Window) -> pd.DataFrame:
    ended = pd.to_datetime(frame[end_column])
    keep = ended.isna() | (ended >= pd.Timestamp(win.history_start))
    return frame[keep.to_numpy()].reset_index(drop=True)


MAX_SCALE = 100.0
# Up to this scale one authority's extracts are built in memory (about 2.6 GB at 5). Above it the
# extracts are those of several authorities of at most PART_SCALE each, as a hub pooling them would
# hold: built one after another, each appended to the files and freed before the next, so memory
# stays that of one part whatever the scale. Ids carry their authority's prefix (H01-, H02-, ...).
MAX_PART_SCALE = 5.0
PART_SCALE = 2.5


def parts(seed: int, scale: float) -> list[tuple[int, float, str]]:
    """(seed, scale, id prefix) of each authority the extracts are made of."""
    if scale <= MAX_PART_SCALE:
        return [(seed, scale, "")]
    count = math.ceil(scale / PART_SCALE)
    return [(seed + 1000 * k, scale / count, f"H{k + 1:02d}-") for k in range(count)]


class ArgumentError(ValueError):
    """An argument of `generate` is out of range (the CLI reports it without a traceback)."""


def _check(months: int, end: str, scale: float, dirty: float, fmt: str, as_at=None) -> None:
    if not re.fullmatch(r"\d{4}-\d{2}", end) or not 1 <= int(end[5:]) <= 12:
        raise ArgumentError(f"end must be YYYY-MM, got {end!r}")
    if months < 1:
        raise ArgumentError("months must be at least 1")
    if not 0 < scale <= MAX_SCALE:
        raise ArgumentError(f"scale must be above 0 and at most {MAX_SCALE:g}")
    if scale > MAX_PART_SCALE and dirty > 0:
        raise ArgumentError(f"--dirty is for scales up to {MAX_PART_SCALE:g}")
    if scale > MAX_PART_SCALE and fmt == "xlsx":
        raise ArgumentError(
            f"above scale {MAX_PART_SCALE:g} an extract outgrows a worksheet: use csv or parquet"
        )
    if not 0 <= dirty <= 1:
        raise ArgumentError("dirty must be a rate between 0 and 1")
    if fmt not in writer.FORMATS:
        raise ArgumentError(f"format must be one of {', '.join(writer.FORMATS)}")
    if as_at is not None:
        as_at_day(as_at, Window.ending(end, months))


def as_at_day(as_at: str | None, win: Window) -> np.datetime64:
    """The as-at date as a day: the end of the last month when not given; it must be a date
    YYYY-MM-DD within the window's months."""
    if as_at is None:
        return win.end
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(as_at)):
            raise ValueError
        day = np.datetime64(str(as_at), "D")
    except ValueError:
        raise ArgumentError(f"as-at must be a date YYYY-MM-DD, got {as_at!r}") from None
    if not win.start <= day <= win.end:
        raise ArgumentError(f"as-at must be between {win.start} and {win.end}, got {as_at}")
    return day


def build_frames(
    seed: int = 42,
    months: int = 60,
    end: str = "2018-12",
    scale: float = 1.0,
    bar=None,
    as_at: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Every extract as a typed frame with the contract's columns (ids already final), as it
    stood on `as_at` (YYYY-MM-DD; default the end of the last month)."""

    def step(label: str) -> None:
        if bar is not None:
            bar.set_postfix_str(label)
            bar.update()

    win = Window.ending(end, months)
    cutoff = as_at_day(as_at, win)
    people = People()
    j = journeys.build(seed, win, scale, people)
    step("case journeys")
    refs = front_door.referrals(seed, win, j)
    assessed = front_door.assessments(seed, win, j, refs)
    contacts = front_door.contacts(seed, win, j, refs, people)
    step("front door")
    s47, icpc, plans = child_protection.build(seed, win, j, refs, people)
    step("child protection")
    plist = looked_after.periods(seed, win, j)
    leavers = care_leavers.build(seed, win, looked_after.care_leaver_candidates(plist), people)
    leaver_children = set(leavers["person_id"].tolist())
    written = np.array(
        [
            (p.end >= win.history_start and p.start <= win.end) or p.child in leaver_children
            for p in plist
        ],
        dtype=bool,
    )
    care = looked_after.build(seed, win, plist, written)
    step("periods of care")
    held = reviews.build(
        seed, win, care.periods, j.locality[[plist[k].journey for k in care.periods["period"]]]
    )
    perm = permanence.build(seed, win, j, plist, care)
    step("reviews and permanence")
    staff = workforce.workers(seed, win, scale, allocations.allocation_floor(win))
    snaps = workforce.snapshots(win, staff)
    supervised = workforce.supervisions(seed, win, staff, snaps)
    involved = allocations.build(seed, win, j, staff)
    step("workforce")
    offending = youth_justice.build(seed, win, j, people)
    step("youth justice")

    frames = {
        "ssd_contacts": contacts,
        "ssd_cin_episodes": refs,
        "ssd_cin_assessments": assessed,
        "ssd_s47_enquiry": s47,
        "ssd_initial_cp_conference": icpc,
        "ssd_cp_plans": plans,
        "ssd_cla_episodes": care.episodes,
        "ssd_cla_placement": care.placements,
        "ssd_legal_status": care.legal,
        "ssd_cla_reviews": held,
        "ssd_permanence": perm,
        "ssd_involvements": involved,
        "ext_workforce_snapshots": snaps,
        "ext_supervisions": supervised,
        "ext_care_leaver_outcomes": leavers,
        "ext_yj_outcomes": offending,
    }
    for name, column in WINDOWED_BY_END.items():
        frames[name] = _opened_in_window(frames[name], column, win)
    # An enquiry that ended before the history start but led to a conference after it is part
    # of that conference's record: kept with it.
    linked = frames["ssd_initial_cp_conference"]["icpc_s47_enquiry_id"].dropna()
    in_window = _opened_in_window(s47, WINDOWED_BY_END["ssd_s47_enquiry"], win)
    frames["ssd_s47_enquiry"] = s47[
        s47["s47e_s47_enquiry_id"].isin(linked)
        | s47["s47e_s47_enquiry_id"].isin(in_window["s47e_s47_enquiry_id"])
    ].reset_index(drop=True)
    used_people = np.zeros(people.count, dtype=bool)
    for name, column in PERSON_COLUMNS.items():
        used_people[frames[name][column].to_numpy(dtype=np.int64)] = True
    persons, person_id = people.table(seed, used_people, cutoff)
    for name, column in PERSON_COLUMNS.items():
        frames[name][column] = person_id[frames[name][column].to_numpy(dtype=np.int64)]
    frames["ssd_person"] = persons
    frames["ssd_disability"] = disability.build(
        j, Draws(seed, people.count, "disability"), used_people, person_id
    )

    used_workers = np.zeros(len(staff), dtype=bool)
    for name in WORKER_TABLES:
        used_workers[frames[name]["_worker"].to_numpy(dtype=np.int64)] = True
    profs, prof_id = workforce.professionals(seed, staff, used_workers)
    for name in WORKER_TABLES:
        frames[name][
            "prof_professional_id" if name != "ssd_involvements" else "invo_professional_id"
        ] = prof_id[frames[name]["_worker"].to_numpy()]
    frames["ssd_professionals"] = profs
    frames = late_recording.as_it_stood(frames, seed, cutoff, PERSON_COLUMNS)
    step("people and workers")
    return {e.name: frames[e.name][list(e.column_names)] for e in EXTRACTS}


def generate(
    out_dir,
    seed: int = 42,
    months: int = 60,
    end: str = "2018-12",
    scale: float = 1.0,
    dirty: float = 0.0,
    fmt: str = "csv",
    progress: bool = True,
    as_at: str | None = None,
) -> dict[str, int]:
    """Write one file per contract extract to `out_dir`; returns rows written per extract.

    Deterministic: the same arguments give byte-identical files. With `dirty` > 0, faults are
    injected into about that share of each extract's rows and listed in `_faults.json`. The
    extracts are as they stood on `as_at` (YYYY-MM-DD; default the end of the last month),
    written to `_as_at.txt`.
    """
    _check(months, end, scale, dirty, fmt, as_at)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pieces = parts(seed, scale)
    rows: dict[str, int] = {}
    injected: list[dict] = []
    appenders: dict[str, writer.Appender] = {}
    with tqdm(
        total=(8 + len(EXTRACTS)) * len(pieces),
        desc="demo extracts",
        unit="step",
        disable=not progress,
    ) as bar:
        for part_seed, part_scale, prefix in pieces:
            frames = build_frames(part_seed, months, end, part_scale, bar, as_at)
            for name in list(frames):
                extract = EXTRACTS_BY_NAME[name]
                text = writer.to_text(frames.pop(name), extract)
                if dirty > 0:
                    text, records = faults.inject(seed, extract, text, dirty)
                    injected += records
                if len(pieces) == 1:
                    writer.write(text, extract, out, fmt)
                else:
                    writer.prefix_ids(text, extract, prefix)
                    if name not in appenders:
                        appenders[name] = writer.Appender(extract, out, fmt)
                    appenders[name].append(text)
                rows[name] = rows.get(name, 0) + len(text)
                bar.set_postfix_str(name)
                bar.update()
            del frames
    for appender in appenders.values():
        appender.close()
    (out / AS_AT_FILE).write_text(f"{as_at_day(as_at, Window.ending(end, months))}\n", "utf-8")
    faults_path = out / FAULTS_FILE
    if dirty > 0:
        summary = {
            "seed": seed,
            "rate": dirty,
            "expected": faults.EXPECTED,
            "counts": _counts(injected),
            "faults": injected,
        }
        faults_path.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", "utf-8")
    elif faults_path.exists():
        faults_path.unlink()  # a clean run must not leave an earlier run's fault list behind
    return rows


def _counts(records: list[dict]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for record in records:
        per = counts.setdefault(record["extract"], {})
        per[record["fault"]] = per.get(record["fault"], 0) + 1
    return counts
