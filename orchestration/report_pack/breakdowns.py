"""The breakdown tables of the pack, shaped once for the HTML and the workbook: a KPI page's table
by team, and the characteristics page (every KPI with child characteristics by age band, sex,
ethnic group and disability). The figures and their suppression (primary and secondary) come as
they are from reporting.rpt_kpi_breakdowns; a suppressed row has null figures and prints `x`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from orchestration.registry import load_registry
from orchestration.report_pack.formatting import DIMENSION_LABELS, member_label
from orchestration.report_pack.tables import records

TEAM = "team"
# The characteristics page's dimensions, in print order (the others of rpt_kpi_breakdowns).
CHARACTERISTICS = ("age_band", "sex", "ethnicity_group", "disability")
RATES_HEADING = (
    "Rates: by age band per 10,000 children of the band (per 100,000 where the indicator says "
    "so); by sex, ethnic group and disability, for which there is no population, the number of "
    "children"
)


@dataclass(frozen=True)
class Cell:
    value: float | None
    unit: str | None
    suppressed: bool

    @property
    def missing(self) -> bool:
        return not self.suppressed and (self.value is None or pd.isna(self.value))


@dataclass(frozen=True)
class Column:
    dimension: str
    member: str

    @property
    def label(self) -> str:
        return member_label(self.member)


@dataclass
class CharacteristicsRow:
    kpi_id: str
    label: str | None  # the KPI's page label (KPI 1), if it has a page of its own
    title: str
    cells: dict[Column, Cell]


@dataclass
class CharacteristicsGroup:
    heading: str
    rows: list[CharacteristicsRow]


@dataclass
class Characteristics:
    dimensions: list[tuple[str, str, list[Column]]]  # (dimension, label, its members)
    groups: list[CharacteristicsGroup]

    @property
    def columns(self) -> list[Column]:
        return [column for _, _, members in self.dimensions for column in members]

    @property
    def empty(self) -> bool:
        return not any(group.rows for group in self.groups)


def team_rows(team_table: pd.DataFrame | None) -> list[dict]:
    """The rows of a KPI page's table by team, in member_order (teams by name, then unallocated
    and unknown)."""
    if team_table is None or team_table.empty:
        return []
    return records(team_table.sort_values(["member_order", "member"]))


def _is_rate(unit: str | None) -> bool:
    return bool(unit) and unit.startswith("rate_")


def _cell(row: dict) -> Cell:
    """A member's figure: its value; where the breakdown has no value but a count (a rate by
    sex, ethnic group or disability: there is no population to divide by), the count."""
    if row["value_suppressed"]:
        return Cell(None, row["unit"], True)
    if row["value"] is None and row["denominator"] is None and row["numerator"] is not None:
        return Cell(row["numerator"], "count", False)
    return Cell(row["value"], row["unit"], False)


def characteristics(breakdowns: pd.DataFrame) -> Characteristics:
    """The characteristics page of the month: one row per KPI with child characteristics (in
    report order), one column per member of each dimension present in the month. The headline
    rates (units rate_*) come as a group of their own: by age band a rate per 10,000 children
    of the band, by the other characteristics the number of children."""
    frame = breakdowns[breakdowns["dimension"].isin(CHARACTERISTICS)]
    dimensions = []
    for dimension in CHARACTERISTICS:
        members = (
            frame[frame["dimension"] == dimension][["member_order", "member"]]
            .drop_duplicates()
            .sort_values(["member_order", "member"])
        )
        if len(members):
            columns = [Column(dimension, m) for m in members["member"]]
            dimensions.append((dimension, DIMENSION_LABELS.get(dimension, dimension), columns))
    labels = {k.kpi_id: k.row.get("page_label") or None for k in load_registry()}
    measures = CharacteristicsGroup("Indicators", [])
    rates = CharacteristicsGroup(RATES_HEADING, [])
    order: dict[str, int] = {}
    for kpi_id, rows in frame.sort_values(["report_order", "kpi_id"]).groupby("kpi_id", sort=False):
        first = rows.iloc[0]
        order[kpi_id] = int(first["report_order"])
        row = CharacteristicsRow(
            kpi_id=kpi_id,
            label=labels.get(kpi_id),
            title=first["title"],
            cells={Column(r["dimension"], r["member"]): _cell(r) for r in records(rows)},
        )
        (rates if _is_rate(first["unit"]) else measures).rows.append(row)
    # In pack order: a group where its first KPI's page comes.
    groups = sorted((g for g in (rates, measures) if g.rows), key=lambda g: order[g.rows[0].kpi_id])
    return Characteristics(dimensions=dimensions, groups=groups)
