"""The front door: contacts, referrals (`ssd_cin_episodes`) and single assessments.

Person columns hold People handles until the generator swaps in the final person ids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids
from .calendar import DAY, Window
from .demand import arrival_times, daily_expected, day_range
from .draws import Draws, categorical
from .journeys import (
    ADOPTION,
    ASSESS_CLOSE,
    CHRISTMAS_FACTOR,
    CIN_LONG,
    CLA_DIRECT,
    CLA_S47,
    CP,
    CP_TRANSFER_IN,
    HOME,
    NFA,
    REFERRALS_PER_MONTH,
    SCHOOL_SHARE,
    SGO,
    Journeys,
    new_child_dob,
)
from .people import People
from .streams import pick, stream
from .teams import (
    ASSESSMENT,
    CASE_TEAMS,
    DISABLED,
    EMERGENCY_DUTY,
    MASH,
    SAFEGUARDING,
    front_door,
    team_index,
)

CONTACTS_PER_MONTH = 2818  # the reference report's previous-12-months average
CONTACT_SCHOOL_SHARE = 0.15
CONTACT_CHRISTMAS_FACTOR = 0.97
P_CONTACT_KNOWN_CHILD = 0.22

# DfE CIN census referral sources (schools are 2A/2B and follow term dates).
SOURCES = {
    "1A": 0.02, "1B": 0.02, "1C": 0.03, "1D": 0.02, "3A": 0.03, "3B": 0.02, "3C": 0.04,
    "3D": 0.02, "3E": 0.03, "3F": 0.02, "4": 0.03, "5A": 0.06, "5B": 0.04, "5C": 0.03,
    "5D": 0.02, "6": 0.33, "7": 0.03, "8": 0.06, "9": 0.02, "10": 0.01,
}  # fmt: skip
SCHOOL_SOURCES = {"2A": 0.88, "2B": 0.12}
NEEDS = ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"]
NEED_SHARE = [0.52, 0.03, 0.05, 0.13, 0.16, 0.04, 0.01, 0.04, 0.02]

CONTACT_OUTCOMES = {
    "referral": '{"outcome": "referral", "decision": "progress to referral"}',
    "advice": '{"outcome": "advice", "decision": "information and advice given"}',
    "early_help": '{"outcome": "early_help", "decision": "step down to early help"}',
    "nfa": '{"outcome": "nfa", "decision": "no further action"}',
    "open": '{"outcome": "open_case", "decision": "passed to allocated worker"}',
}


def _sources(rng, school: np.ndarray) -> np.ndarray:
    other = pick(rng, list(SOURCES), list(SOURCES.values()), len(school))
    from_school = pick(rng, list(SCHOOL_SOURCES), list(SCHOOL_SOURCES.values()), len(school))
    return np.where(school, from_school, other)


def referrals(seed: int, win: Window, j: Journeys) -> pd.DataFrame:
    rng = stream(seed, "referral-table")
    e = np.flatnonzero(j.emitted)
    t = {k: v[e] for k, v in j.t.items()}
    d = j.draws.subset(e)
    path = j.path[e]
    end_s = (win.end + DAY).astype("M8[s]")
    decision = np.where(t["decision"] < end_s, t["decision"], np.datetime64("NaT", "s"))
    close = np.where(t["close"] <= win.end, t["close"], np.datetime64("NaT", "D"))
    need = np.array(NEEDS, dtype=object)[categorical(d["need"], NEED_SHARE)]
    need = np.where((path == CIN_LONG) & (d["need_disabled"] < 0.8), "N2", need)
    need = np.where(
        np.isin(path, (CP, CP_TRANSFER_IN, CLA_DIRECT, CLA_S47)) & (d["need_abuse"] < 0.6),
        "N1",
        need,
    )
    need = np.where((path == NFA) & (d["need_abuse"] < 0.5), None, need)
    frame = pd.DataFrame(
        {
            "cine_referral_id": ids.gapped(rng, "R", len(e), 104_512, 7, 0.05),
            "cine_person_id": j.child[e],
            "cine_referral_date": j.ref_dt[e],
            "cine_referral_decision_date": decision,
            "cine_referral_source_code": _sources(rng, j.school[e]),
            "cine_referral_nfa": np.where(path == NFA, "Y", "N"),
            "cine_cin_primary_need_code": need,
            "cine_close_date": close,
            "cine_close_reason": np.where(np.isnat(close), None, _close_reasons(t, path, d)),
            "cine_referral_team": np.where(front_door(j.ref_dt[e]), MASH, EMERGENCY_DUTY),
        }
    )
    frame["_journey"] = e
    return frame


def _close_reasons(t, path, d: Draws) -> np.ndarray:
    """CIN closure reasons: RC8 after an assessment with no further action, RC1/RC4/RC3 when
    care ends in adoption / special guardianship / a child arrangements order, RC6 at 18."""
    u = d["close_reason"]
    reason = np.where(u < 0.06, "RC5", np.where(u < 0.08, "RC3", "RC7")).astype(object)
    reason = np.where((path == ASSESS_CLOSE) & (u < 0.75), "RC8", reason)
    reason = np.where(path == NFA, "RC8", reason)
    ended_care = ~np.isnat(t["care_end"]) & (t["care_end"] <= t["close"])
    route = t["care_route"]
    reason = np.where(
        ended_care & (route == ADOPTION) & ~np.isnat(t["adoption_order"]), "RC1", reason
    )
    reason = np.where(ended_care & (route == SGO), "RC4", reason)
    reason = np.where(ended_care & (route == HOME) & (u > 0.9), "RC3", reason)
    at_18 = t["close"] >= t["cap"]
    reason = np.where(at_18, np.where(u < 0.35, "RC6", "RC7"), reason)
    return reason


def assessments(seed: int, win: Window, j: Journeys, refs: pd.DataFrame) -> pd.DataFrame:
    """First assessments (by the assessment team of the child's locality), plus a reassessment
    for some longer cases (by the team then holding the case: the locality's safeguarding team,
    or Disabled Children)."""
    rng = stream(seed, "assessment-table")
    e = refs["_journey"].to_numpy()
    t = {k: v[e] for k, v in j.t.items()}
    d = j.draws.subset(e)
    locality = j.locality[e]
    teams = np.array(CASE_TEAMS, dtype=object)
    long_term = np.where(j.path[e] == CIN_LONG, DISABLED, SAFEGUARDING)
    first = pd.DataFrame(
        {
            "cina_person_id": j.child[e],
            "cina_referral_id": refs["cine_referral_id"].to_numpy(),
            "cina_assessment_start_date": t["assess_start"],
            "cina_assessment_auth_date": t["assess_auth"],
            "cina_assessment_team": teams[team_index(ASSESSMENT, locality)],
        }
    )
    # Reassessment part-way through a long case (change of circumstances), same 45-day clock.
    long_case = (t["close"] - t["assess_auth"]).astype("m8[D]").astype(np.int64) > 150
    again = long_case & (d["reassess"] < 0.18) & ~np.isnat(t["assess_auth"])
    span = (t["close"] - t["assess_auth"]).astype("m8[D]").astype(np.int64) - 120
    start2 = t["assess_auth"] + np.floor(60 + d["reassess_at"] * np.maximum(span, 0)).astype(
        np.int64
    ).astype("m8[D]")
    start2 = win.roll_to_working_day(np.where(again, start2, np.datetime64("NaT", "D")))
    length = np.where(
        d["reassess_on_time"] < 0.9,
        5 + np.floor(40.99 * d["reassess_length"]),
        46 + np.floor(30 * d["reassess_length"]),
    )
    second = pd.DataFrame(
        {
            "cina_person_id": j.child[e],
            "cina_referral_id": refs["cine_referral_id"].to_numpy(),
            "cina_assessment_start_date": start2,
            "cina_assessment_auth_date": win.add_working_days(start2, length),
            "cina_assessment_team": teams[team_index(long_term, locality)],
        }
    )[again]
    frame = pd.concat([first, second], ignore_index=True)
    frame = frame[frame["cina_assessment_start_date"] <= win.end]
    frame = frame.sort_values("cina_assessment_start_date", kind="stable").reset_index(drop=True)
    auth = frame["cina_assessment_auth_date"]
    frame["cina_assessment_auth_date"] = auth.where(auth <= win.end)
    frame.insert(0, "cina_assessment_id", ids.gapped(rng, "", len(frame), 2_104_330, 8, 0.1))
    return frame


def contacts(
    seed: int, win: Window, j: Journeys, refs: pd.DataFrame, people: People
) -> pd.DataFrame:
    """One contact before each referral in the window, plus contacts that go no further."""
    rng = stream(seed, "contacts")
    start_s = win.start.astype("M8[s]")
    ref_dt = refs["cine_referral_date"].to_numpy()
    lead = (600 + rng.random(len(ref_dt)) * 4 * 3600).astype(np.int64).astype("m8[s]")
    from_referral = pd.DataFrame(
        {
            "cont_person_id": refs["cine_person_id"].to_numpy(),
            "cont_contact_date": ref_dt - lead,
            "cont_contact_source_code": refs["cine_referral_source_code"].to_numpy(),
            "cont_contact_outcome_json": CONTACT_OUTCOMES["referral"],
        }
    )
    from_referral = from_referral[from_referral["cont_contact_date"] >= start_s]

    # Contacts that are not referrals: the contact demand minus the referral demand, per day.
    window_days = day_range(win.start, win.end)
    c_school, c_other = daily_expected(
        window_days,
        win,
        CONTACTS_PER_MONTH * j.scale,
        CONTACT_SCHOOL_SHARE,
        CONTACT_CHRISTMAS_FACTOR,
    )
    r_school, r_other = daily_expected(
        window_days, win, REFERRALS_PER_MONTH * j.scale, SCHOOL_SHARE, CHRISTMAS_FACTOR
    )
    t_school = arrival_times(rng, window_days, np.maximum(c_school - r_school, 0))
    t_other = arrival_times(rng, window_days, np.maximum(c_other - r_other, 0))
    times = np.concatenate([t_school, t_other])
    school = np.concatenate([np.ones(len(t_school), bool), np.zeros(len(t_other), bool)])
    n = len(times)

    # About a fifth concern a child already known (referred in the last two years, under 18).
    known_pool = np.flatnonzero(j.emitted)
    pool_days = j.ref_dt[known_pool].astype("M8[D]")
    day = times.astype("M8[D]")
    lo = np.searchsorted(pool_days, day - 730 * DAY)
    hi = np.searchsorted(pool_days, day)
    pick_at = lo + np.floor(rng.random(n) * (hi - lo)).astype(np.int64)
    pick_at = np.clip(pick_at, 0, max(len(known_pool) - 1, 0))
    candidate = j.child[known_pool][pick_at] if len(known_pool) else np.zeros(n, dtype=np.int64)
    candidate_dob = people.dob[candidate] if len(known_pool) else day
    age_days = (day - candidate_dob).astype(np.int64)
    known = (rng.random(n) < P_CONTACT_KNOWN_CHILD) & (hi > lo) & (age_days < 17.9 * 365.25)
    d = Draws(seed, n, "contact-children")
    new_dob, due = new_child_dob(np.full(n, ASSESS_CLOSE), day, d)
    fresh = np.flatnonzero(~known)
    person = candidate.copy()
    person[fresh] = people.add(new_dob[fresh], due[fresh])
    outcome = pick(rng, ["advice", "early_help", "nfa"], [0.45, 0.30, 0.25], n)
    outcome = np.where(known & (rng.random(n) < 0.5), "open", outcome)
    other = pd.DataFrame(
        {
            "cont_person_id": person,
            "cont_contact_date": times,
            "cont_contact_source_code": _sources(rng, school),
            "cont_contact_outcome_json": pd.Series(outcome).map(CONTACT_OUTCOMES).to_numpy(),
        }
    )
    frame = pd.concat([from_referral, other], ignore_index=True)
    frame = frame.sort_values("cont_contact_date", kind="stable").reset_index(drop=True)
    frame.insert(0, "cont_contact_id", ids.gapped(rng, "", len(frame), 1_250_000, 9, 0.02))
    return frame
