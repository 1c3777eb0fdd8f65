"""Worker allocations to children (`ssd_involvements`).

Every open case (a referral that is not no-further-action, until it closes) has an allocated case
worker, except for short waits for allocation. The worker is a member of the team holding the
case (teams.py): the assessment team of the child's locality until the assessment is authorised,
then the locality's safeguarding team (Disabled Children for the disabled children's path), the
locality's children in care team while the child is looked after, and the safeguarding team again
if the child goes home. Cases move to a new worker when they pass to another team, when the
worker leaves, and now and then otherwise. Most allocated workers are qualified social workers or
senior practitioners, chosen in proportion to their FTE among the team's workers in post all
month, so the caseload per FTE lands near 16 (kpi_14); some cases are held by family support
workers (not counted), and some cases also have a family support worker alongside.

Involvements are written for the reporting window (like the workforce snapshots they are
measured against): those starting in it or still open at its first month end. A worker is chosen
only among those in post for the whole month the involvement starts in, so every written
involvement's worker is in the snapshot at each month end the involvement spans.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids
from .calendar import DAY, Window
from .journeys import CIN_LONG, NFA, Journeys
from .streams import stream
from .teams import ASSESSMENT, CASE_TEAMS, DISABLED, IN_CARE, SAFEGUARDING, team_index
from .workforce import Workers, month_pools

P_UNALLOCATED = 0.03  # a spell waiting for allocation
P_UNQUALIFIED_HOLDER = 0.1  # family support worker holds the case
P_FAMILY_SUPPORT = 0.1  # a family support worker alongside, for a few months
REALLOCATION_MEAN_DAYS = 330
ALLOCATED = "ALLOCATED_CASE_WORKER"
FAMILY_SUPPORT = "FAMILY_SUPPORT_WORKER"


def allocation_floor(win: Window) -> np.datetime64:
    """Allocations are simulated from three years before the window (long-open cases have had
    several workers by then), not from each case's referral."""
    return win.start - 3 * 365 * DAY


def build(seed: int, win: Window, j: Journeys, w: Workers) -> pd.DataFrame:
    rng = stream(seed, "allocations")
    floor = allocation_floor(win)
    holders = ["social_worker", "senior_practitioner"]
    qualified = [month_pools(win, w, floor, holders, team) for team in CASE_TEAMS]
    unqualified = [month_pools(win, w, floor, ["other"], team) for team in CASE_TEAMS]
    anyone = month_pools(win, w, floor, holders)  # when a team has nobody in post all month
    t = j.t
    cases = np.flatnonzero(j.emitted & (j.path != NFA) & (j.t["close"] >= win.start))
    # Integer day numbers in the loop: numpy scalars are slow one at a time. A case open before
    # the floor gets its first simulated worker on a random day of the floor's first year.
    floor_day = int(floor.astype(np.int64))
    first_allowed = floor_day + (rng.random(len(cases)) * 365).astype(np.int64)
    start = np.maximum(j.ref_dt[cases].astype("M8[D]").astype(np.int64), first_allowed)
    close = t["close"][cases]
    stop = np.where(close <= win.end, close, win.end + DAY).astype(np.int64)
    handover = t["assess_auth"][cases]
    handover = np.where(np.isnat(handover), -(10**9), handover.astype(np.int64))
    # The team holding the case, by stage: the assessment team before the handover, children
    # in care from the day the child comes into care to the day they leave, else long-term.
    never = 10**9
    care_in = t["care_start"][cases]
    care_in = np.where(np.isnat(care_in), never, care_in.astype(np.int64))
    care_out = t["care_end"][cases]
    care_out = np.where(np.isnat(care_out), never, care_out.astype(np.int64))
    locality = j.locality[cases]
    long_term = np.where(j.path[cases] == CIN_LONG, DISABLED, SAFEGUARDING)
    team_of = np.stack(
        [team_index(stage, locality) for stage in (ASSESSMENT, IN_CARE)]
        + [team_index(long_term, locality)],
        axis=1,
    ).tolist()
    months = np.arange(floor.astype("M8[M]"), win.end.astype("M8[M]") + 2)
    first_days = months.astype("M8[D]").astype(np.int64)
    month_of = np.repeat(np.arange(len(months) - 1), np.diff(first_days)).tolist()
    month_zero = int(first_days[0])
    pool_q = [[team[m] for m in months[:-1]] for team in qualified]
    pool_u = [[team[m] for m in months[:-1]] for team in unqualified]
    pool_any = [anyone[m] for m in months[:-1]]
    # Pre-drawn uniforms, consumed in order: one stream, so the result is reproducible.
    u = rng.random(10 * len(cases) + 1000).tolist()
    k = 0
    rows: list[tuple] = []
    leave = w.leave.astype(np.int64).tolist()
    children = j.child[cases].tolist()
    for day, end, cut, into, out, teams, child in zip(
        start.tolist(),
        stop.tolist(),
        handover.tolist(),
        care_in.tolist(),
        care_out.tolist(),
        team_of,
        children,
        strict=True,
    ):
        while day < end:
            if k + 8 >= len(u):
                u += rng.random(len(u)).tolist()
            r = u[k]
            k += 1
            if r < P_UNALLOCATED:
                day = min(end, day + int(3 + 40 * u[k]))
                k += 1
                continue
            m = month_of[day - month_zero]
            team = teams[0] if day < cut else teams[1] if into <= day < out else teams[2]
            pool, cumulative = (pool_u if r > 1 - P_UNQUALIFIED_HOLDER else pool_q)[team][m]
            if not len(pool):
                pool, cumulative = pool_q[team][m]
                if not len(pool):
                    pool, cumulative = pool_any[m]
                    if not len(pool):
                        day += 7
                        continue
            worker = int(pool[np.searchsorted(cumulative, u[k] * cumulative[-1], "right")])
            until = day + int(30 - REALLOCATION_MEAN_DAYS * np.log(u[k + 1]))
            k += 2
            # A new worker when the case passes to another team.
            for change in (cut, into, out):
                if day + 5 < change < end:
                    until = min(until, change)
            until = min(until, leave[worker], end)
            rows.append((worker, child, ALLOCATED, day, until))
            day = until
        if k + 8 >= len(u):
            u += rng.random(len(u)).tolist()
        if u[k] < P_FAMILY_SUPPORT and floor_day <= cut < end:
            team = teams[1] if into <= cut < out else teams[2]
            pool, cumulative = pool_u[team][month_of[cut - month_zero]]
            if len(pool):
                worker = int(pool[np.searchsorted(cumulative, u[k + 1] * cumulative[-1], "right")])
                until = min(cut + int(60 + 120 * u[k + 2]), end, leave[worker])
                rows.append((worker, child, FAMILY_SUPPORT, cut, until))
        k += 3
    frame = pd.DataFrame(
        rows,
        columns=[
            "_worker",
            "invo_person_id",
            "invo_professional_role_id",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
        ],
    )
    for column in ("invo_involvement_start_date", "invo_involvement_end_date"):
        frame[column] = frame[column].to_numpy(dtype=np.int64).astype("M8[D]").astype("M8[s]")
    ended = frame["invo_involvement_end_date"] <= np.datetime64(win.end)
    frame.loc[~ended, "invo_involvement_end_date"] = pd.NaT
    first_month_end = np.datetime64(win.month_ends[0])
    end = frame["invo_involvement_end_date"]
    written = (
        end.isna()
        | (end >= first_month_end)
        | (frame["invo_involvement_start_date"] >= np.datetime64(win.start))
    )
    frame = frame[written & (frame["invo_involvement_start_date"] <= np.datetime64(win.end))]
    frame = frame.sort_values(["invo_involvement_start_date"], kind="stable").reset_index(drop=True)
    frame["invo_professional_team"] = w.team[frame["_worker"].to_numpy()]
    frame.insert(0, "invo_involvements_id", ids.gapped(rng, "", len(frame), 3_100_000, 8, 0.1))
    return frame
