"""DfE "Characteristics of children in need: 2017 to 2018" main tables parsed into benchmark
figures: values checked against figures read by hand from the workbook, layout drift that must fail
loudly."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from orchestration.benchmarks import (
    BENCHMARK_COLUMNS,
    WorkbookLayoutError,
    parse_benchmarks_folder,
    parse_cin_workbook,
)

WORKBOOK = (
    Path(__file__).parents[1]
    / "reference"
    / "dfe"
    / "characteristics-of-children-in-need-2017-18-main-tables.xlsx"
)
BIRMINGHAM = "330"


@pytest.fixture(scope="module")
def benchmarks() -> pd.DataFrame:
    return parse_cin_workbook(WORKBOOK)


def value(frame: pd.DataFrame, measure: str, la_code: str | None = None, area: str = "") -> float:
    """The one value for an LA (by code) or for England / a region (by name)."""
    rows = frame[frame["measure"] == measure]
    rows = rows[rows["la_code"] == la_code] if la_code else rows[rows["area_name"] == area]
    assert len(rows) == 1, (measure, la_code, area, len(rows))
    return rows["value"].iloc[0]


# --- figures read by hand from the workbook (sheet, row label, column heading) -----------------

# fmt: off
PUBLISHED = [
    # C1, row 'Birmingham', 'Referrals / Number of referrals in the year'
    ("referrals", BIRMINGHAM, "", 17418),
    # C1, row 'Birmingham', 'Referrals / Rate per 10,000 of children aged under 18 years'
    ("referrals_rate_per_10000", BIRMINGHAM, "", 604.6),
    # C1, row 'England1', 'Referrals which: / Were within 12 months of a previous referral /
    # Percentage'; A1 'Percentage within 12 months of a previous referral', 2017-18, agrees
    ("re_referrals_pct", None, "England", 21.9),
    # C1, row 'West Midlands1', same columns
    ("referrals", None, "West Midlands", 83290),
    ("re_referrals_pct", None, "West Midlands", 24.8),
    # C2, row 'Birmingham', 'Assessments completed / Number' and '/ Rate per 10,000 ...'
    ("assessments", BIRMINGHAM, "", 14767),
    ("assessments_rate_per_10000", BIRMINGHAM, "", 512.6),
    # C2, row 'England4', 'Assessments completed / Number'; A1 'Number of continuous
    # assessments completed', 2017-18, agrees
    ("assessments", None, "England", 631090),
    # C4, row 'Birmingham', 'Section 47 enquiries within the year / Number of section 47s' and
    # the 'Rate per 10,000 ...' next to it
    ("s47", BIRMINGHAM, "", 4575),
    ("s47_rate_per_10000", BIRMINGHAM, "", 158.8),
    # C4, row 'Birmingham', same group / 'Number of children' and the rate next to it
    ("s47_children", BIRMINGHAM, "", 4191),
    ("s47_children_rate_per_10000", BIRMINGHAM, "", 145.5),
    # C4, row 'England5', 'Number of section 47s' and rate; A2 'Number of Section 47
    # enquiries which started during the year ending 31 March', 2017-18, agrees
    ("s47", None, "England", 198090),
    ("s47_rate_per_10000", None, "England", 166.9),
    # C4, row 'Birmingham', 'Initial stage child protection conference which took place in the
    # year / Number of initial stage child protection conferences' and the rate next to it
    ("icpc", BIRMINGHAM, "", 1832),
    ("icpc_rate_per_10000", BIRMINGHAM, "", 63.6),
    # B1, row 'Birmingham', 'Children in need episodes at 31 March' and 'Rate of children in
    # need at 31 March 2018 per 10,000 children'
    ("cin_at_31_march", BIRMINGHAM, "", 9000),
    ("cin_rate_per_10000", BIRMINGHAM, "", 312.4),
    # B1, row 'England3', same columns; A1 rows for 2017-18 agree
    ("cin_at_31_march", None, "England", 404710),
    ("cin_rate_per_10000", None, "England", 341.0),
    # B4, row 'Birmingham', 'Duration of open case / 2 years and over / Number', 'Percentage'
    ("cin_open_2_years_plus", BIRMINGHAM, "", 3060),
    ("cin_open_2_years_plus_pct", BIRMINGHAM, "", 34.0),
    # D1, row 'Birmingham', 'Children who were the subject of a child protection plan at
    # 31 March 2018' and 'Rate of children ... at 31 March 2018 per 10,000 children'
    ("cp_plans_at_31_march", BIRMINGHAM, "", 1193),
    ("cp_rate_per_10000", BIRMINGHAM, "", 41.4),
    # D1, row 'England1', same columns; A2 'Number of children who were the subject of a child
    # protection plan at 31 March', 2017-18, agrees
    ("cp_plans_at_31_march", None, "England", 53790),
    ("cp_rate_per_10000", None, "England", 45.3),
    # D3, row 'Birmingham', 'Percentage of child protection plans which were a second or
    # subsequent plan' (and the count before it)
    ("cp_second_or_subsequent_pct", BIRMINGHAM, "", 24.0),
    ("cp_second_or_subsequent", BIRMINGHAM, "", 404),
    # D3, row 'England1'; A2 'Percentage who became the subject of a child protection plan for
    # the second or subsequent time', 2017-18, agrees
    ("cp_second_or_subsequent_pct", None, "England", 20.2),
    # D7, row 'Birmingham', '3 months or less / Number' and '/ Percentage'
    ("cp_plans_ending_within_3_months", BIRMINGHAM, "", 415),
    ("cp_plans_ending_within_3_months_pct", BIRMINGHAM, "", 28.0),
    # ANNEX, rows 'Birmingham' and 'ENGLAND', column '2017-18'
    ("population_0_17", BIRMINGHAM, "", 288082),
    ("population_0_17", None, "England", 11866960),
]
# fmt: on


@pytest.mark.parametrize("measure, la_code, area, expected", PUBLISHED)
def test_published_figures(benchmarks, measure, la_code, area, expected):
    assert value(benchmarks, measure, la_code, area) == pytest.approx(expected, abs=1e-9)


# C2, row 'Birmingham', 'Actual duration of assessment (working days)' bands: same day, 1-10,
# 11-20, 21-30, 31-40, 41-45, 46-50, 51-60, 61+ days.
BIRMINGHAM_C2_BANDS = [755, 1976, 4709, 2890, 2322, 830, 444, 461, 380]
# C2, row 'England4', the same bands.
ENGLAND_C2_BANDS = [19840, 83380, 107490, 103210, 118160, 89790, 32370, 31280, 45530]


def test_assessment_bands_cross_check_with_published_totals(benchmarks):
    # The nine bands add up to the published 'Assessments completed / Number' for Birmingham;
    # England's differ by the invalid-date cases note 1 excludes, and by rounding to 10.
    assert sum(BIRMINGHAM_C2_BANDS) == value(benchmarks, "assessments", BIRMINGHAM)
    england_total = value(benchmarks, "assessments", area="England")
    assert 0 <= england_total - sum(ENGLAND_C2_BANDS) <= 0.0001 * england_total

    assert value(benchmarks, "assessments_within_45_days", BIRMINGHAM) == 13482
    assert value(benchmarks, "assessments_within_45_days", area="England") == 521870
    # Percentage = within 45 days / published total assessments completed.
    assert value(benchmarks, "assessments_within_45_days_pct", BIRMINGHAM) == pytest.approx(
        13482 / 14767 * 100
    )
    assert value(benchmarks, "assessments_within_45_days_pct", area="England") == pytest.approx(
        82.69, abs=0.005
    )


def test_icpc_within_15_days_from_bands(benchmarks):
    # C4, 'Duration between start of section 47 enquiries and initial child protection
    # conference (working days)': '0-10 days' + '11-15 days'. Birmingham 227 + 1094, of 1832 ICPCs;
    # England 12130 + 49020, of 79470.
    assert value(benchmarks, "icpc_within_15_days", BIRMINGHAM) == 1321
    assert value(benchmarks, "icpc_within_15_days_pct", BIRMINGHAM) == pytest.approx(
        1321 / 1832 * 100
    )
    assert value(benchmarks, "icpc_within_15_days", area="England") == 61150
    assert value(benchmarks, "icpc_within_15_days_pct", area="England") == pytest.approx(
        76.95, abs=0.005
    )


def test_suppressed_figures_are_null(benchmarks):
    # C2 'Darlington' 'Started and finished the same day' is 'x', so its 45-day sum is unknown.
    assert math.isnan(value(benchmarks, "assessments_within_45_days", "841"))
    assert math.isnan(value(benchmarks, "assessments_within_45_days_pct", "841"))
    # D1 'City of London' children on a plan at 31 March is 'x'; D3 'Rutland' percentage is 'x'.
    assert math.isnan(value(benchmarks, "cp_plans_at_31_march", "201"))
    assert math.isnan(value(benchmarks, "cp_second_or_subsequent_pct", "857"))


def test_table_shape_areas_and_periods(benchmarks):
    assert list(benchmarks.columns) == BENCHMARK_COLUMNS
    areas = benchmarks.drop_duplicates(["geography_level", "area_name"])
    levels = areas["geography_level"].value_counts().to_dict()
    assert levels == {"la": 152, "region": 9, "england": 1}
    # Every measure for every area; Inner/Outer London subtotals are not regions.
    assert len(benchmarks) == benchmarks["measure"].nunique() * 162
    assert "Inner London" not in set(benchmarks["area_name"])
    assert (
        benchmarks.loc[benchmarks["geography_level"] == "la", "la_code"]
        .str.fullmatch(r"\d{3}")
        .all()
    )
    assert benchmarks.loc[benchmarks["geography_level"] != "la", "la_code"].isna().all()

    camden = benchmarks[benchmarks["la_code"] == "202"].iloc[0]
    assert (camden["area_name"], camden["region_name"]) == ("Camden", "London")
    england = benchmarks[benchmarks["geography_level"] == "england"]
    assert england["region_name"].isna().all()
    # One name per LA although sheets differ ('Leeds7', 'Blackburn with Darwin').
    assert set(benchmarks.loc[benchmarks["la_code"] == "383", "area_name"]) == {"Leeds"}
    assert set(benchmarks.loc[benchmarks["la_code"] == "889", "area_name"]) == {
        "Blackburn with Darwen"
    }

    periods = benchmarks.groupby("measure")["period"].unique().map(list).to_dict()
    assert periods["referrals"] == ["2017-18"]
    assert periods["cin_at_31_march"] == ["2018-03-31"]
    assert periods["cp_rate_per_10000"] == ["2018-03-31"]
    assert periods["population_0_17"] == ["2017-18"]
    row = benchmarks[(benchmarks["measure"] == "referrals")].iloc[0]
    assert (row["source_table"], row["source_heading"]) == (
        "C1",
        "Referrals / Number of referrals in the year",
    )


# --- drifted layouts ----------------------------------------------------------------------------


def _cell_with(ws, text: str):
    """The cell holding `text` (whitespace-normalised), found by content, not position."""
    wanted = " ".join(text.split()).lower()
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and " ".join(cell.value.split()).lower() == wanted:
                return cell
    raise AssertionError(f"{text!r} not in sheet {ws.title}")


def _row_of(ws, label: str) -> int:
    return _cell_with(ws, label).row


def rename_heading(wb):
    _cell_with(wb["C1"], "Number of referrals in the year").value = "Referrals received"


def delete_sheet(wb):
    del wb["D3"]


def rename_sheet(wb):
    wb["B4"].title = "B4 (revised)"


def recut_band(wb):
    _cell_with(wb["C2"], "41-45 days").value = "41 to 45 days"


def drop_england(wb):
    _cell_with(wb["D7"], "England2").value = "All local authorities"


def text_in_figures(wb):
    ws = wb["D1"]
    heading = "Children who were the subject of a child protection plan at 31 March 2018"
    ws.cell(_row_of(ws, "Birmingham"), _cell_with(ws, heading).column).value = "see note 4"


def wrong_rate(wb):
    # A rate out of line with count / population, as a shifted column or row would give.
    ws = wb["C1"]
    heading = _cell_with(ws, "Number of referrals in the year")
    ws.cell(_row_of(ws, "Birmingham"), heading.column + 1).value = 60.46


def bad_la_code(wb):
    ws = wb["B1"]
    ws.cell(_row_of(ws, "Birmingham"), _cell_with(ws, "Birmingham").column - 1).value = "E08000025"


DRIFTS = [
    (rename_heading, ["'C1'", "Number of referrals in the year"]),
    (delete_sheet, ["'D3'", "second or subsequent plan"]),
    (rename_sheet, ["'B4'", "2 years and over"]),
    (recut_band, ["'C2'", "Actual duration of assessment (working days)", "41 to 45 days"]),
    (drop_england, ["'D7'", "England"]),
    (text_in_figures, ["'D1'", "Birmingham", "see note 4", "at 31 March 2018"]),
    (wrong_rate, ["'C1'", "Rate per 10,000", "Birmingham (330)", "60.46"]),
    (bad_la_code, ["'B1'", "E08000025"]),
]


NEEDED_SHEETS = {"B1", "B4", "C1", "C2", "C4", "D1", "D3", "D7", "ANNEX"}


@pytest.fixture(scope="module")
def slim_workbook(tmp_path_factory) -> Path:
    """The workbook without the sheets the parser does not read: the same tables, but a third of
    the load and save time for each drifted copy below."""
    workbook = openpyxl.load_workbook(WORKBOOK)
    for name in workbook.sheetnames:
        if name not in NEEDED_SHEETS:
            del workbook[name]
    path = tmp_path_factory.mktemp("slim") / WORKBOOK.name
    workbook.save(path)
    return path


def test_slim_copy_parses_like_the_original(benchmarks, slim_workbook):
    # Control for the drift tests: without a drift the copy parses, to the same table.
    pd.testing.assert_frame_equal(parse_cin_workbook(slim_workbook), benchmarks)


@pytest.mark.parametrize("drift, in_message", DRIFTS, ids=[d.__name__ for d, _ in DRIFTS])
def test_drifted_layout_fails_naming_sheet_and_heading(tmp_path, slim_workbook, drift, in_message):
    workbook = openpyxl.load_workbook(slim_workbook)
    drift(workbook)
    path = tmp_path / WORKBOOK.name
    workbook.save(path)
    with pytest.raises(WorkbookLayoutError) as raised:
        parse_cin_workbook(path)
    for text in in_message:
        assert text in str(raised.value)


def test_folder_refuses_two_editions_of_one_year(tmp_path, slim_workbook):
    shutil.copy(slim_workbook, tmp_path / "a.xlsx")
    shutil.copy(slim_workbook, tmp_path / "b.xlsx")
    with pytest.raises(ValueError, match="more than one workbook"):
        parse_benchmarks_folder(tmp_path)
