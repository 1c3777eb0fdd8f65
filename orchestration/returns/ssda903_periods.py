"""Chaining SSDA903 episodes: into periods of care (an episode continues the period when the
episode before it ended with reason X1 on the day it starts and it does not itself start one,
RNE S), and within a period into placements (a new one at each placement change, RNE P, B, T or
U, or where the placement type changes) and legal status spells (a new one where the status
changes). Works on the validated records of one return or of several years together."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from orchestration.returns import ids

PLACEMENT_CHANGES = frozenset(("P", "B", "T", "U"))


@dataclass
class Period:
    child: str
    episodes: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return ids.period_of_care(self.child, self.start)

    @property
    def start(self) -> str:
        return self.episodes[0].values["DECOM"]

    @property
    def end(self) -> str | None:
        return self.episodes[-1].values["DEC"]

    def contains(self, day: str) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def periods_of_care(episodes: list) -> dict[str, list[Period]]:
    by_child: dict[str, list] = defaultdict(list)
    for record in episodes:
        by_child[record.values["CHILD"]].append(record)
    periods: dict[str, list[Period]] = {}
    for child, records in by_child.items():
        # Python's sort is stable: two episodes with one start keep the file's order.
        records.sort(key=lambda r: r.values["DECOM"])
        child_periods: list[Period] = []
        previous = None
        for record in records:
            if previous is None or _starts_period(previous.values, record.values):
                child_periods.append(Period(child))
            child_periods[-1].episodes.append(record)
            previous = record
        periods[child] = child_periods
    return periods


def _starts_period(previous: dict, episode: dict) -> bool:
    return (
        episode["RNE"] == "S"
        or previous["DEC"] is None
        or previous["DEC"] != episode["DECOM"]
        or previous["REC"] != "X1"
    )


def _runs(episodes: list, starts_new) -> list[list]:
    runs: list[list] = []
    for record in episodes:
        if not runs or starts_new(runs[-1][-1].values, record.values):
            runs.append([record])
        else:
            runs[-1].append(record)
    return runs


def placement_runs(period: Period) -> list[list]:
    return _runs(
        period.episodes,
        lambda prev, ep: ep["RNE"] in PLACEMENT_CHANGES or ep["PLACE"] != prev["PLACE"],
    )


def legal_status_runs(period: Period) -> list[list]:
    return _runs(period.episodes, lambda prev, ep: ep["LS"] != prev["LS"])


def period_at(periods: dict[str, list[Period]], child: str, day: str) -> Period | None:
    """The child's period that contains `day` (the later one if two do)."""
    containing = [p for p in periods.get(child, []) if p.contains(day)]
    return containing[-1] if containing else None


def latest_period_before(periods, child: str, day: str) -> Period | None:
    before = [p for p in periods.get(child, []) if p.start <= day]
    return before[-1] if before else None
