"""Periods of care: placements, legal status spells and SSDA903 episodes.

A period of care (`clae_cla_id`) runs from the day a child comes into care to the day they leave.
Inside it, placements follow one another without gaps, and legal status spells do the same; an
SSDA903 episode starts at the period start and at every placement or legal status change, so
episodes chain by `X1` ("episode ceased, new one starts the same day") and only the last one has a
real ceased reason. Every episode points to the placement it starts in.

Disabled children's short breaks are periods too: a V4 agreement (one period) or a run of V3
stays of a few nights (one period each).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import ids
from .calendar import DAY, NAT, Window, add_years
from .journeys import (
    ADOPTION,
    HOME,
    LONG_TERM,
    REMAND,
    SGO,
    SHORT_BREAK_V4,
    Journeys,
)
from .streams import pick, stream

# Placement stability, tuned for kpi_07 (~68% of long-stayers under 16 in the same placement
# for two years): a placement either settles (lasts years) or breaks down within months.
P_SETTLE_FIRST = 0.33
P_SETTLE_LATER = 0.58
SETTLED_MEAN_DAYS = 8 * 365
UNSETTLED_MEAN_DAYS = 190

FOSTER_OTHER = ["U4", "U5", "U6"]
FOSTER_KIN = ["U1", "U2", "U3"]
ADOPTIVE = ["A5", "A6", "A3", "A4"]
ADOPTIVE_SHARE = [0.15, 0.78, 0.03, 0.04]
CHANGE_REASONS = [
    "CARPL",
    "CREQB",
    "CREQO",
    "CHILD",
    "LAREQ",
    "CLOSE",
    "STAND",
    "ALLEG",
    "APPRR",
    "PLACE",
    "OTHER",
]
CHANGE_SHARE = [0.38, 0.14, 0.1, 0.06, 0.08, 0.04, 0.03, 0.02, 0.02, 0.05, 0.08]
# Period "routes" for short breaks (journeys' routes are 0..4): V3 single stays, V4 agreement.
V3_STAYS = -3
V4_AGREEMENT = -4
SHORT_BREAKS = (V3_STAYS, V4_AGREEMENT)


@dataclass
class Period:
    child: int
    start: np.datetime64
    end: np.datetime64  # not censored: may be after the window end
    route: int  # journeys route, or V3_STAYS / V4_AGREEMENT
    cap: np.datetime64  # 18th birthday
    dob: np.datetime64
    journey: int
    po: np.datetime64 = NAT
    placed: np.datetime64 = NAT
    reversal: np.datetime64 = NAT


def _d(x: float) -> np.timedelta64:
    return np.timedelta64(int(x), "D")


def periods(seed: int, win: Window, j: Journeys) -> list[Period]:
    """Every period of care the journeys imply (before deciding which are written)."""
    rng = stream(seed, "short-breaks")
    t = j.t
    out: list[Period] = []
    for i in np.flatnonzero(~np.isnat(t["care_start"]) & (t["care_start"] <= win.end)):
        out.append(
            Period(
                int(j.child[i]),
                t["care_start"][i],
                t["care_end"][i],
                int(t["care_route"][i]),
                t["cap"][i],
                j.dob[i],
                int(i),
                t["placement_order"][i],
                t["placed"][i],
                t["reversed"][i],
            )
        )
    for i in np.flatnonzero(t["short_breaks"] > 0):
        first = t["assess_auth"][i] + _d(30 + rng.random() * 200)
        last = t["close"][i]
        if first >= last or first > win.end:
            continue
        if t["short_breaks"][i] == SHORT_BREAK_V4:
            end = min(first + _d(180 + rng.exponential(600)), last)
            out.append(
                Period(int(j.child[i]), first, end, V4_AGREEMENT, t["cap"][i], j.dob[i], int(i))
            )
            continue
        stay = first
        run_end = min(first + _d(180 + rng.random() * 360), last)
        while stay < run_end and stay <= win.end:
            nights = _d(1 + rng.integers(0, 4))
            out.append(
                Period(
                    int(j.child[i]),
                    stay,
                    min(stay + nights, last),
                    V3_STAYS,
                    t["cap"][i],
                    j.dob[i],
                    int(i),
                )
            )
            stay = stay + nights + _d(14 + rng.exponential(40))
    return out


def _foster(rng, age: float) -> str:
    kin = rng.random() < (0.22 if age < 10 else 0.12)
    return str(rng.choice(FOSTER_KIN if kin else FOSTER_OTHER))


def _placement_type(rng, age: float, route: int, last: bool) -> str:
    if route == REMAND:
        return str(pick(rng, ["R5", "K1", "U4", "K2"], [0.4, 0.3, 0.2, 0.1]))
    if route in SHORT_BREAKS:
        return str(pick(rng, ["K2", "U4", "U5"], [0.6, 0.25, 0.15]))
    if route == SGO and last and rng.random() < 0.6:
        return str(rng.choice(FOSTER_KIN))
    if route == HOME and last and rng.random() < 0.12:
        return "P1"
    if age < 10:
        options, share = ["F", "K2", "R3", "Z1"], [0.93, 0.02, 0.03 if age < 1 else 0.0, 0.02]
    elif age < 16:
        options = ["F", "K2", "S1", "K1", "R1", "R2", "T1", "Z1"]
        share = [0.74, 0.16, 0.02, 0.01, 0.01, 0.01, 0.03, 0.02]
    else:
        options = ["F", "K2", "H5", "P2", "P3", "T2", "Z1"]
        share = [0.46, 0.14, 0.24, 0.1, 0.01, 0.03, 0.02]
    kind = str(pick(rng, options, share))
    return _foster(rng, age) if kind == "F" else kind


def _provider(rng, kind: str) -> str:
    if kind == "P1":
        return "PR0"
    if kind in FOSTER_KIN:
        return "PR1"
    if kind in FOSTER_OTHER:
        return str(pick(rng, ["PR1", "PR4", "PR5"], [0.6, 0.32, 0.08]))
    if kind in ADOPTIVE:
        return str(pick(rng, ["PR1", "PR2", "PR5"], [0.7, 0.1, 0.2]))
    return str(pick(rng, ["PR1", "PR2", "PR3", "PR4", "PR5"], [0.25, 0.08, 0.05, 0.5, 0.12]))


def _age(p: Period, day) -> float:
    return float((day - p.dob) / DAY) / 365.25


def _placements(rng, p: Period) -> list[list]:
    """[start, end, type] rows covering the period without gaps."""
    adopted = p.route == ADOPTION and not np.isnat(p.placed) and p.placed < p.end
    stop = p.placed if adopted else p.end
    rows: list[list] = []
    start = p.start
    while start < stop or not rows:
        settle = rng.random() < (P_SETTLE_LATER if rows else P_SETTLE_FIRST)
        length = (
            rng.exponential(SETTLED_MEAN_DAYS)
            if settle
            else 7 + rng.exponential(UNSETTLED_MEAN_DAYS)
        )
        end = min(start + _d(max(length, 1)), stop)
        last = end >= stop
        rows.append([start, end, _placement_type(rng, _age(p, start), p.route, last)])
        start = end
    if adopted:
        kind = str(pick(rng, ADOPTIVE, ADOPTIVE_SHARE))
        rows.append([p.placed, p.end, kind])
    return rows


def _legal(rng, p: Period) -> list[list]:
    """[status, start, end] spells covering the period without gaps."""
    if p.route in SHORT_BREAKS:
        return [["V3" if p.route == V3_STAYS else "V4", p.start, p.end]]
    if p.route == REMAND:
        return [[str(pick(rng, ["J1", "J2", "J3"], [0.7, 0.2, 0.1])), p.start, p.end]]
    changes: list[tuple[str, np.datetime64]] = []
    start = p.start
    if rng.random() < 0.08:  # police protection or an emergency protection order first
        status = "L1" if rng.random() < 0.6 else "L2"
        changes.append((status, start))
        start = start + _d(1 + rng.integers(0, 3 if status == "L1" else 8))
    age = _age(p, p.start)
    voluntary = {HOME: 0.6, LONG_TERM: 0.55 if age >= 10 else 0.2}.get(p.route, 0.0)
    if rng.random() < voluntary:
        changes.append(("V2", start))
        if p.route == LONG_TERM and rng.random() < 0.12:
            changes.append(("C1", start + _d(60 + rng.random() * 300)))
    else:
        changes.append(("C1", start))
        if not np.isnat(p.po):
            changes.append(("E1", p.po))
            if not np.isnat(p.reversal):
                changes.append(("C2", p.reversal))
        else:
            changes.append(("C2", start + _d(150 + rng.random() * 170)))
    spells: list[list] = []
    for k, (status, begin) in enumerate(changes):
        if begin >= p.end and spells:
            break
        finish = changes[k + 1][1] if k + 1 < len(changes) else p.end
        spells.append([status, begin, min(finish, p.end)])
    if spells[-1][2] != p.end:
        spells[-1][2] = p.end
    return spells


def _ceased_reason(rng, p: Period, last_placement: str) -> str:
    if p.route == V3_STAYS:
        return "E13"
    if p.route == V4_AGREEMENT:
        return "E8"
    if p.end >= p.cap:
        return str(pick(rng, ["E17", "E5", "E6", "E8", "E7"], [0.25, 0.35, 0.05, 0.25, 0.1]))
    if p.route == ADOPTION and not np.isnat(p.placed):
        return "E11" if rng.random() < 0.55 else "E12"
    if p.route == SGO:
        former_carers = last_placement in FOSTER_KIN + FOSTER_OTHER
        return "E45" if former_carers and rng.random() < 0.8 else "E46"
    if p.route == REMAND:
        return str(pick(rng, ["E14", "E9", "E4A"], [0.6, 0.3, 0.1]))
    if p.route == LONG_TERM and _age(p, p.end) >= 16:
        return str(pick(rng, ["E5", "E6", "E4A", "E13", "E8"], [0.4, 0.1, 0.2, 0.2, 0.1]))
    return str(
        pick(
            rng,
            ["E4A", "E13", "E4B", "E41", "E47", "E48", "E3", "E16", "E15", "E8"],
            [0.52, 0.15, 0.08, 0.06, 0.03, 0.03, 0.05, 0.01, 0.01, 0.06],
        )
    )


@dataclass
class CareTables:
    episodes: pd.DataFrame
    placements: pd.DataFrame
    legal: pd.DataFrame
    periods: pd.DataFrame  # per written period: cla_id, child, start, end, route, period index


def build(seed: int, win: Window, plist: list[Period], written: np.ndarray) -> CareTables:
    """Placements, legal spells and episodes of the written periods, censored at the window end
    (anything starting later is dropped; an end after it is blank: still open)."""
    rng = stream(seed, "looked-after")
    order = sorted(np.flatnonzero(written), key=lambda k: (plist[k].start, plist[k].journey))
    period_ids = ids.sparse(rng, "", len(order), 1_000, 999_999, 6)
    episodes, placements, legal, rows = [], [], [], []
    for pid, k in zip(period_ids, order, strict=True):
        p = plist[k]
        places = _placements(rng, p)
        spells = _legal(rng, p)
        rows.append((pid, p.child, p.start, p.end, p.route, k))
        place_ids = []
        for n, (start, end, kind) in enumerate(places):
            change = None
            if n + 1 < len(places) and places[n + 1][2] not in ADOPTIVE:
                change = str(pick(rng, CHANGE_REASONS, CHANGE_SHARE))
            elif n + 1 < len(places):
                change = "CARPL"
            place_ids.append(len(placements))
            placements.append([pid, p.child, start, end, kind, _provider(rng, kind), change])
        for status, start, end in spells:
            legal.append([p.child, status, start, end])
        place_starts = {start: n for n, (start, _, _) in enumerate(places)}
        legal_starts = {start for _, start, _ in spells}
        cuts = sorted(place_starts.keys() | legal_starts)
        current = 0
        final_reason = _ceased_reason(rng, p, places[-1][2])
        for n, cut in enumerate(cuts):
            if cut in place_starts:
                current = place_starts[cut]
            if n == 0:
                reason_new = "S"
            elif cut in place_starts and cut in legal_starts:
                reason_new = "U"
            elif cut in place_starts:
                same_carer = places[current][2] in ("A5", "A3")
                reason_new = "T" if same_carer else "P"
            else:
                reason_new = "L"
            ceased = cuts[n + 1] if n + 1 < len(cuts) else p.end
            reason_end = "X1" if n + 1 < len(cuts) else final_reason
            episodes.append(
                [p.child, pid, cut, reason_new, ceased, reason_end, p.start, place_ids[current]]
            )
    return _tables(rng, win, episodes, placements, legal, rows)


def _censor_frame(frame: pd.DataFrame, start: str, end: str, win: Window, also=()):
    frame = frame[frame[start] <= win.end].copy()
    late = frame[end] > win.end
    frame.loc[late, end] = NAT
    for column in also:
        frame.loc[late, column] = None
    return frame


def _tables(rng, win, episodes, placements, legal, rows) -> CareTables:
    plc = pd.DataFrame(
        placements,
        columns=[
            "clap_cla_id",
            "clap_person_id",
            "clap_cla_placement_start_date",
            "clap_cla_placement_end_date",
            "clap_cla_placement_type",
            "clap_cla_placement_provider",
            "clap_cla_placement_change_reason",
        ],
    )
    plc = plc.astype(
        {"clap_cla_placement_start_date": "M8[s]", "clap_cla_placement_end_date": "M8[s]"}
    )
    plc.insert(0, "clap_cla_placement_id", None)
    plc = _censor_frame(
        plc,
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
        win,
        also=["clap_cla_placement_change_reason"],
    )
    plc = plc.sort_values(["clap_cla_placement_start_date"], kind="stable")
    plc["clap_cla_placement_id"] = ids.gapped(rng, "PL", len(plc), 400_120, 7, 0.03)
    placement_id = plc["clap_cla_placement_id"]

    epi = pd.DataFrame(
        episodes,
        columns=[
            "clae_person_id",
            "clae_cla_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_start_reason",
            "clae_cla_episode_ceased_date",
            "clae_cla_episode_ceased_reason",
            "clae_entered_care_date",
            "_placement",
        ],
    )
    for column in (
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "clae_entered_care_date",
    ):
        epi[column] = epi[column].astype("M8[s]")
    epi = _censor_frame(
        epi,
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        win,
        also=["clae_cla_episode_ceased_reason"],
    )
    epi = epi.sort_values(["clae_cla_episode_start_date"], kind="stable")
    epi.insert(0, "clae_cla_episode_id", ids.gapped(rng, "", len(epi), 5_000_100, 8, 0.2))
    epi["clae_cla_placement_id"] = placement_id.reindex(epi["_placement"].to_numpy()).to_numpy()
    epi = epi.drop(columns="_placement")

    leg = pd.DataFrame(
        legal,
        columns=[
            "lega_person_id",
            "lega_legal_status",
            "lega_legal_status_start_date",
            "lega_legal_status_end_date",
        ],
    )
    leg = leg.astype(
        {"lega_legal_status_start_date": "M8[s]", "lega_legal_status_end_date": "M8[s]"}
    )
    leg = _censor_frame(leg, "lega_legal_status_start_date", "lega_legal_status_end_date", win)
    leg = leg.sort_values(["lega_legal_status_start_date"], kind="stable")
    leg.insert(0, "lega_legal_status_id", ids.gapped(rng, "LS", len(leg), 230_077, 7, 0.05))

    per = pd.DataFrame(rows, columns=["cla_id", "child", "start", "end", "route", "period"])
    return CareTables(
        epi.reset_index(drop=True), plc.reset_index(drop=True), leg.reset_index(drop=True), per
    )


def care_leaver_candidates(plist: list[Period]) -> dict[int, tuple[np.datetime64, np.datetime64]]:
    """Children who qualify as care leavers (looked after 13 weeks or more since age 14 and
    still looked after at 16): child -> (date of birth, the day they left care)."""
    out: dict[int, tuple[np.datetime64, np.datetime64]] = {}
    for p in plist:
        if p.route in SHORT_BREAKS:
            continue
        fourteen, sixteen = add_years(np.array([p.dob]), [14, 16])
        since_14 = p.end - max(p.start, fourteen)
        if p.end >= sixteen and since_14 >= np.timedelta64(91, "D"):
            out[p.child] = (p.dob, p.end)
    return out
