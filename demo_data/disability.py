"""Recorded disabilities (`ssd_disability`): one row per child and CIN census disability code.

A child's disability is recorded when children's social care has assessed them: most children
with a referral have a record (a code, or NONE for no disability), children only ever the subject
of a contact or known only to youth justice mostly have none (the breakdown's "unknown"). Children
on the disabled children's path always have at least one code. The shares give about one child
in seven of the children in need at a month end a disability, near the CIN census's 13%; codes
follow the census's mix (learning disability, autism, behaviour and communication most common),
with one to three codes per disabled child.

Drawn for every person from one stream, so a child's record does not depend on which other
children happen to be written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .draws import Draws, categorical
from .journeys import CIN_LONG, Journeys

# Recording outcome: (no record, NONE recorded, a disability recorded).
RECORDED_REFERRED = [0.12, 0.83, 0.05]
RECORDED_OTHER = [0.75, 0.22, 0.03]
CODES = ["LD", "AUT", "BEH", "COMM", "CON", "MOB", "DDA", "HAND", "PC", "INC", "HEAR", "VIS"]
CODE_SHARE = [0.22, 0.18, 0.15, 0.12, 0.07, 0.06, 0.05, 0.04, 0.04, 0.03, 0.02, 0.02]
CODES_PER_CHILD = [0.65, 0.25, 0.10]  # one, two or three codes


def build(j: Journeys, d: Draws, used: np.ndarray, person_id: np.ndarray) -> pd.DataFrame:
    """Rows for the written people (`used`, by People handle); `person_id` maps handle -> id.
    `d` holds one uniform per person (named draws)."""
    count = len(used)
    referred = np.zeros(count, dtype=bool)
    referred[j.child[j.emitted]] = True
    disabled_path = np.zeros(count, dtype=bool)
    disabled_path[j.child[j.emitted & (j.path == CIN_LONG)]] = True
    outcome = np.where(
        referred,
        categorical(d["recorded"], RECORDED_REFERRED),
        categorical(d["recorded"], RECORDED_OTHER),
    )
    outcome = np.where(disabled_path, 2, outcome)
    how_many = categorical(d["how_many"], CODES_PER_CHILD) + 1
    rows = []
    for k, name in enumerate(("code_1", "code_2", "code_3")):
        has = used & (outcome == 2) & (how_many > k)
        rows.append(
            pd.DataFrame(
                {"_handle": np.flatnonzero(has), "_code": categorical(d[name][has], CODE_SHARE)}
            )
        )
    none = np.flatnonzero(used & (outcome == 1))
    rows.append(pd.DataFrame({"_handle": none, "_code": np.full(len(none), -1)}))
    frame = pd.concat(rows, ignore_index=True).drop_duplicates()
    frame = frame.sort_values(["_handle", "_code"], kind="stable").reset_index(drop=True)
    labels = np.array(["NONE", *CODES], dtype=object)
    return pd.DataFrame(
        {
            "disa_person_id": person_id[frame["_handle"].to_numpy(dtype=np.int64)],
            "disa_disability_code": labels[frame["_code"].to_numpy(dtype=np.int64) + 1],
        }
    )
