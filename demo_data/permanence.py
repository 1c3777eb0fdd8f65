"""Adoption and other permanence journeys (`ssd_permanence`).

Adoption rows carry the agency decision, placement order (court authority to place), match,
placed-for-adoption date (the start of the child's A3-A6 placement) and adoption order dates;
a few decisions are reversed. Special guardianship and child arrangements rows are written for
periods of care that ended with those orders (ceased reasons E45/E46 and E41/E47/E48).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids
from .calendar import NAT, Window
from .journeys import Journeys
from .looked_after import CareTables, Period
from .streams import stream

ORDER_TYPE_BY_REASON = {
    "E45": "Special Guardianship",
    "E46": "Special Guardianship",
    "E41": "Child Arrangements",
    "E47": "Child Arrangements",
    "E48": "Child Arrangements",
}


def _censor(values, win: Window):
    values = np.asarray(values, dtype="M8[D]")
    return np.where(values <= win.end, values, NAT)


def build(seed: int, win: Window, j: Journeys, plist: list[Period], care: CareTables):
    rng = stream(seed, "permanence")
    t = j.t
    written = care.periods
    journey = np.array([plist[k].journey for k in written["period"]], dtype=np.int64)
    adoption = ~np.isnat(t["adm"][journey]) & (t["adm"][journey] <= win.end)
    rows = written[adoption]
    jj = journey[adoption]
    decided = pd.DataFrame(
        {
            "perm_person_id": rows["child"].to_numpy(),
            "perm_cla_id": rows["cla_id"].to_numpy(),
            "perm_adm_decision_date": _censor(t["adm"][jj], win),
            "perm_placement_order_date": _censor(t["placement_order"][jj], win),
            "perm_matched_date": _censor(t["matched"][jj], win),
            "perm_placed_for_adoption_date": _censor(t["placed"][jj], win),
            "perm_permanence_order_date": _censor(t["adoption_order"][jj], win),
            "perm_permanence_order_type": np.where(np.isnat(t["reversed"][jj]), "Adoption", None),
            "perm_decision_reversed_date": _censor(t["reversed"][jj], win),
        }
    )

    # Orders that ended a period of care: the last episode's ceased reason says which.
    episodes = care.episodes
    last = episodes["clae_cla_episode_ceased_reason"].isin(ORDER_TYPE_BY_REASON)
    ended = episodes[last]
    orders = pd.DataFrame(
        {
            "perm_person_id": ended["clae_person_id"].to_numpy(),
            "perm_cla_id": ended["clae_cla_id"].to_numpy(),
            "perm_permanence_order_date": ended["clae_cla_episode_ceased_date"].to_numpy(),
            "perm_permanence_order_type": ended["clae_cla_episode_ceased_reason"]
            .map(ORDER_TYPE_BY_REASON)
            .to_numpy(),
        }
    )
    frame = pd.concat([decided, orders], ignore_index=True)
    first = frame["perm_adm_decision_date"].fillna(frame["perm_permanence_order_date"])
    frame = frame.iloc[np.argsort(first.to_numpy(), kind="stable")].reset_index(drop=True)
    frame.insert(0, "perm_table_id", ids.gapped(rng, "PM", len(frame), 1_402, 6, 0.05))
    return frame
