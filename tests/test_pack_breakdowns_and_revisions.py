"""The pack's tables by team, its characteristics page and its revisions (issue 13), on the hand
fixture published twice.

The first publication is the session's hand fixture build (tests/conftest.py): its pack for March
2018 is the one first published. The second is a new build, from scratch, of a copy of the
fixture to which 17 referrals of March 2018 have been added - recorded late, after the first
publication - with the first build's revision history carried over, as the service keeps it
(CSC_HISTORY_DB, apart from the warehouse). Every expected figure is worked out by hand below.

KPI 1 (referrals decided within 24 hours), March 2018, as first published (see
test_end_to_end_hand_fixture.py): 17 (Team B, 1 h), 19 (Team C, 48 h), 99 and 100 (Team C, 1 h):
3 of 4. By team: Team B 1 of 1, Team C 2 of 3 - both denominators below 5, both suppressed (two
suppressed cells: neither can be worked out from the total, no secondary suppression).

The late referrals (LATE_REFERRALS), every one NFA and closed on its day like 99 and 100, so no
child-in-need count or plan changes, and every child new, so none is a re-referral:
    Team A: 6, of which 5 decided within an hour and 1 after 30 hours     -> 5 of 6
    Team B: 4, of which 3 within an hour and 1 after 48 hours; with 17    -> 4 of 5
    Team D: 7, all within an hour                                         -> 7 of 7
    Team C: none added                                                    -> 2 of 3
    KPI 1, March: 5 + 4 + 2 + 7 = 18 of 6 + 5 + 3 + 7 = 21 = 85.7%.
Team C's 3 is below 5 (primary suppression). It is the only one, so 3 = 21 - 6 - 5 - 7 could be
worked out from the total: the next smallest denominator, Team B's 5, is suppressed too
(secondary). Team A (5 of 6 = 83%, amber: under the 85% target, within the 75% tolerance) and
Team D (7 of 7 = 100%, green) are shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import openpyxl
import pandas as pd
import pytest

from orchestration.report_pack.config import find_chromium
from tests.conftest import FIXTURES, HAND_FIXTURE_COVERAGE, failures, run_build
from tests.test_report_pack import parse_pack_html, published_text, tokens

MONTH = "2018-03"
# (referral id, person, sex, team, hours to the decision); the referral on 5-25 March 09:00.
LATE_REFERRALS = [
    ("LATE201", "P40", "F", "Team A", 1),
    ("LATE202", "P44", "M", "Team A", 1),
    ("LATE203", "P45", "M", "Team A", 1),
    ("LATE204", "P46", "M", "Team A", 1),
    ("LATE205", "P47", "M", "Team A", 1),
    ("LATE206", "P48", "M", "Team A", 30),
    ("LATE207", "P41", "F", "Team B", 1),
    ("LATE208", "P49", "M", "Team B", 1),
    ("LATE209", "P50", "M", "Team B", 1),
    ("LATE210", "P51", "M", "Team B", 48),
    ("LATE211", "P42", "F", "Team D", 1),
    ("LATE212", "P43", "F", "Team D", 1),
    ("LATE213", "P52", "M", "Team D", 1),
    ("LATE214", "P53", "M", "Team D", 1),
    ("LATE215", "P54", "M", "Team D", 1),
    ("LATE216", "P55", "M", "Team D", 1),
    ("LATE217", "P56", "M", "Team D", 1),
]
# Every late child was born on 1 May 2010: 7 in March 2018, age band 5-9; White British.
LATE_BIRTH = "2010-05-01"


def _append(path: Path, rows: list[list[str]]) -> None:
    text = path.read_text(encoding="utf-8")
    with path.open("a", newline="", encoding="utf-8") as handle:
        if not text.endswith("\n"):
            handle.write("\n")
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _late_extracts(source: Path) -> None:
    shutil.copytree(FIXTURES / "hand_small", source)
    referrals, people = [], []
    for day, (referral, person, sex, team, hours) in enumerate(LATE_REFERRALS, start=5):
        received = dt.datetime(2018, 3, min(day, 25), 9, 0)
        decided = received + dt.timedelta(hours=hours)
        referrals.append([
            referral, person, f"{received:%Y-%m-%d %H:%M}", f"{decided:%Y-%m-%d %H:%M}", "1A",
            "Y", "N9", f"{decided:%Y-%m-%d}", "RC8", team,
        ])  # fmt: skip
        people.append([person, sex, "WBRI", LATE_BIRTH, "", ""])
    _append(source / "ssd_cin_episodes.csv", referrals)
    _append(source / "ssd_person.csv", people)


@pytest.fixture(scope="module")
def packs(hand_fixture_build, tmp_path_factory) -> SimpleNamespace:
    first_work = hand_fixture_build[1].parent
    work = tmp_path_factory.mktemp("hand_late")
    # The history the first publication wrote (beside its analyst database), carried over.
    shutil.copy(first_work / "history.duckdb", work / "history.duckdb")
    _late_extracts(work / "src")
    result, _ = run_build(work / "src", work, **HAND_FIXTURE_COVERAGE)
    assert result.success, failures(result)
    return SimpleNamespace(
        first=first_work / "exports" / MONTH,
        late=work / "exports" / MONTH,
        first_analyst=first_work / "analyst.duckdb",
        late_analyst=work / "analyst.duckdb",
        late_warehouse=work / "warehouse.duckdb",
        source=work / "src",
    )


def _finished_at(analyst: Path) -> dt.datetime:
    con = duckdb.connect(str(analyst), read_only=True)
    try:
        return con.execute("select finished_at from meta.build_info").fetchone()[0]
    finally:
        con.close()


def _when(moment: dt.datetime) -> str:
    return f"{moment:%-d %b %Y %H:%M}"


def _sections(folder: Path) -> dict[str, dict]:
    return parse_pack_html((folder / "kpi_pack.html").read_text(encoding="utf-8"))


def _rows_starting(section: dict, firsts: set[str]) -> dict[str, list[str]]:
    return {row[0]: row for row in section["rows"] if row and row[0] in firsts}


TEAMS = {"Team A", "Team B", "Team C", "Team D"}


# --- the table by team --------------------------------------------------------------------------


def test_team_table_shows_primary_and_secondary_suppression_as_x(packs):
    # Hand-worked in the module docstring: C primary, B secondary, A and D shown.
    expected = {
        "Team A": ["Team A", "83%", "5", "6", "Amber"],
        "Team B": ["Team B", "x", "x", "x", "x"],
        "Team C": ["Team C", "x", "x", "x", "x"],
        "Team D": ["Team D", "100%", "7", "7", "Green"],
    }
    html = (packs.late / "kpi_pack.html").read_text(encoding="utf-8")
    assert _rows_starting(_sections(packs.late)["kpi_01"], TEAMS) == expected
    # The teams in member order (by name), and which suppression each x is.
    block = html[html.index('data-teams-for="kpi_01"') :]
    block = block[: block.index("</div>")]
    places = [block.index(f"<td>{team}</td>") for team in sorted(TEAMS)]
    assert places == sorted(places)
    assert 'data-suppression="primary"><td>Team C</td>' in block
    assert 'data-suppression="secondary"><td>Team B</td>' in block

    sheet = openpyxl.load_workbook(packs.late / "kpi_pack.xlsx")["KPI 1"]
    rows = {r[0]: list(r[:5]) for r in sheet.iter_rows(values_only=True) if r[0] in TEAMS}
    assert rows["Team A"][:4] == ["Team A", pytest.approx(500 / 6), 5, 6]
    assert rows["Team A"][4] == "Amber"
    assert rows["Team B"] == ["Team B", "x", "x", "x", "x"]
    assert rows["Team C"] == ["Team C", "x", "x", "x", "x"]
    assert rows["Team D"] == ["Team D", 100, 7, 7, "Green"]

    # tables/rpt_kpi_breakdowns: every suppressed figure reads x, the kind of suppression kept.
    table = pd.read_csv(packs.late / "tables" / "rpt_kpi_breakdowns.csv", dtype=str)
    teams = table[(table["kpi_id"] == "kpi_01") & (table["dimension"] == "team")]
    shown = {
        r["member"]: (r["numerator"], r["denominator"], r["value"], r["suppression"])
        for _, r in teams.iterrows()
    }
    assert shown["Team B"] == ("x", "x", "x", "secondary")
    assert shown["Team C"] == ("x", "x", "x", "primary")
    assert shown["Team D"][:3] == ("7.0", "7.0", "100.0")
    # What a reader can work out: the total (21) less the teams shown (6 + 7) leaves 8 for B
    # and C together - 5 + 3, 4 + 4, 1 + 7 ... - so neither x can be recovered.
    assert shown["Team A"][:2] == ("5.0", "6.0")
    assert float(shown["Team A"][2]) == pytest.approx(500 / 6)
    assert sorted(m for m, r in shown.items() if r[3] in ("primary", "secondary")) == [
        "Team B",
        "Team C",
    ]


def _lone_suppressed_cells(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The month's breakdown tables (KPI, window, dimension) of a pack's
    tables/rpt_kpi_breakdowns: how many members each has and how many are suppressed; and
    those of them with exactly one suppressed cell beside cells that are shown."""
    table = pd.read_csv(folder / "tables" / "rpt_kpi_breakdowns.csv", dtype=str)
    # A suppressed row reads x in every figure and names its suppression.
    suppressed = table["suppression"].notna()
    assert (table.loc[suppressed, ["numerator", "denominator", "value"]] == "x").all().all()
    per_table = (
        table.assign(suppressed=suppressed)
        .groupby(["kpi_id", "period_type", "dimension"])["suppressed"]
        .agg(members="size", suppressed="sum")
    )
    lone = per_table[(per_table["suppressed"] == 1) & (per_table["members"] > 1)]
    return per_table, lone


def test_no_breakdown_table_has_a_lone_suppressed_cell(packs):
    # Secondary suppression's promise, over every breakdown table of both publications: a
    # table with exactly one suppressed cell and others shown would give it away as the total
    # less the shown cells. (A table of one member is the total itself: suppressed, as the
    # total is, when its denominator is under 5, and nothing is left to work it out from.)
    for folder in (packs.first, packs.late):
        per_table, lone = _lone_suppressed_cells(folder)
        assert lone.empty, lone
        # The check can fail: the fixture's tables do suppress, one cell where it would show
        # (KPI 1 by team in March, above).
        assert per_table.loc[("kpi_01", "month", "team")].tolist() == (
            [2, 2] if folder == packs.first else [4, 2]
        )


# --- revisions ----------------------------------------------------------------------------------


def test_revised_figures_of_the_month_are_marked(packs):
    sections = _sections(packs.late)
    # Scorecard: KPI 1 now 18/21 = 86% (first published x: 3/4), KPI 2 now 2/21 = 10% (first
    # 2/4, x). No other KPI reads referrals that changed (every late referral is NFA and closed
    # the same day, so no child-in-need figure moves).
    marked = {
        row[0]: row for row in sections["summary"]["rows"] if any(c.endswith(" r") for c in row)
    }
    assert set(marked) == {"KPI 1", "KPI 2"}
    assert "86% r" in marked["KPI 1"] and "10% r" in marked["KPI 2"]
    # KPI 1's page: the headline, and its table's month column: 18 within 24 hours, 21 in all.
    kpi_01 = sections["kpi_01"]
    text = " ".join(" ".join(kpi_01["text"]).split())
    assert "Mar-18: 86% r" in text
    rows = {row[0]: row[-1] for row in kpi_01["rows"] if row}
    assert rows["Referrals with a decision within 24 hours"] == "18 r"
    assert rows["Total referrals authorised"] == "21 r"
    assert rows["% of all referrals with a decision within 24 hours"] == "86% r"
    # The footnote says what r means and what was first published.
    assert re.search(r"\br ?: revised", text)
    assert (
        "% of all referrals with a decision within 24 hours (month): first published as x" in text
    )
    # Headline rates: referrals over the rolling 12 months, 8 then 25, per 10,000 of 288,082:
    # 0.28 then 0.87, printed 1.
    referrals = next(r for r in sections["headline_rates"]["rows"] if r and r[0] == "Referrals")
    assert referrals[2] == "1 r"
    # The workbook keeps the figure a number; its format prints the marker.
    summary = openpyxl.load_workbook(packs.late / "kpi_pack.xlsx")["Summary"]
    headings = [c.value for c in summary[3]]
    row = next(r for r in summary.iter_rows(min_row=4) if r[0].value == "KPI 1")
    cell = row[headings.index("Mar-18")]
    assert cell.value == pytest.approx(1800 / 21)
    assert cell.number_format.endswith(' "r"')


def test_revisions_page_lists_each_change_with_its_first_and_current_value(packs):
    first_on = _when(_finished_at(packs.first_analyst))
    changed = _when(_finished_at(packs.late_analyst))
    # Every figure of March that moved, in pack order (the headline rates first), worked out by
    # hand; a value on a denominator below 5 is x, and so is a difference it would give away.
    #   rate_referrals, rolling 12 months: 8 -> 25 referrals per 10,000 of 288,082: 0 -> 1, +1
    #   KPI 1, month: 3/4 (x) -> 18/21 = 86%
    #   KPI 1, rolling 12 months: 5/7 = 71% -> (5 + 15)/(7 + 17) = 20/24 = 83%, +11.9 points
    #   KPI 2, month: 2/4 (x) -> 2/21 = 10%
    #   KPI 2, rolling 12 months: 3/8 = 38% -> 3/25 = 12%, -25.5 points
    kpi_01 = "% of all referrals with a decision within 24 hours"
    kpi_02 = "% of re-referrals to children's social care within 12 months"
    expected = [
        ["Referrals", "Rolling 12 months", "Mar-18", "0", first_on, "1", "+1", changed],
        [kpi_01, "Month", "Mar-18", "x", first_on, "86%", "x", changed],
        [kpi_01, "Rolling 12 months", "Mar-18", "71%", first_on, "83%", "+11.9 points", changed],
        [kpi_02, "Month", "Mar-18", "x", first_on, "10%", "x", changed],
        [kpi_02, "Rolling 12 months", "Mar-18", "38%", first_on, "12%", "-25.5 points", changed],
    ]
    page = _sections(packs.late)["revisions"]
    assert page["rows"][0][:3] == ["Indicator", "Window", "Month"]
    assert page["rows"][1:] == expected
    sheet = openpyxl.load_workbook(packs.late / "kpi_pack.xlsx")["Revisions"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[1] in ("Month", "Rolling 12 months")]
    assert [(r[0], r[1], r[2]) for r in rows] == [tuple(e[:3]) for e in expected]
    assert rows[2][3:7] == (
        pytest.approx(500 / 7),
        first_on,
        pytest.approx(2000 / 24),
        pytest.approx(2000 / 24 - 500 / 7),
    )
    assert rows[1][3] == "x" and rows[1][6] == "x"
    # tables/kpi_revisions: the same revisions, suppressed values null with their flags.
    table = pd.read_parquet(packs.late / "tables" / "kpi_revisions.parquet")
    kpi_01_month = table[(table["kpi_id"] == "kpi_01") & (table["period_type"] == "month")]
    assert kpi_01_month["first_suppressed"].tolist() == [True]
    assert kpi_01_month["first_value"].isna().all()
    assert kpi_01_month["value"].tolist() == [pytest.approx(1800 / 21)]


def test_revisions_from_another_build_are_not_shown(packs):
    # The first build's analyst database beside the second build's warehouse: its history does
    # not describe these figures, so the pack marks nothing and says why.
    from orchestration.report_pack.revisions import read_revisions

    con = duckdb.connect(str(packs.late_warehouse), read_only=True)
    try:
        other = read_revisions(con, packs.first_analyst, dt.date(2018, 3, 31), 1.0)
        same = read_revisions(con, packs.late_analyst, dt.date(2018, 3, 31), 1.0)
    finally:
        con.close()
    assert not other.available and "another build" in other.reason
    assert not other.revised("kpi_01", "month")
    assert same.available and same.revised("kpi_01", "month")
    assert same.revised("kpi_01", "month", "numerator")


# --- the characteristics page -------------------------------------------------------------------


def test_characteristics_page_shows_kpis_by_the_childrens_characteristics(packs):
    for folder in (packs.first, packs.late):
        sections = _sections(folder)
        assert (
            "characteristics" in sections and "landscape" in sections["characteristics"]["classes"]
        )
    page = _sections(packs.late)["characteristics"]
    header = page["rows"][1]  # the members under the characteristics
    kpi_01 = next(r for r in page["rows"] if r[0] == "KPI 1")
    cells = dict(zip(header, kpi_01[2:], strict=True))
    # KPI 1, March, by sex: girls P5 (17), P7 (99, 100) and the 4 late girls, all within 24 h:
    # 7 of 7; boys P6 (19, 48 h) and 13 late boys, 11 within: 11 of 14 = 79%.
    assert cells["Female"] == "100%" and cells["Male"] == "79%"
    # By age band on the referral date: P7 (born Dec 2013) 4, in 1-4: 2 of 2, suppressed; the
    # only one, so 5-9 (P5, P6 and the late children, 16 of 19) is suppressed too.
    assert cells["1-4"] == "x" and cells["5-9"] == "x"
    # By ethnic group: White - P6 (WIRI; 19, 48 h) and the 17 late children (WBRI), 15 of
    # them within - 15 of 18 = 83%; Mixed - P5 (MWBC; 17) 1 of 1; Other ethnic groups - P7
    # (OOTH; 99, 100) 2 of 2. Mixed and Other are both under 5: two suppressed cells, so White
    # is shown (no secondary suppression needed).
    assert cells["White"] == "83%"
    assert cells["Mixed"] == "x" and cells["Other ethnic groups"] == "x"
    # No disability extract: every child's disability is unknown: 18 of 21.
    assert cells["Unknown"] == "86%"
    sheet = openpyxl.load_workbook(packs.late / "kpi_pack.xlsx")["Characteristics"]
    assert any(row[0] == "KPI 1" for row in sheet.iter_rows(values_only=True))
    if find_chromium():
        from pypdf import PdfReader

        pdf = PdfReader(str(packs.late / "kpi_pack.pdf"))
        # The one page printed A4 landscape is the characteristics page, whole on its sheet.
        landscape = [p for p in pdf.pages if float(p.mediabox[2]) > float(p.mediabox[3])]
        assert len(landscape) == 1
        assert "Figures by the characteristics of the children" in landscape[0].extract_text()


# --- privacy ------------------------------------------------------------------------------------


def test_the_late_pack_holds_no_identifier_of_the_late_records(packs):
    ids = {referral for referral, *_ in LATE_REFERRALS} | {p for _, p, *_ in LATE_REFERRALS}
    assert "LATE201" in tokens("a row LATE201, 12.5%")  # the check can fail
    for path in (p for p in packs.late.rglob("*") if p.is_file()):
        found = tokens(published_text(path)) & ids
        assert not found, f"{path.name} holds {sorted(found)}"
