"""Youth justice outcomes: cautions, conditional cautions, court sentences, custody releases.

Each young person's offending career starts with a first outcome between 10 and 17 (~500 first-
time entrants a year at scale 1, i.e. ~416 per 100,000 of a 120,000 10-17 population) and
continues, offence by offence, with a chance of stopping after each outcome; offending after 18 is
adult justice and not recorded. A custodial sentence is followed by a custody release outcome for
the same offence. The parameters give a yearly cohort about twice the first-time entrants with
~35% re-offending within a year (kpi_11). Some young people are children already known to
children's services.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids
from .calendar import DAY, Window, add_months
from .journeys import Journeys
from .people import People
from .streams import pick, stream

FIRST_TIME_ENTRANTS_PER_YEAR = 500
FIRST_AGE_SHARE = [0.04, 0.07, 0.11, 0.15, 0.18, 0.18, 0.15, 0.12]  # ages 10..17
P_CONTINUE = 0.9
GAP_MEAN_DAYS = 740
P_KNOWN_CHILD = 0.15
FIRST_TYPES = (["youth_caution", "youth_conditional_caution", "court_sentence"], [0.45, 0.25, 0.3])
LATER_TYPES = (
    ["youth_caution", "youth_conditional_caution", "court_sentence", "other"],
    [0.15, 0.17, 0.63, 0.05],
)
P_CUSTODY = 0.1


def _outcome_delay(rng, kind: str) -> int:
    if kind == "court_sentence":
        return int(25 + rng.exponential(70))
    return int(3 + rng.exponential(25))


def build(seed: int, win: Window, j: Journeys, people: People) -> pd.DataFrame:
    rng = stream(seed, "youth-justice")
    begin = add_months(np.array([win.start]), -120)[0]
    extract_start = add_months(np.array([win.end + DAY]), -120)[0]
    span = int((win.end - begin) / DAY)
    n = rng.poisson(FIRST_TIME_ENTRANTS_PER_YEAR * j.scale * span / 365.25)
    first_offence = begin + np.sort(rng.integers(0, span, n)).astype("m8[D]")
    age_years = 10 + pick(rng, np.arange(8), FIRST_AGE_SHARE, n) + rng.random(n)
    dob = first_offence - (age_years * 365.25).astype(np.int64).astype("m8[D]")

    # Some are children already known: a referred child of the right age, each used once.
    known = np.flatnonzero(j.emitted)
    pool_children, first_ref = np.unique(j.child[known], return_index=True)
    pool_dob = j.dob[known][first_ref]
    order = np.argsort(pool_dob, kind="stable")
    pool_children, pool_dob = pool_children[order], pool_dob[order]
    lo = np.searchsorted(pool_dob, first_offence - int(17.9 * 365.25) * DAY)
    hi = np.searchsorted(pool_dob, first_offence - int(10 * 365.25) * DAY)
    at = lo + np.floor(rng.random(n) * (hi - lo)).astype(np.int64)
    at = np.clip(at, 0, max(len(pool_children) - 1, 0))
    wants = (rng.random(n) < P_KNOWN_CHILD) & (hi > lo)
    person = np.full(n, -1, dtype=np.int64)
    person[wants] = pool_children[at[wants]]
    _, first_use = np.unique(person[wants], return_index=True)
    reused = np.ones(wants.sum(), dtype=bool)
    reused[first_use] = False
    person[np.flatnonzero(wants)[reused]] = -1
    chosen = person >= 0
    dob[chosen] = people.dob[person[chosen]]
    person[~chosen] = people.add(dob[~chosen])

    rows = []
    for k in range(n):
        eighteen = add_months(np.array([dob[k]]), 216)[0]
        offence = first_offence[k]
        if offence >= eighteen or offence < dob[k] + np.timedelta64(3653, "D"):
            continue
        kinds = FIRST_TYPES
        while offence < eighteen:
            kind = str(pick(rng, *kinds))
            outcome = offence + np.timedelta64(_outcome_delay(rng, kind), "D")
            rows.append((person[k], dob[k], offence, outcome, kind))
            if kind == "court_sentence" and rng.random() < P_CUSTODY:
                release = outcome + np.timedelta64(int(60 + rng.random() * 180), "D")
                rows.append((person[k], dob[k], offence, release, "custody_release"))
                outcome = release
            if rng.random() > P_CONTINUE:
                break
            offence = outcome + np.timedelta64(int(1 + rng.weibull(0.9) * GAP_MEAN_DAYS), "D")
            kinds = LATER_TYPES
    frame = pd.DataFrame(
        rows,
        columns=["yj_person_id", "date_of_birth", "offence_date", "outcome_date", "outcome_type"],
    )
    # A youth justice case system keeps its history: the extract holds every outcome of the 10
    # years to the window's end, so "first ever" (cbp_fte) can look back the 8 years a young
    # person of 17 could have been offending (its look-back in the KPI catalogue) for every
    # rolling 12 months of the window.
    frame = frame[(frame["outcome_date"] >= extract_start) & (frame["outcome_date"] <= win.end)]
    frame = frame.sort_values(["outcome_date", "yj_person_id"], kind="stable").reset_index(
        drop=True
    )
    frame.insert(0, "yj_outcome_id", ids.gapped(rng, "YJ", len(frame), 52_000, 7, 0.02))
    return frame
