"""Section 47 enquiries, initial child protection conferences and child protection plans.

Links follow the journeys: an enquiry belongs to its referral, a conference to its enquiry (or,
for a transfer-in conference, only to the referral), and a plan starts on the day of the
conference that decided it (`icpc_cp_plan_id`). A few plans are other local authorities' plans
for children living here (`cppl_cp_plan_ola` = Y): their conference was held elsewhere, so no
conference here points to them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids
from .calendar import DAY, NAT, Window
from .draws import Draws, categorical
from .journeys import CP, CP_TRANSFER_IN, S47_CLOSE, Journeys
from .people import People
from .streams import stream

CATEGORIES = ["NEG", "EMO", "PHY", "SAB", "MUL"]
CATEGORY_SHARE = [0.48, 0.37, 0.07, 0.04, 0.04]
OTHER_LA_PLANS_PER_YEAR = 14


def _censor(values: np.ndarray, win: Window) -> np.ndarray:
    return np.where(values <= win.end, values, NAT)


def build(seed: int, win: Window, j: Journeys, refs: pd.DataFrame, people: People):
    rng = stream(seed, "child-protection")
    e = refs["_journey"].to_numpy()
    referral_id = refs["cine_referral_id"].to_numpy()
    t = {k: v[e] for k, v in j.t.items()}
    d = j.draws.subset(e)
    path = j.path[e]
    child = j.child[e]

    # Enquiries.
    has = np.flatnonzero(t["s47_start"] <= win.end)
    has = has[np.argsort(t["s47_start"][has], kind="stable")]
    s47_id = np.full(len(e), None, dtype=object)
    s47_id[has] = ids.gapped(rng, "S47-", len(has), 3_310, 6, 0.03)
    nfa = np.where((path == S47_CLOSE) & (d["s47_nfa"] < 0.85), "Y", "N")
    s47 = pd.DataFrame(
        {
            "s47e_s47_enquiry_id": s47_id[has],
            "s47e_person_id": child[has],
            "s47e_referral_id": referral_id[has],
            "s47e_s47_start_date": t["s47_start"][has],
            "s47e_s47_end_date": _censor(t["s47_end"][has], win),
            "s47e_s47_nfa": np.where(t["s47_end"][has] <= win.end, nfa[has], None),
        }
    )

    # Plans (ours, from a conference) and a few other-LA plans.
    planned = np.flatnonzero(t["plan_start"] <= win.end)
    planned = planned[np.argsort(t["plan_start"][planned], kind="stable")]
    initial = categorical(d["category"], CATEGORY_SHARE)
    changed = d["category_change"] < 0.12
    latest = np.where(changed, (initial + 1 + (d["category_to"] * 4).astype(int)) % 5, initial)
    ours = pd.DataFrame(
        {
            "cppl_person_id": child[planned],
            "cppl_cp_plan_start_date": t["plan_start"][planned],
            "cppl_cp_plan_end_date": _censor(t["plan_end"][planned], win),
            "cppl_cp_plan_initial_category": np.array(CATEGORIES)[initial[planned]],
            "cppl_cp_plan_latest_category": np.array(CATEGORIES)[latest[planned]],
            "cppl_cp_plan_ola": "N",
            "_journey": planned,
        }
    )
    plans = pd.concat([ours, _other_la_plans(seed, win, j.scale, people)], ignore_index=True)
    plans = plans.sort_values("cppl_cp_plan_start_date", kind="stable").reset_index(drop=True)
    plans.insert(0, "cppl_cp_plan_id", ids.gapped(rng, "CP", len(plans), 20_115, 6, 0.02))
    plan_id = np.full(len(e), None, dtype=object)
    ours_rows = plans["_journey"].notna().to_numpy()
    plan_id[plans.loc[ours_rows, "_journey"].astype(np.int64).to_numpy()] = plans.loc[
        ours_rows, "cppl_cp_plan_id"
    ].to_numpy()
    plans = plans.drop(columns="_journey")

    # Conferences.
    held = np.flatnonzero(t["icpc"] <= win.end)
    held = held[np.argsort(t["icpc"][held], kind="stable")]
    transfer = path[held] == CP_TRANSFER_IN
    outcome = np.isin(path[held], (CP, CP_TRANSFER_IN))
    icpc = pd.DataFrame(
        {
            "icpc_icpc_id": ids.gapped(rng, "IC", len(held), 8_870, 6, 0.02),
            "icpc_person_id": child[held],
            "icpc_s47_enquiry_id": np.where(transfer, None, s47_id[held]),
            "icpc_referral_id": referral_id[held],
            "icpc_icpc_transfer_in": np.where(transfer, "Y", "N"),
            "icpc_icpc_date": t["icpc"][held],
            "icpc_icpc_outcome_cp_flag": np.where(outcome, "Y", "N"),
            "icpc_cp_plan_id": np.where(outcome, plan_id[held], None),
        }
    )
    return s47, icpc, plans


def _other_la_plans(seed: int, win: Window, scale: float, people: People) -> pd.DataFrame:
    rng = stream(seed, "other-la-plans")
    span_days = int((win.end - win.history_start) / DAY)
    n = rng.poisson(OTHER_LA_PLANS_PER_YEAR * scale * span_days / 365.25)
    start = win.history_start + np.sort(rng.integers(0, span_days, n)).astype("m8[D]")
    age = rng.random(n) * 15 * 365.25
    handles = people.add(start - age.astype(np.int64).astype("m8[D]"))
    end = start + (30 + rng.exponential(250, n)).astype(np.int64).astype("m8[D]")
    d = Draws(seed, n, "other-la-plans")
    category = np.array(CATEGORIES)[categorical(d["category"], CATEGORY_SHARE)]
    return pd.DataFrame(
        {
            "cppl_person_id": handles,
            "cppl_cp_plan_start_date": start,
            "cppl_cp_plan_end_date": _censor(end, win),
            "cppl_cp_plan_initial_category": category,
            "cppl_cp_plan_latest_category": category,
            "cppl_cp_plan_ola": "Y",
            "_journey": np.full(n, np.nan),
        }
    )
