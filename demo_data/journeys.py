"""Case journeys: one per referral, from receipt to closure.

Each referral follows a path (no further action, assessment only, child in need, section 47,
conference, child protection plan, care). The path fixes which records the journey has; named
uniform draws fix their dates. Children are then attached: most referrals are about a new child,
some re-refer a child whose earlier case closed in the last year (re-referrals), some bring back a
child whose plan ended in the last two years (repeat plans). A child never has two journeys open
at once, so a child's CIN episodes, plans and periods of care never overlap.

The simulation starts 22 years before the window so the opening stock (long CIN cases, plans and
children who came into care as babies) is in steady state; journeys that closed before the
history start are dropped unless their period of care made the child a care leaver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import DAY, NAT, Window, add_months, add_years, days
from .demand import arrival_times, daily_expected, day_range
from .draws import Draws, categorical, weibull
from .people import People
from .streams import stream
from .teams import LOCALITY_SHARE, P_ASSESSMENT_45WD, P_ICPC_15WD, front_door

# Referral paths. The shares reproduce the reference ratios: ~30% of referrals lead to a section
# 47 enquiry, ~12% to a conference, ~12% to a plan (~1,800 plans a year: nearly every conference
# here decides on a plan), ~6% to care; ~6% are no further action.
NFA, ASSESS_CLOSE, CIN, CIN_LONG, S47_CLOSE, S47_CIN = 0, 1, 2, 3, 4, 5
ICPC_NO_PLAN, CP, CP_TRANSFER_IN, CLA_DIRECT, CLA_S47 = 6, 7, 8, 9, 10
PATH_SHARE = [0.06, 0.44, 0.165, 0.012, 0.118, 0.06, 0.002, 0.118, 0.006, 0.022, 0.021]
S47_PATHS = (S47_CLOSE, S47_CIN, ICPC_NO_PLAN, CP, CLA_S47)
PLAN_PATHS = (CP, CP_TRANSFER_IN)

# Routes through care, chosen by age at entry.
ADOPTION, SGO, HOME, LONG_TERM, REMAND = 0, 1, 2, 3, 4
# Rows: age at entry <1, 1-4, 5-9, 10-13, 14+; columns: the routes above.
ROUTE_SHARE = np.array(
    [
        [0.36, 0.17, 0.27, 0.20, 0.00],
        [0.17, 0.18, 0.37, 0.28, 0.00],
        [0.00, 0.10, 0.45, 0.45, 0.00],
        [0.00, 0.04, 0.50, 0.46, 0.00],
        [0.00, 0.01, 0.47, 0.42, 0.10],
    ]
)
ROUTE_AGE_EDGES = [1, 5, 10, 14]

# Short breaks for disabled children (CIN_LONG path): none, V4 agreement, V3 individual stays.
SHORT_BREAK_NONE, SHORT_BREAK_V4, SHORT_BREAK_V3 = 0, 4, 3

# Age at referral of a new child: unborn, under 1, 1-4, 5-9, 10-15, 16-17.
AGE_GROUP_BOUNDS = [(0, 1), (1, 5), (5, 10), (10, 16), (16, 17.9)]
AGE_SHARE_DEFAULT = [0.025, 0.10, 0.21, 0.25, 0.33, 0.085]
AGE_SHARE_PLAN = [0.07, 0.12, 0.27, 0.26, 0.25, 0.03]
AGE_SHARE_CARE = [0.07, 0.13, 0.12, 0.13, 0.38, 0.17]
AGE_SHARE_DISABLED = [0.0, 0.05, 0.25, 0.35, 0.30, 0.05]

REFERRALS_PER_MONTH = 1209  # 14,513 in the reference year
SCHOOL_SHARE = 0.2
CHRISTMAS_FACTOR = 0.4

P_DECISION_BLANK = 0.17
# Referral decisions within 24 hours (office hours, out of hours): the Emergency Duty Team
# passes most out-of-hours referrals to MASH for the next working day, so fewer are decided in
# time (about 87% overall, 80% in December). Assessment and conference timeliness by locality
# are in teams.py.
P_DECISION_24H = (0.89, 0.77)
P_DECISION_24H_DECEMBER = (0.825, 0.70)
# Plans: ~11% end within three months (kpi_13), the rest after 92 + ~208 days on average, so
# ~1,800 starts a year keep ~1,240 children on plans at a month end (43 per 10,000, the reference
# report's headline rate). 12.5% of plans end with the child coming into care, which keeps
# entries to care as they were when 15% of fewer plans did.
P_PLAN_SHORT = 0.11
PLAN_LONG_MEAN_DAYS = 208
P_PLAN_TO_CARE = 0.125
P_ADOPTION_REVERSED = 0.06
P_EARLY_MATCH = 0.06

# Who a referral is about (see module docstring); tuned so kpi_02 ~23% and kpi_06 ~10%.
P_REPEAT_PLAN = 0.10
P_REREFERRAL = 0.235
P_KNOWN_CHILD = 0.10


def a2_mean_days(placement_order: np.ndarray, end: np.datetime64) -> np.ndarray:
    """Mean days from placement order to match, improving towards the last month (the reference
    report: 236 over three years, 156 in the last twelve months)."""
    months = (end.astype("M8[M]") - placement_order.astype("M8[M]")).astype(float)
    return 100 + 210 * np.clip((months - 24) / 14, 0, 1)


def _when(mask: np.ndarray, values: np.ndarray, blank=NAT) -> np.ndarray:
    return np.where(mask, values, blank)


def timeline(path, ref_dt, dob, d: Draws, win: Window, locality) -> dict[str, np.ndarray]:
    """Every date of each journey, given its path, receipt time, child's date of birth and the
    locality the child lives in (index into teams.LOCALITIES)."""
    r = ref_dt.astype("M8[D]")
    cap = add_years(dob, 18)  # children's services end at the 18th birthday
    t: dict[str, np.ndarray] = {}

    # Referral decision: most within 24 clock hours; December is slower (holidays).
    december = (r.astype("M8[M]").astype(np.int64) % 12) == 11
    out_of_hours = (~front_door(ref_dt)).astype(np.int64)
    on_time = d["decision_on_time"] < np.where(
        december,
        np.asarray(P_DECISION_24H_DECEMBER)[out_of_hours],
        np.asarray(P_DECISION_24H)[out_of_hours],
    )
    u = d["decision_hours"]
    hours = np.where(on_time, 0.2 + 23.7 * u**1.5, 24.05 + weibull(u, 0.9, 70))
    decided = ref_dt + (hours * 3600).astype(np.int64).astype("m8[s]")
    t["decision"] = np.where(
        d["decision_blank"] < P_DECISION_BLANK, np.datetime64("NaT", "s"), decided
    )

    # Single assessment, started within two working days; 90% authorised within 45.
    assessed = path != NFA
    a_start = win.working_day_on_or_after(r, np.floor(d["assess_offset"] * 3))
    u = d["assess_length"]
    length = np.where(
        d["assess_on_time"] < np.asarray(P_ASSESSMENT_45WD)[locality],
        4 + np.floor(41.99 * u**0.8),
        46 + np.floor(weibull(u, 1.0, 15)),
    )
    t["assess_start"] = _when(assessed, a_start)
    t["assess_auth"] = _when(assessed, win.add_working_days(a_start, length))

    # Section 47 enquiry from a strategy discussion within three working days.
    s47 = np.isin(path, S47_PATHS)
    s47_start = win.working_day_on_or_after(r, np.floor(d["s47_offset"] * 4))
    conference = np.isin(path, (ICPC_NO_PLAN, CP))
    transfer = path == CP_TRANSFER_IN
    u = d["icpc_length"]
    wd = np.where(
        d["icpc_on_time"] < np.asarray(P_ICPC_15WD)[locality],
        5 + np.floor(10.99 * u**0.5),
        16 + np.floor(weibull(u, 1.0, 6)),
    )
    icpc = np.where(
        conference,
        win.add_working_days(s47_start, wd),
        _when(transfer, win.add_working_days(r, wd)),
    )
    s47_end = win.add_working_days(s47_start, 3 + np.floor(d["s47_length"] * 13))
    before_conference = win.add_working_days(icpc, -(1 + np.floor(d["s47_length"] * 3)))
    s47_end = np.where(conference, np.fmax(s47_start, before_conference), s47_end)
    t["s47_start"] = _when(s47, s47_start)
    t["s47_end"] = _when(s47, s47_end)
    t["icpc"] = icpc

    # Child protection plan from the conference; 11% end within three months.
    planned = np.isin(path, PLAN_PATHS)
    u = d["plan_length"]
    length = np.where(
        d["plan_short"] < P_PLAN_SHORT, 10 + 81 * u, 92 + weibull(u, 1.5, PLAN_LONG_MEAN_DAYS)
    )
    t["plan_start"] = _when(planned, icpc)
    t["plan_end"] = t["plan_start"] + days(length)

    # Care: directly, after a section 47, or when a plan ends because the child comes into care.
    via_plan = planned & (d["plan_to_care"] < P_PLAN_TO_CARE)
    cared = np.isin(path, (CLA_DIRECT, CLA_S47)) | via_plan
    u = d["care_offset"]
    later = np.clip((u - 0.45) / 0.55, 1e-9, 1 - 1e-9)
    direct = np.where(u < 0.45, np.floor(u / 0.45 * 4), 7 + weibull(later, 1.0, 90))
    entry = np.where(
        path == CLA_DIRECT,
        r + days(direct),
        np.where(path == CLA_S47, s47_start + days(u * 10), t["plan_end"]),
    )
    entry = _when(cared, np.fmax(entry, dob))  # an unborn baby comes into care at birth
    age_at_entry = np.where(cared, (entry - dob).astype(np.int64), 0) / 365.25
    group = np.digitize(age_at_entry, ROUTE_AGE_EDGES)
    route = categorical(d["care_route"], ROUTE_SHARE[group])
    u = d["care_length"]
    home = 7 + weibull(u, 0.9, 260)
    sgo = 240 + weibull(u, 1.5, 420)
    remand = 3 + weibull(u, 1.0, 70)
    long_term = 365 + weibull(u, 1.0, 6.5 * 365)
    care_end = entry + days(np.choose(route, [long_term, sgo, home, long_term, remand]))

    # Adoption: decision, placement order, match, placed, adoption order (A1 ~574, A2 ~236 days).
    adoption = cared & (route == ADOPTION)
    adm = entry + days(45 + weibull(d["adm"], 2.0, 135))
    po = adm + days(20 + weibull(d["placement_order"], 2.0, 105))
    early = d["early_match"] < P_EARLY_MATCH
    a2 = np.where(
        early,
        -(5 + 55 * d["a2"]),
        weibull(d["a2"], 1.6, a2_mean_days(po, win.end)),
    )
    match = po + days(a2)
    placed = np.fmax(match, po) + days(7 + weibull(d["placed"], 1.5, 26))
    order = placed + days(100 + weibull(d["adoption_order"], 1.5, 170))
    reversed_ = adoption & (d["adoption_reversed"] < P_ADOPTION_REVERSED)
    reversal = po + days(90 + weibull(d["reversal"], 1.5, 150))
    adopted = adoption & ~reversed_
    care_end = np.where(adopted, order, care_end)
    care_end = np.where(reversed_, reversal + days(sgo), care_end)
    route = np.where(reversed_, SGO, route)
    t["adm"] = _when(adoption, adm)
    t["placement_order"] = _when(adoption, po)
    t["matched"] = _when(adopted, match)
    t["placed"] = _when(adopted, placed)
    t["adoption_order"] = _when(adopted, order)
    t["reversed"] = _when(reversed_, reversal)
    t["care_start"] = entry
    t["care_end"] = _when(cared, np.fmin(care_end, cap))
    t["care_route"] = np.where(cared, route, -1)

    # Short breaks for some disabled children: a V4 agreement or a run of V3 stays.
    kind = categorical(d["short_breaks"], [0.55, 0.25, 0.20])
    kind = np.choose(kind, [SHORT_BREAK_NONE, SHORT_BREAK_V4, SHORT_BREAK_V3])
    t["short_breaks"] = np.where(path == CIN_LONG, kind, SHORT_BREAK_NONE)

    # Closure: after the last service, with step-down support after a plan or care.
    u = d["cin_length"]
    cin = np.where(d["cin_long"] < 0.06, 365 + weibull(u, 1.0, 1000), 20 + weibull(u, 1.2, 95))
    disabled = 365 + weibull(u, 1.0, 4.5 * 365)
    stepdown = days(30 + weibull(d["stepdown"], 1.3, 70))
    # After a plan, child-in-need support runs longer (~9 months): it keeps the children in need
    # at a month end (kpi_04, rate_cin) where they were before plans were shortened.
    after_plan = days(30 + weibull(d["stepdown"], 1.3, 260))
    lag = days(np.floor(d["close_lag"] * 15))
    a_auth = t["assess_auth"]
    after_s47 = np.fmax(a_auth, s47_end)
    close = np.select(
        [
            path == NFA,
            path == ASSESS_CLOSE,
            path == CIN,
            path == CIN_LONG,
            path == S47_CLOSE,
            path == S47_CIN,
            path == ICPC_NO_PLAN,
        ],
        [
            np.fmax(r, t["decision"].astype("M8[D]")) + days(np.floor(d["close_lag"] * 2)),
            a_auth + lag,
            a_auth + days(cin),
            a_auth + days(disabled),
            after_s47 + lag,
            after_s47 + days(cin),
            np.fmax(a_auth, icpc) + days(cin),
        ],
        default=t["plan_end"] + after_plan,
    )
    after_care = np.where(np.isin(route, (HOME, REMAND)), stepdown, lag)
    close = np.where(cared, t["care_end"] + after_care, close)
    for part in ("assess_auth", "s47_end", "icpc", "plan_end", "care_end"):
        close = np.fmax(close, t[part])
    t["close"] = np.fmin(close, cap)
    t["cap"] = cap

    # Nothing happens after the 18th birthday: later starts vanish, later ends are cut there.
    for start, end in (
        ("assess_start", "assess_auth"),
        ("s47_start", "s47_end"),
        ("icpc", None),
        ("plan_start", "plan_end"),
        ("care_start", "care_end"),
        ("adm", None),
        ("placement_order", None),
        ("matched", None),
        ("placed", None),
        ("adoption_order", None),
        ("reversed", None),
    ):
        gone = t[start] >= cap
        t[start] = _when(~gone, t[start])
        if end:
            t[end] = _when(~gone & ~np.isnat(t[end]), np.fmin(t[end], cap))
    t["care_route"] = np.where(np.isnat(t["care_start"]), -1, t["care_route"])
    t["short_breaks"] = np.where(np.isnat(a_auth) | (a_auth >= cap), 0, t["short_breaks"])
    return t


@dataclass
class Journeys:
    ref_dt: np.ndarray
    path: np.ndarray
    school: np.ndarray
    child: np.ndarray  # People handle
    dob: np.ndarray
    t: dict[str, np.ndarray]
    draws: Draws
    emitted: np.ndarray  # the journey's CIN records are written
    scale: float
    locality: np.ndarray  # where the journey's child lives (index into teams.LOCALITIES)


def new_child_dob(path, ref_day, d: Draws) -> tuple[np.ndarray, np.ndarray]:
    """Date of birth (and expected date for unborn children) of a referral's new child."""
    shares = np.select(
        [
            np.isin(path, (CLA_DIRECT, CLA_S47)),
            np.isin(path, (ICPC_NO_PLAN,) + PLAN_PATHS),
            path == CIN_LONG,
        ],
        [1, 2, 3],
        default=0,
    )
    table = np.array([AGE_SHARE_DEFAULT, AGE_SHARE_CARE, AGE_SHARE_PLAN, AGE_SHARE_DISABLED])
    group = categorical(d["age_group"], table[shares])
    low = np.array([-1.0] + [b[0] for b in AGE_GROUP_BOUNDS])[group]
    high = np.array([0.0] + [b[1] for b in AGE_GROUP_BOUNDS])[group]
    age_days = (low + (high - low) * d["age_within"]) * 365.25
    unborn = group == 0
    # Unborn: due 2 weeks to 5 months after the referral; born within a fortnight of the date.
    due = ref_day + days(14 + 150 * d["age_within"])
    born = due + days(np.round((d["birth_vs_due"] - 0.5) * 28))
    dob = np.where(unborn, born, ref_day - days(age_days))
    return dob, _when(unborn, due)


def _assign_children(ref_day, path, approx_close, plan_end, intended_dob, d: Draws):
    """Who each referral is about, journey by journey in time order.

    Returns (child per journey, as a number 0.. in order of first referral; each child's date of
    birth as a day number). A candidate earlier child is accepted only if none of their journeys
    is still open and they are under 17 1/2."""
    n = len(ref_day)
    day = ref_day.astype(np.int64)
    close = approx_close.astype(np.int64)
    dob0 = intended_dob.astype(np.int64)
    lo_year = np.searchsorted(day, day - 365, side="left")
    lo_known = np.searchsorted(day, day - 4 * 365, side="left")
    has_plan = ~np.isnat(plan_end)
    plan_idx = np.flatnonzero(has_plan)
    plan_days = plan_end[plan_idx].astype(np.int64)
    order = np.argsort(plan_days, kind="stable")
    plan_idx, plan_days = plan_idx[order], plan_days[order]
    lo_plan = np.searchsorted(plan_days, day - 730, side="left")
    hi_plan = np.searchsorted(plan_days, day, side="left")
    mode = d["pick_mode"]
    tries = [d["pick_1"], d["pick_2"], d["pick_3"]]
    wants_plan = np.isin(path, PLAN_PATHS) & (mode < P_REPEAT_PLAN)
    offset = np.where(np.isin(path, PLAN_PATHS), P_REPEAT_PLAN, 0.0)
    wants_recent = ~wants_plan & (mode - offset >= 0) & (mode - offset < P_REREFERRAL)
    wants_known = (
        ~wants_plan
        & (mode - offset >= P_REREFERRAL)
        & (mode - offset < P_REREFERRAL + P_KNOWN_CHILD)
    )
    # Candidate journeys per try, drawn up front (vectorised), checked in the loop.
    candidates = []
    for u in tries:
        recent = lo_year + np.floor(u * (np.arange(n) - lo_year)).astype(np.int64)
        known = lo_known + np.floor(u * (lo_year - lo_known)).astype(np.int64)
        plan_pos = lo_plan + np.floor(u * (hi_plan - lo_plan)).astype(np.int64)
        from_plan = (
            plan_idx[np.clip(plan_pos, 0, max(len(plan_idx) - 1, 0))]
            if len(plan_idx)
            else np.zeros(n, dtype=np.int64)
        )
        cand = np.full(n, -1, dtype=np.int64)
        cand = np.where(wants_recent & (lo_year < np.arange(n)), recent, cand)
        cand = np.where(wants_known & (lo_known < lo_year), known, cand)
        cand = np.where(wants_plan & (lo_plan < hi_plan), from_plan, cand)
        candidates.append(cand.tolist())

    child = [0] * n
    child_dob: list[int] = []
    busy: list[int] = []
    max_age = int(17.5 * 365.25)
    day_l, close_l, dob_l = day.tolist(), close.tolist(), dob0.tolist()
    for i in range(n):
        chosen = -1
        for cand in candidates:
            j = cand[i]
            if j < 0 or j >= i:
                continue
            c = child[j]
            if busy[c] < day_l[i] and day_l[i] - child_dob[c] < max_age:
                chosen = c
                break
        if chosen < 0:
            chosen = len(child_dob)
            child_dob.append(dob_l[i])
            busy.append(close_l[i])
        elif close_l[i] > busy[chosen]:
            busy[chosen] = close_l[i]
        child[i] = chosen
    return np.array(child, dtype=np.int64), np.array(child_dob, dtype=np.int64)


def build(seed: int, win: Window, scale: float, people: People) -> Journeys:
    rng = stream(seed, "referrals")
    all_days = day_range(win.burn_start, win.end)
    school, other = daily_expected(
        all_days, win, REFERRALS_PER_MONTH * scale, SCHOOL_SHARE, CHRISTMAS_FACTOR
    )
    t_school = arrival_times(rng, all_days, school)
    t_other = arrival_times(rng, all_days, other)
    times = np.concatenate([t_school, t_other])
    is_school = np.concatenate([np.ones(len(t_school), bool), np.zeros(len(t_other), bool)])
    order = np.argsort(times, kind="stable")
    times, is_school = times[order], is_school[order]
    d = Draws(seed, len(times), "journeys")
    path = categorical(d["path"], PATH_SHARE)
    ref_day = times.astype("M8[D]")
    dob, due = new_child_dob(path, ref_day, d)
    # Where a new child lives; a child keeps the locality of their first referral.
    own_locality = categorical(d["locality"], LOCALITY_SHARE)

    # Keep what can matter: journeys still open at the history start, and earlier periods of
    # care of young people who are care leavers (birthdays 17-21) inside the history.
    t0 = timeline(path, times, dob, d, win, own_locality)
    relevant = t0["close"] >= win.history_start - 31 * DAY
    leaver = (~np.isnat(t0["care_start"])) & (add_years(dob, 22) >= win.history_start)
    leaver &= t0["care_end"] >= add_months(dob, 15 * 12 + 6)
    keep = np.flatnonzero(relevant | leaver)
    times, is_school, path, ref_day = times[keep], is_school[keep], path[keep], ref_day[keep]
    dob, due, own_locality = dob[keep], due[keep], own_locality[keep]
    d = d.subset(keep)
    t0 = {k: v[keep] for k, v in t0.items()}

    local, child_dob = _assign_children(ref_day, path, t0["close"], t0["plan_end"], dob, d)
    # Children are numbered in order of first referral, so each one's first journey is:
    first_journey = np.unique(local, return_index=True)[1]
    actual_dob = child_dob.astype("M8[D]")[local]
    locality = own_locality[first_journey][local]
    t = timeline(path, times, actual_dob, d, win, locality)

    # A child whose earlier journey now runs later than assumed gets the newer referral as a new
    # child instead, so one child's journeys never overlap (repeated: moving one journey away
    # makes an earlier one the next one's predecessor).
    local = local.copy()
    while True:
        order = np.lexsort((times, local))
        latest = pd.Series(t["close"][order]).groupby(local[order]).cummax().to_numpy()
        prev_close = np.concatenate([[NAT], latest[:-1]])
        same = np.concatenate([[False], local[order][1:] == local[order][:-1]])
        clash = order[same & (ref_day[order] <= prev_close)]
        if not len(clash):
            break
        local[clash] = len(child_dob) + np.arange(len(clash))
        child_dob = np.concatenate([child_dob, dob[clash].astype(np.int64)])
        first_journey = np.concatenate([first_journey, clash])
        actual_dob = child_dob.astype("M8[D]")[local]
        locality = own_locality[first_journey][local]
        t = timeline(path, times, actual_dob, d, win, locality)

    expected = due[first_journey]
    handles = people.add(child_dob.astype("M8[D]"), expected)
    emitted = (ref_day <= win.end) & (t["close"] >= win.history_start)
    return Journeys(
        times, path, is_school, handles[local], actual_dob, t, d, emitted, scale, locality
    )
