"""The authority's teams and localities, and which team holds a case at each stage.

Twelve teams. The front door (MASH in office hours, the Emergency Duty Team out of hours)
receives referrals and holds no cases. Each of three localities has an assessment team, a
safeguarding team (children in need and child protection) and a children in care team; the
Disabled Children team works across the authority. A child lives in one locality: their
assessments and allocations are with that locality's teams, and their allocated worker is a
member of the team the case is with (the workforce's posts are shared between the case-holding
teams in proportion to the cases each holds).

Timeliness differs by locality, as it does between real teams: South's assessments and
Central's conferences are slower, and North's children in care team holds more reviews late.
The differences are set so the authority-wide figures stay where they were with one team.
"""

from __future__ import annotations

import numpy as np

LOCALITIES = ("North", "Central", "South")
LOCALITY_SHARE = (0.35, 0.35, 0.30)

MASH = "MASH"
EMERGENCY_DUTY = "Emergency Duty Team"
DISABLED_CHILDREN = "Disabled Children"

# Case stages (a case moves from assessment to safeguarding, to care and back).
ASSESSMENT, SAFEGUARDING, IN_CARE, DISABLED = 0, 1, 2, 3
_STAGE_NAMES = ("Assessment", "Safeguarding", "Children in Care")
# Case-holding teams: the locality teams stage by stage, then Disabled Children.
CASE_TEAMS = tuple(f"{stage} {place}" for stage in _STAGE_NAMES for place in LOCALITIES) + (
    DISABLED_CHILDREN,
)
# Share of the open cases each stage holds at a month end (the demo's, measured: assessment
# ~19%, safeguarding ~49%, in care ~23%, disabled children ~9%); the workforce's posts of every
# role are shared out in these proportions, so caseloads are alike from team to team.
STAGE_SHARE = (0.19, 0.49, 0.23, 0.09)

# Timeliness by locality (North, Central, South), averaging the authority-wide rates.
P_ASSESSMENT_45WD = (0.93, 0.925, 0.835)  # ~0.90 overall
P_ICPC_15WD = (0.90, 0.80, 0.88)  # ~0.86 overall
P_REVIEW_LATE = (0.062, 0.014, 0.014)  # ~0.03 overall


def team_index(stage, locality) -> np.ndarray:
    """Index into CASE_TEAMS of the team holding a case at `stage` for a child in `locality`."""
    stage = np.asarray(stage)
    return np.where(stage == DISABLED, len(CASE_TEAMS) - 1, stage * len(LOCALITIES) + locality)


def team_shares() -> np.ndarray:
    """Each case-holding team's share of the posts (sums to 1)."""
    shares = [s * p for s in STAGE_SHARE[:DISABLED] for p in LOCALITY_SHARE]
    return np.array(shares + [STAGE_SHARE[DISABLED]])


def front_door(ref_dt: np.ndarray) -> np.ndarray:
    """True for a referral received in office hours (MASH), False out of hours (the Emergency
    Duty Team): 08:30-17:30 Monday to Friday."""
    ref_dt = np.asarray(ref_dt, dtype="M8[s]")
    day = ref_dt.astype("M8[D]")
    hour = (ref_dt - day).astype(np.int64) / 3600
    weekday = ((day.astype(np.int64) + 3) % 7) < 5  # 1970-01-01 was a Thursday
    return weekday & (hour >= 8.5) & (hour < 17.5)
