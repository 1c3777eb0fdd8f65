"""Looked-after reviews on the Care Planning Regulations 2010 (reg. 33) timetable.

The first review is due 20 working days after the period of care began, the second three months
after the first was held, later ones six months after the previous one. Most are held a few days
early; about 3% are late (kpi_08 ~97%: more in one locality's children in care team, see
teams.P_REVIEW_LATE); about 2% of meetings are cancelled and re-held, keeping
the due date. V3 short stays end before any review is due and so have none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids
from .calendar import NAT, Window, add_months, days
from .looked_after import V3_STAYS
from .streams import stream
from .teams import P_REVIEW_LATE

P_CANCELLED = 0.02


def build(seed: int, win: Window, periods: pd.DataFrame, locality: np.ndarray) -> pd.DataFrame:
    """Reviews of the written `periods`; `locality` is the child's locality per period."""
    rng = stream(seed, "reviews")
    reviewed = periods[periods["route"] != V3_STAYS]
    p_late = np.asarray(P_REVIEW_LATE)[
        np.asarray(locality)[(periods["route"] != V3_STAYS).to_numpy()]
    ]
    cla_id = reviewed["cla_id"].to_numpy()
    start = reviewed["start"].to_numpy().astype("M8[D]")
    stop = np.minimum(reviewed["end"].to_numpy().astype("M8[D]"), win.end)
    n = len(reviewed)
    frames = []
    previous = np.full(n, NAT)
    active = np.ones(n, dtype=bool)
    number = 1
    while active.any():
        if number == 1:
            due = win.add_working_days(start, 20)
        else:
            due = add_months(previous, 3 if number == 2 else 6)
        late = rng.random(n) < p_late
        early_by = np.floor(rng.random(n) ** 2 * 15)
        held = np.where(late, due + days(1 + rng.exponential(12, n)), due - days(early_by))
        held = win.roll_to_working_day(held)
        held = np.where(late & (held <= due), due + days(1), held)
        active = active & (held <= stop)
        if number > 1:
            active &= held > previous
        cancelled = active & (rng.random(n) < P_CANCELLED)
        planned = win.roll_to_working_day(held - days(1 + rng.integers(0, 10, n)))
        frames.append(_rows(cla_id, held, due, "N", active, number))
        frames.append(_rows(cla_id, planned, due, "Y", cancelled, number - 0.5))
        previous = held
        number += 1
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sort_values(["clar_cla_review_date", "_order"], kind="stable")
    frame = frame.drop(columns="_order").reset_index(drop=True)
    frame.insert(0, "clar_cla_review_id", ids.gapped(rng, "RV", len(frame), 610_000, 7, 0.02))
    return frame


def _rows(cla_id, held, due, cancelled, mask, order) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "clar_cla_id": cla_id[mask],
            "clar_cla_review_date": held[mask],
            "clar_cla_review_due_date": due[mask],
            "clar_cla_review_cancelled": cancelled,
            "_order": order,
        }
    )
