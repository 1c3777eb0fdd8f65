"""Care leaver outcomes at each birthday from 17 to 21 (SSDA903 OC3 items).

Care leavers are children who were looked after for 13 weeks or more after their 14th birthday
and were still looked after at 16 (`looked_after.care_leaver_candidates`). A row is written for
each birthday after they left care that falls in the history or the window. Shares are set for
kpi_09 (~63% in education, employment or training among 19-21 year olds, DIED and RHOM excluded).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calendar import DAY, Window, add_years
from .people import People
from .streams import pick, stream

IN_TOUCH = ["YES", "NO", "REFU", "NREQ", "RHOM", "DIED"]
IN_TOUCH_SHARE = [0.865, 0.06, 0.02, 0.01, 0.04, 0.005]
EET = ["F1", "F2", "F3", "F4", "F5", "P1", "P2", "P3", "P4", "P5"]
EET_SHARE = [0.1, 0.3, 0.08, 0.2, 0.08, 0.04, 0.08, 0.04, 0.05, 0.03]
NEET = ["G4", "G5", "G6"]
NEET_SHARE = [0.25, 0.5, 0.25]
P_EET = {17: 0.78, 18: 0.72, 19: 0.68, 20: 0.68, 21: 0.675}
ACCOMMODATION = ["B1", "C1", "D1", "E1", "K1", "U1", "Z1", "T1", "S2", "V2", "W2", "X2", "R2"]
ACCOMMODATION_SHARE = [0.12, 0.02, 0.2, 0.1, 0.04, 0.32, 0.09, 0.04, 0.01, 0.01, 0.01, 0.02, 0.02]


def build(seed: int, win: Window, candidates: dict, people: People) -> pd.DataFrame:
    rng = stream(seed, "care-leavers")
    rows = []
    for child in sorted(candidates):
        dob, left = candidates[child]
        for age, birthday in zip(
            range(17, 22), add_years(np.array([dob] * 5), np.arange(17, 22)), strict=True
        ):
            if birthday < left or birthday < win.history_start or birthday > win.end:
                continue
            in_touch = str(pick(rng, IN_TOUCH, IN_TOUCH_SHARE))
            if in_touch == "YES" or in_touch == "RHOM":
                eet = rng.random() < P_EET[age]
                activity = str(pick(rng, EET, EET_SHARE) if eet else pick(rng, NEET, NEET_SHARE))
                accommodation = str(pick(rng, ACCOMMODATION, ACCOMMODATION_SHARE))
            elif in_touch == "DIED":
                activity, accommodation = None, None
                died = birthday - np.timedelta64(int(1 + rng.random() * 300), "D")
                people.record_death(child, max(died, left + DAY))
            else:
                activity, accommodation = "0", "0"
            rows.append((child, dob, age, in_touch, activity, accommodation))
            if in_touch == "DIED":
                break
    return pd.DataFrame(
        rows,
        columns=[
            "person_id",
            "date_of_birth",
            "birthday_age",
            "in_touch",
            "activity",
            "accommodation",
        ],
    )
