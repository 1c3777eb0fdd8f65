"""The social work workforce: workers, month-end snapshots and supervision records.

Posts (slots) are filled by a succession of workers with a vacancy gap between them; agency
workers stay months, permanent staff years. The agency share of each role's hires is solved so
the agency share of FTE lands on the reference report's (~13% overall: social workers ~14%,
team managers ~8%). Each worker is one employment spell, so a month-end snapshot is simply the
workers whose spell covers that day. Each post belongs to one of the case-holding teams
(teams.py), in proportion to the cases the team holds. Qualified workers are supervised in most
months (~88%; ~82% in December).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import ids
from .calendar import DAY, Window, add_months
from .streams import pick, stream
from .teams import CASE_TEAMS, team_shares

# role: (posts at scale 1, agency share of FTE, qualified)
ROLES = {
    "social_worker": (405, 0.14, True),
    "senior_practitioner": (80, 0.12, True),
    "team_manager": (56, 0.08, True),
    "other": (70, 0.05, False),
}
PERMANENT_TENURE_DAYS = 5.5 * 365
AGENCY_TENURE_DAYS = 0.75 * 365
VACANCY_GAP_DAYS = 35
P_LONG_TERM_ABSENCE = 0.06  # permanent workers with one absence spell of 2-6 months
P_SUPERVISED = {
    "social_worker": 0.885,
    "senior_practitioner": 0.885,
    "team_manager": 0.85,
    "other": 0.6,
}
DECEMBER_SUPERVISION_FACTOR = 0.93
JOB_TITLES = {
    "social_worker": "Social Worker",
    "senior_practitioner": "Senior Practitioner",
    "team_manager": "Team Manager",
    "other": "Family Support Worker",
}


@dataclass
class Workers:
    role: np.ndarray
    hire: np.ndarray
    leave: np.ndarray  # last day in post
    agency: np.ndarray
    fte: np.ndarray
    team: np.ndarray
    absence_start: np.ndarray
    absence_end: np.ndarray

    def __len__(self) -> int:
        return len(self.role)


def workers(seed: int, win: Window, scale: float, first_needed: np.datetime64) -> Workers:
    """Every employment spell from ten years before `first_needed` to the window end.

    Posts fall vacant and are refilled in date order; whether the new worker is agency is drawn
    with a probability nudged towards the role's target share (managers top up with interims
    when the share is low), so the agency share holds steady rather than drifting by chance.
    """
    rng = stream(seed, "workers")
    teams = np.array(CASE_TEAMS, dtype=object)
    begin = int(add_months(np.array([first_needed]), -120)[0].astype(np.int64))
    last = int(win.end.astype(np.int64))
    rows = []
    for role_number, (role, (posts, share, _)) in enumerate(ROLES.items()):
        a, p = AGENCY_TENURE_DAYS, PERMANENT_TENURE_DAYS
        # Agency share of hires that gives `share` of time in post at a steady state.
        p_agency = share * p / (a * (1 - share) + share * p)
        slots = max(1, int(round(posts * scale)))
        vacancies = [(begin - int(rng.random() * 5 * 365), slot) for slot in range(slots)]
        heapq.heapify(vacancies)
        in_post: list[tuple[int, float, bool]] = []  # (leave day, fte, agency)
        agency_fte = total_fte = 0.0
        while vacancies:
            day, slot = heapq.heappop(vacancies)
            if day > last:
                continue
            while in_post and in_post[0][0] < day:
                _, fte, agency = heapq.heappop(in_post)
                total_fte -= fte
                agency_fte -= fte if agency else 0.0
            current = agency_fte / total_fte if total_fte > 0 else share
            nudged = min(1.0, max(0.0, p_agency * (1 + 3 * (share - current) / share)))
            agency = bool(rng.random() < nudged)
            tenure = rng.exponential(a if agency else p)
            fte = 1.0
            if not agency and rng.random() < 0.15:
                fte = float(pick(rng, [0.5, 0.6, 0.8, 0.9], [0.2, 0.3, 0.35, 0.15]))
            leave = day + int(30 + tenure)
            heapq.heappush(in_post, (leave, fte, agency))
            total_fte += fte
            agency_fte += fte if agency else 0.0
            rows.append((day, role_number, slot, role, leave, agency, fte, slots))
            heapq.heappush(vacancies, (leave + 1 + int(rng.exponential(VACANCY_GAP_DAYS)), slot))
    rows.sort(key=lambda r: r[:3])
    role = np.array([r[3] for r in rows], dtype=object)
    hire = np.array([r[0] for r in rows], dtype=np.int64).astype("M8[D]")
    leave = np.array([r[4] for r in rows], dtype=np.int64).astype("M8[D]")
    agency = np.array([r[5] for r in rows], dtype=bool)
    fte = np.array([r[6] for r in rows], dtype=float)
    n = len(rows)
    team = teams[[_slot_team(r[2], r[7]) for r in rows]]
    absent = ~agency & (rng.random(n) < P_LONG_TERM_ABSENCE)
    span = (leave - hire).astype(np.int64)
    a_start = hire + (rng.random(n) * span).astype(np.int64).astype("m8[D]")
    a_end = a_start + (60 + rng.random(n) * 120).astype(np.int64).astype("m8[D]")
    nat = np.datetime64("NaT", "D")
    return Workers(
        role,
        hire,
        leave,
        agency,
        fte,
        team,
        np.where(absent, a_start, nat),
        np.where(absent, np.minimum(a_end, leave), nat),
    )


def _slot_team(slot: int, slots: int) -> int:
    """The case-holding team a post belongs to: a role's posts are shared between the teams in
    proportion to their share of the cases (teams.team_shares), in order, so every worker who
    fills the post is in the same team."""
    cumulative = np.cumsum(team_shares())
    return int(np.searchsorted(cumulative, (slot + 0.5) / slots * cumulative[-1], "right"))


def snapshots(win: Window, w: Workers) -> pd.DataFrame:
    """One row per worker in post at each month end of the window (worker index in `_worker`)."""
    parts = []
    for month_end in win.month_ends:
        rows = np.flatnonzero((w.hire <= month_end) & (w.leave >= month_end))
        absent = (w.absence_start[rows] <= month_end) & (w.absence_end[rows] >= month_end)
        qualified = np.array([ROLES[r][2] for r in w.role[rows].tolist()])
        parts.append(
            pd.DataFrame(
                {
                    "snapshot_date": month_end,
                    "_worker": rows,
                    "role": w.role[rows],
                    "qualified_social_worker": np.where(qualified, "Y", "N"),
                    "agency_worker": np.where(w.agency[rows], "Y", "N"),
                    "fte": w.fte[rows],
                    "team": w.team[rows],
                    "long_term_absence": np.where(absent, "Y", "N"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def supervisions(seed: int, win: Window, w: Workers, snaps: pd.DataFrame) -> pd.DataFrame:
    """Formal supervision in the month for most workers in the month-end snapshot."""
    rng = stream(seed, "supervisions")
    present = snaps[snaps["long_term_absence"] == "N"]
    worker = present["_worker"].to_numpy()
    month_end = present["snapshot_date"].to_numpy().astype("M8[D]")
    month_start = month_end.astype("M8[M]").astype("M8[D]")
    december = (month_end.astype("M8[M]").astype(np.int64) % 12) == 11
    p = present["role"].map(P_SUPERVISED).to_numpy() * np.where(
        december, DECEMBER_SUPERVISION_FACTOR, 1.0
    )
    first = np.maximum(month_start, w.hire[worker])
    span = (month_end - first).astype(np.int64) + 1
    rows = []
    for count_draw in (rng.random(len(worker)) < p, rng.random(len(worker)) < 0.12 * p):
        day = first + (rng.random(len(worker)) * span).astype(np.int64).astype("m8[D]")
        rolled = win.roll_to_working_day(day)
        forward = np.busday_offset(day, 0, roll="forward", holidays=win.holidays)
        day = np.where(rolled >= first, rolled, np.minimum(forward, month_end))
        rows.append(
            pd.DataFrame({"_worker": worker[count_draw], "supervision_date": day[count_draw]})
        )
    frame = pd.concat(rows, ignore_index=True)
    frame = frame.sort_values(["supervision_date", "_worker"], kind="stable")
    frame = frame.drop_duplicates().reset_index(drop=True)
    frame.insert(0, "supervision_id", ids.gapped(rng, "SV", len(frame), 77_001, 7, 0.01))
    return frame


def professionals(seed: int, w: Workers, used: np.ndarray):
    """`ssd_professionals` for the workers some record refers to, and the index -> id map."""
    rng = stream(seed, "professional-ids")
    rows = np.flatnonzero(used)
    prof_id = np.full(len(w), None, dtype=object)
    prof_id[rows] = ids.sparse(rng, "", len(rows), 100, 99_999, 5)
    qualified = np.array([ROLES[r][2] for r in w.role[rows].tolist()])
    registration = ids.sparse(rng, "SW", len(rows), 10_000, 999_999, 6)
    frame = pd.DataFrame(
        {
            "prof_professional_id": prof_id[rows],
            "prof_social_worker_registration_no": np.where(qualified, registration, None),
            "prof_professional_job_title": [JOB_TITLES[r] for r in w.role[rows].tolist()],
            "prof_professional_department": "Children's Social Care",
            "prof_full_time_equivalency": w.fte[rows],
            "prof_agency_worker_flag": np.where(w.agency[rows], "Y", "N"),
        }
    )
    return frame, prof_id


def month_pools(win: Window, w: Workers, first: np.datetime64, roles, team=None) -> dict:
    """Per month from `first`: indices of workers of `roles` (and of `team`, if given) in post
    the whole month, and their cumulative FTE (cases are shared out in proportion to hours)."""
    pools: dict[np.datetime64, tuple[np.ndarray, np.ndarray]] = {}
    month = first.astype("M8[M]")
    last = win.end.astype("M8[M]")
    eligible = np.isin(w.role, roles)
    if team is not None:
        eligible &= w.team == team
    while month <= last:
        start = month.astype("M8[D]")
        end = (month + 1).astype("M8[D]") - DAY
        rows = np.flatnonzero(eligible & (w.hire <= start) & (w.leave >= end))
        pools[month] = (rows, np.cumsum(w.fte[rows]))
        month = month + 1
    return pools
