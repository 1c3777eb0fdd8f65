"""Parse DfE's "Characteristics of children in need" main-tables workbook into benchmark figures.

The workbook (one edition a year, Open Government Licence v3.0) has one sheet per table: B1
(children in need), B4 (open case duration), C1 (referrals), C2 (assessments and their duration),
C4 (section 47 enquiries and initial child protection conferences), D1 (child protection plans), D3
(second or subsequent plans), D7 (plans ending, by length) and ANNEX (population aged 0-17). Each
has a block of headings, then an England row, regions (each followed by its local authorities) and
footnotes.

Columns are found by their heading text (whitespace and case normalised, footnote markers allowed),
never by cell position alone, so a later edition with moved columns still parses. A workbook whose
layout has drifted so that a heading cannot be found - or whose figures fail the sanity checks -
raises `WorkbookLayoutError` naming the sheet and heading: a benchmark that is silently wrong is
worse than none.

Periods: figures for the year are labelled with the collection year, e.g. '2017-18'; figures at
31 March (children in need, child protection plans, open-case duration) with the date, e.g.
'2018-03-31'. `population_0_17` is the ONS mid-year estimate DfE uses as the rate denominator for
that collection year (mid-2017 for 2017-18) and is labelled with the collection year.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

BENCHMARK_COLUMNS = [
    "geography_level",
    "la_code",
    "area_name",
    "region_name",
    "measure",
    "value",
    "period",
    "source_table",
    "source_heading",
]

YEAR = "year"  # period labelled '2017-18'
MARCH = "march"  # period labelled '2018-03-31'


class WorkbookLayoutError(Exception):
    """The workbook is not laid out as this parser expects, or its figures fail a sanity check."""


@dataclass(frozen=True)
class ColumnSpec:
    """One published column. Every heading must match a heading cell above the column, top to
    bottom; `next_to` pins the column to the one right of another measure's column, for headings
    such as 'Rate per 10,000 ...' that recur in a sheet under the same group heading."""

    sheet: str
    measure: str
    headings: tuple[str, ...]
    period: str = YEAR
    next_to: str | None = None


@dataclass(frozen=True)
class BandSpec:
    """A count summed from duration-band columns up to `limit` working days, and its percentage
    of the published total (`total`, a measure from the same sheet).

    The denominator is the published total rather than the sum of all bands: the total is never
    suppressed where a band above the limit is (in 2017-18, 3 LAs in C2 and 15 in C4 would
    lose their figure otherwise), and it differs from the band sum only by the few records with an
    impossible duration, which DfE leaves out of the bands (C2 note 1, C4 note 2) - 631,090 v
    631,050 for England."""

    sheet: str
    measure: str
    group: str
    limit: int
    total: str


_RATE = "Rate per 10,000 of children aged under 18 years"

# `{year}` is the collection year ('2017-18'), `{march}` the year of 31 March ('2018').
COLUMN_SPECS = (
    ColumnSpec("C1", "referrals", ("Referrals", "Number of referrals in the year")),
    ColumnSpec("C1", "referrals_rate_per_10000", ("Referrals", _RATE), next_to="referrals"),
    ColumnSpec(
        "C1",
        "re_referrals_pct",
        ("Referrals which:", "Were within 12 months of a previous referral", "Percentage"),
    ),
    ColumnSpec("C2", "assessments", ("Assessments completed", "Number")),
    ColumnSpec(
        "C2", "assessments_rate_per_10000", ("Assessments completed", _RATE), next_to="assessments"
    ),
    # C4 gives both enquiries started and children subject to them; `s47` is the enquiries,
    # DfE's headline measure; the children figures are kept as `s47_children`.
    ColumnSpec("C4", "s47", ("Section 47 enquiries within the year", "Number of section 47s")),
    ColumnSpec(
        "C4", "s47_rate_per_10000", ("Section 47 enquiries within the year", _RATE), next_to="s47"
    ),
    ColumnSpec(
        "C4", "s47_children", ("Section 47 enquiries within the year", "Number of children")
    ),
    ColumnSpec(
        "C4",
        "s47_children_rate_per_10000",
        ("Section 47 enquiries within the year", _RATE),
        next_to="s47_children",
    ),
    ColumnSpec(
        "C4",
        "icpc",
        (
            "Initial stage child protection conference which took place in the year",
            "Number of initial stage child protection conferences",
        ),
    ),
    ColumnSpec(
        "C4",
        "icpc_rate_per_10000",
        ("Initial stage child protection conference which took place in the year", _RATE),
        next_to="icpc",
    ),
    ColumnSpec("B1", "cin_at_31_march", ("Children in need episodes at 31 March",), MARCH),
    ColumnSpec(
        "B1",
        "cin_rate_per_10000",
        ("Rate of children in need at 31 March {march} per 10,000 children",),
        MARCH,
        next_to="cin_at_31_march",
    ),
    ColumnSpec(
        "B4",
        "cin_open_2_years_plus",
        ("Duration of open case", "2 years and over", "Number"),
        MARCH,
    ),
    ColumnSpec(
        "B4",
        "cin_open_2_years_plus_pct",
        ("Duration of open case", "2 years and over", "Percentage"),
        MARCH,
        next_to="cin_open_2_years_plus",
    ),
    ColumnSpec(
        "D1",
        "cp_plans_at_31_march",
        ("Children who were the subject of a child protection plan at 31 March {march}",),
        MARCH,
    ),
    ColumnSpec(
        "D1",
        "cp_rate_per_10000",
        (
            "Rate of children who were the subject of a child protection plan at 31 March {march}"
            " per 10,000 children",
        ),
        MARCH,
        next_to="cp_plans_at_31_march",
    ),
    ColumnSpec(
        "D3",
        "cp_second_or_subsequent",
        ("Of which number of child protection plans which were a second or subsequent plan",),
    ),
    ColumnSpec(
        "D3",
        "cp_second_or_subsequent_pct",
        ("Percentage of child protection plans which were a second or subsequent plan",),
        next_to="cp_second_or_subsequent",
    ),
    ColumnSpec(
        "D7",
        "cp_plans_ending_within_3_months",
        ("3 months or less", "Number"),
    ),
    ColumnSpec(
        "D7",
        "cp_plans_ending_within_3_months_pct",
        ("3 months or less", "Percentage"),
        next_to="cp_plans_ending_within_3_months",
    ),
    ColumnSpec("ANNEX", "population_0_17", ("{year}",)),
)

BAND_SPECS = (
    BandSpec(
        "C2",
        "assessments_within_45_days",
        "Actual duration of assessment (working days)",
        45,
        "assessments",
    ),
    BandSpec(
        "C4",
        "icpc_within_15_days",
        "Duration between start of section 47 enquiries and initial child protection conference"
        " (working days)",
        15,
        "icpc",
    ),
)

# Each rate must equal count / population x 10,000: a cheap check that the right columns and rows
# were read together (a shifted column or row breaks it).
RATE_CHECKS = (
    ("referrals", "referrals_rate_per_10000"),
    ("assessments", "assessments_rate_per_10000"),
    ("s47", "s47_rate_per_10000"),
    ("s47_children", "s47_children_rate_per_10000"),
    ("icpc", "icpc_rate_per_10000"),
    ("cin_at_31_march", "cin_rate_per_10000"),
    ("cp_plans_at_31_march", "cp_rate_per_10000"),
)
RATE_TOLERANCE = 0.01  # relative
RATE_ROUNDING = 0.05  # rates are published to one decimal place

# DfE's markers for suppressed, unavailable or not applicable figures.
SUPPRESSION_MARKERS = frozenset({"x", "..", ".", ":", "c", "z", "u", "low", "-", "*", "~", "n/a"})

# The nine English regions, spelled as ONS does. DfE also prints Inner and Outer London subtotals,
# which are left out: they would double count London in any sum over regions.
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
SUB_REGIONS = ("Inner London", "Outer London")

_LEVEL_ORDER = {"england": 0, "region": 1, "la": 2}


def parse_cin_workbook(path: Path) -> pd.DataFrame:
    """Read one edition of the main-tables workbook into the long benchmark table
    (`BENCHMARK_COLUMNS`, one row per area and measure)."""
    workbook = openpyxl.load_workbook(Path(path), data_only=True)
    tables = {sheet: _read_table(workbook, sheet) for sheet in _needed_sheets()}
    year = _collection_year(tables)
    labels = {"year": year, "march": str(int(year[:4]) + 1)}
    periods = {YEAR: year, MARCH: f"{labels['march']}-03-31"}
    records: list[dict] = []
    for table in tables.values():
        columns = _resolve_columns(table, labels)
        records += _column_records(table, columns, periods)
        records += _band_records(table, columns, periods[YEAR])
    frame = _tidy(pd.DataFrame.from_records(records, columns=BENCHMARK_COLUMNS))
    _validate(frame)
    return frame


def parse_benchmarks_folder(folder: Path, pattern: str = "*.xlsx") -> pd.DataFrame:
    """Parse every edition in a folder into one table; two editions of the same year are refused
    because nothing says which one to believe."""
    paths = sorted(Path(folder).glob(pattern))
    frames = [parse_cin_workbook(p) for p in paths]
    if not frames:
        return pd.DataFrame(columns=BENCHMARK_COLUMNS)
    combined = pd.concat(frames, ignore_index=True)
    key = ["geography_level", "la_code", "area_name", "measure", "period"]
    duplicated = combined[combined.duplicated(key, keep=False)]
    if not duplicated.empty:
        periods = sorted(duplicated["period"].unique())
        raise ValueError(f"{folder}: more than one workbook gives figures for {periods}")
    return combined


# --- reading one sheet ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    excel_row: int
    level: str
    la_code: str | None
    name: str
    region: str | None
    cells: tuple


@dataclass(frozen=True)
class _Table:
    sheet: str
    headers: dict[int, list[str]]  # data column -> heading cells top to bottom, merges filled
    rows: list[_Row]
    year: str | None


def _needed_sheets() -> list[str]:
    sheets = [s.sheet for s in COLUMN_SPECS] + [s.sheet for s in BAND_SPECS]
    return list(dict.fromkeys(sheets))


def _headings_for(sheet: str) -> list[str]:
    return [" / ".join(s.headings) for s in COLUMN_SPECS if s.sheet == sheet] + [
        s.group for s in BAND_SPECS if s.sheet == sheet
    ]


def _read_table(workbook, sheet: str) -> _Table:
    if sheet not in workbook.sheetnames:
        raise WorkbookLayoutError(
            f"sheet {sheet!r} not found, so heading {_headings_for(sheet)[0]!r} cannot be read "
            f"(needed from it: {_headings_for(sheet)}; sheets present: {workbook.sheetnames})"
        )
    ws = workbook[sheet]
    grid = [tuple(r) for r in ws.iter_rows(values_only=True)]
    england_at, name_col = _find_england(grid, sheet)
    filled = _merged_header_values(ws, england_at)
    data_cols = _data_columns(grid[england_at:], name_col)
    headers = {c: _header_path(grid, filled, england_at, c) for c in data_cols}
    rows = _data_rows(grid, england_at, name_col, sheet)
    return _Table(sheet, headers, rows, _year_line(grid[:england_at]))


def _find_england(grid: list[tuple], sheet: str) -> tuple[int, int]:
    """The England row ends the headings; its label's column is the area-name column."""
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if isinstance(value, str) and _norm(_strip_footnote(value)) == "england":
                return r, c
    raise WorkbookLayoutError(f"sheet {sheet!r}: no 'England' row found below the headings")


def _merged_header_values(ws, england_at: int) -> dict[tuple[int, int], object]:
    """Group headings are merged across the columns they cover; give each covered cell the
    merged value so every column carries its full heading path."""
    filled = {}
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row - 1, min(merged.max_row, england_at)):
            for c in range(merged.min_col - 1, merged.max_col):
                filled[(r, c)] = value
    return filled


def _data_columns(data: list[tuple], name_col: int) -> list[int]:
    width = max((len(row) for row in data), default=0)
    return [
        c
        for c in range(name_col + 1, width)
        if any(c < len(row) and row[c] is not None for row in data)
    ]


def _header_path(grid, filled, england_at: int, col: int) -> list[str]:
    path = []
    for r in range(england_at):
        value = filled.get((r, col), grid[r][col] if col < len(grid[r]) else None)
        if value is not None and str(value).strip():
            path.append(" ".join(str(value).split()))
    return path


def _year_line(header_rows: list[tuple]) -> str | None:
    for row in header_rows:
        for value in row:
            match = re.fullmatch(r"year:\s*(\d{4}-\d{2})", _norm(value)) if value else None
            if match:
                return match.group(1)
    return None


def _data_rows(grid, england_at: int, name_col: int, sheet: str) -> list[_Row]:
    rows, region = [], None
    for r in range(england_at, len(grid)):
        label = grid[r][name_col]
        if label is None or not str(label).strip():
            continue  # spacer rows and the notes below the table, which sit in other columns
        code = grid[r][name_col - 1] if name_col > 0 else None
        area = _classify(r + 1, _strip_footnote(str(label)), code, region, sheet)
        if area is None:
            continue
        level, la_code, name, region = area
        rows.append(_Row(r + 1, level, la_code, name, region, grid[r]))
    return rows


def _classify(excel_row: int, name: str, code, region: str | None, sheet: str):
    """(level, la_code, area_name, region_name) of a labelled row, or None for a London
    subtotal. The region of an LA is the region row above it."""
    key = _norm(name)
    if code is not None and str(code).strip():
        if region is None:
            raise WorkbookLayoutError(f"sheet {sheet!r} row {excel_row}: {name!r} has no region")
        return "la", _la_code(code, sheet, excel_row), name, region
    if key == "england":
        return "england", None, "England", None
    regions = {_norm(r): r for r in REGIONS}
    if key in regions:
        return "region", None, regions[key], regions[key]
    if key in {_norm(s) for s in SUB_REGIONS}:
        return None
    raise WorkbookLayoutError(
        f"sheet {sheet!r} row {excel_row}: {name!r} is neither a region nor an LA with a code"
    )


def _la_code(value, sheet: str, excel_row: int) -> str:
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    text = text.strip()
    if not re.fullmatch(r"\d{3}", text):
        raise WorkbookLayoutError(
            f"sheet {sheet!r} row {excel_row}: LA code {value!r} is not a 3-digit DfE code"
        )
    return text


# --- columns and values -----------------------------------------------------------------------


def _resolve_columns(table: _Table, labels: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Measure -> (column, the heading text matched) for every spec of this sheet."""
    found: dict[str, tuple[int, str]] = {}
    for spec in (s for s in COLUMN_SPECS if s.sheet == table.sheet):
        anchor = found[spec.next_to][0] if spec.next_to else None
        found[spec.measure] = _find_column(table, spec, labels, anchor)
    return found


def _find_column(table: _Table, spec: ColumnSpec, labels, anchor: int | None) -> tuple[int, str]:
    headings = [h.format(**labels) for h in spec.headings]
    candidates = [anchor + 1] if anchor is not None else list(table.headers)
    hits = []
    for col in candidates:
        matched = _match_path(table.headers.get(col, []), headings)
        if matched:
            hits.append((col, matched))
    where = f" in the column right of {spec.next_to!r}" if anchor is not None else ""
    if not hits:
        raise WorkbookLayoutError(
            f"sheet {table.sheet!r}: could not find column heading {' / '.join(headings)!r}{where}"
            f" (for measure {spec.measure!r})"
        )
    if len(hits) > 1:
        raise WorkbookLayoutError(
            f"sheet {table.sheet!r}: heading {' / '.join(headings)!r} matches {len(hits)} columns"
        )
    return hits[0]


def _match_path(path: list[str], headings: list[str]) -> str | None:
    """Each heading must match a cell of the path, in order top to bottom."""
    matched, start = [], 0
    for heading in headings:
        at = next((i for i in range(start, len(path)) if _heading_is(path[i], heading)), None)
        if at is None:
            return None
        matched.append(path[at])
        start = at + 1
    return " / ".join(matched)


def _heading_is(cell: str, heading: str) -> bool:
    # DfE appends footnote markers to headings ('...during the year1', '(working days)1,2,3').
    return re.fullmatch(re.escape(_norm(heading)) + r"[\d,]*", _norm(cell)) is not None


def _value(raw, table: _Table, row: _Row, heading: str) -> float:
    if raw is None:
        return math.nan
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, int | float):
        return float(raw)
    text = _norm(raw)
    if text in SUPPRESSION_MARKERS or text == "":
        return math.nan
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise WorkbookLayoutError(
            f"sheet {table.sheet!r} row {row.excel_row} ({row.name}), heading {heading!r}: "
            f"{raw!r} is neither a number nor a suppression marker"
        ) from None


def _record(row: _Row, measure: str, value: float, period: str, sheet: str, heading: str) -> dict:
    return {
        "geography_level": row.level,
        "la_code": row.la_code,
        "area_name": row.name,
        "region_name": row.region,
        "measure": measure,
        "value": value,
        "period": period,
        "source_table": sheet,
        "source_heading": heading,
    }


def _column_records(table: _Table, columns, periods: dict[str, str]) -> list[dict]:
    specs = {s.measure: s for s in COLUMN_SPECS if s.sheet == table.sheet}
    records = []
    for measure, (col, heading) in columns.items():
        period = periods[specs[measure].period]
        for row in table.rows:
            value = _value(_cell(row, col), table, row, heading)
            records.append(_record(row, measure, value, period, table.sheet, heading))
    return records


def _cell(row: _Row, col: int):
    return row.cells[col] if col < len(row.cells) else None


# --- duration bands ---------------------------------------------------------------------------


def _band_records(table: _Table, columns, period: str) -> list[dict]:
    records = []
    for spec in (s for s in BAND_SPECS if s.sheet == table.sheet):
        bands = _bands_within(table, spec)
        total_col, total_heading = columns[spec.total]
        group = next(iter(bands.values()))[0]
        count_heading = f"{group} / " + " + ".join(h for _, h in bands.values())
        pct_heading = f"({count_heading}) / ({total_heading}) x 100"
        for row in table.rows:
            values = [_value(_cell(row, c), table, row, h) for c, (_, h) in bands.items()]
            within = sum(values)  # NaN if any band is suppressed: the sum is then unknown
            total = _value(_cell(row, total_col), table, row, total_heading)
            pct = within / total * 100 if total else math.nan  # no ICPCs: no percentage
            records.append(_record(row, spec.measure, within, period, table.sheet, count_heading))
            records.append(
                _record(row, f"{spec.measure}_pct", pct, period, table.sheet, pct_heading)
            )
    return records


def _bands_within(table: _Table, spec: BandSpec) -> dict[int, tuple[str, str]]:
    """Columns of the bands ending at or before `spec.limit`: column -> (group, band heading).

    All bands under the group are parsed and must run contiguously from day 0 to an open-ended
    band, so a renamed or re-cut band fails loudly instead of silently dropping out of the sum."""
    bands, others = [], []
    for col, path in table.headers.items():
        group = next((h for h in path if _heading_is(h, spec.group)), None)
        if group is None or path[-1] == group:
            continue
        span = _band_span(path[-1])
        if span is None:
            others.append(path[-1])  # percentiles, or a band heading we cannot read
        else:
            bands.append((span, col, group, path[-1]))
    if not bands:
        raise WorkbookLayoutError(
            f"sheet {table.sheet!r}: could not find duration bands under heading {spec.group!r}"
        )
    bands.sort()
    found = f"bands read: {[b[3] for b in bands]}; other headings under it: {others}"
    _check_contiguous(table.sheet, spec, [(span, h) for span, _, _, h in bands], found)
    return {col: (group, h) for (_, hi), col, group, h in bands if hi <= spec.limit}


def _band_span(heading: str) -> tuple[float, float] | None:
    text = _norm(heading)
    if text == "started and finished the same day":
        return (0, 0)
    if match := re.fullmatch(r"(\d+)\s*-\s*(\d+) days", text):
        return (int(match.group(1)), int(match.group(2)))
    if match := re.fullmatch(r"(\d+)\s*\+ days", text):
        return (int(match.group(1)), math.inf)
    return None


def _check_contiguous(sheet: str, spec: BandSpec, bands: list, found: str) -> None:
    expected, ends = 0, []
    for (lo, hi), heading in bands:
        if lo != expected:
            raise WorkbookLayoutError(
                f"sheet {sheet!r}: duration bands under heading {spec.group!r} are not contiguous"
                f" at {heading!r} (expected a band starting at {expected} days); {found}"
            )
        expected, ends = hi + 1, [*ends, hi]
    if expected != math.inf or spec.limit not in ends:
        raise WorkbookLayoutError(
            f"sheet {sheet!r}: duration bands under heading {spec.group!r} must include one ending"
            f" at {spec.limit} days and end open-ended; {found}"
        )


# --- assembling and checking ------------------------------------------------------------------


def _collection_year(tables: dict[str, _Table]) -> str:
    years = {sheet: t.year for sheet, t in tables.items() if sheet != "ANNEX"}
    missing = [sheet for sheet, year in years.items() if year is None]
    if missing:
        raise WorkbookLayoutError(f"sheets {missing}: no 'Year: YYYY-YY' line above the headings")
    if len(set(years.values())) != 1:
        raise WorkbookLayoutError(f"sheets disagree on the collection year: {years}")
    year = next(iter(years.values()))
    if int(year[5:]) != (int(year[:4]) + 1) % 100:
        raise WorkbookLayoutError(f"collection year {year!r} is not of the form 2017-18")
    return year


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """One spelling per LA (DfE's sheets differ: 'Blackburn with Darwin', 'Leeds7'), and a stable
    row order."""
    is_la = frame["geography_level"] == "la"
    names = frame[is_la].groupby("la_code")["area_name"].agg(_most_common)
    frame.loc[is_la, "area_name"] = frame.loc[is_la, "la_code"].map(names)
    frame["value"] = frame["value"].astype("float64")
    order = frame["geography_level"].map(_LEVEL_ORDER)
    return (
        frame.assign(_order=order)
        .sort_values(["_order", "region_name", "la_code", "measure"], na_position="first")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _most_common(names: pd.Series) -> str:
    return Counter(names).most_common(1)[0][0]


def _validate(frame: pd.DataFrame) -> None:
    _check_areas(frame)
    wide = _wide(frame)
    _check_rates(frame, wide)
    _check_ranges(frame, wide)
    _check_bands(frame, wide)


def _area_key(frame: pd.DataFrame) -> pd.Series:
    """'Birmingham (330)' for an LA, the name for England and regions: unique and readable in
    error messages."""
    with_code = frame["area_name"] + " (" + frame["la_code"].fillna("") + ")"
    return with_code.where(frame["geography_level"] == "la", frame["area_name"])


def _check_areas(frame: pd.DataFrame) -> None:
    """Every sheet must cover England, the same LAs and the same region for each LA."""
    population = frame[frame["measure"] == "population_0_17"]
    expected = set(_area_key(population))
    for sheet, part in frame.groupby("source_table"):
        keys = set(_area_key(part))
        if "England" not in keys:
            raise WorkbookLayoutError(f"sheet {sheet!r}: no England row")
        if keys != expected:
            raise WorkbookLayoutError(
                f"sheet {sheet!r}: areas differ from ANNEX; missing {sorted(expected - keys)}, "
                f"extra {sorted(keys - expected)}"
            )
    regions = frame[frame["geography_level"] == "la"].groupby("la_code")["region_name"].nunique()
    if (regions > 1).any():
        moved = list(regions[regions > 1].index)
        raise WorkbookLayoutError(f"LAs placed in different regions by different sheets: {moved}")


def _wide(frame: pd.DataFrame) -> pd.DataFrame:
    keyed = frame.assign(area=_area_key(frame))
    duplicated = keyed[keyed.duplicated(["area", "measure"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise WorkbookLayoutError(
            f"sheet {first['source_table']!r}: {first['area_name']} appears more than once "
            f"(heading {first['source_heading']!r})"
        )
    return keyed.pivot(index="area", columns="measure", values="value")


def _check_rates(frame: pd.DataFrame, wide: pd.DataFrame) -> None:
    for count, rate in RATE_CHECKS:
        expected = wide[count] / wide["population_0_17"] * 10_000
        tolerance = (expected * RATE_TOLERANCE).clip(lower=RATE_ROUNDING)
        bad = (wide[rate] - expected).abs() > tolerance  # False where either side is null
        if bad.any():
            area = bad[bad].index[0]
            raise WorkbookLayoutError(
                f"{_describe(frame, rate)}: {area} rate {wide.at[area, rate]} is not "
                f"{count} / population x 10,000 = {expected[area]:.1f} "
                f"({_describe(frame, count)}); columns or rows are misaligned"
            )


def _check_ranges(frame: pd.DataFrame, wide: pd.DataFrame) -> None:
    for measure in wide.columns:
        values = wide[measure]
        upper = 100.0 if measure.endswith("_pct") else math.inf
        bad = (values < 0) | (values > upper)
        if bad.any():
            area = bad[bad].index[0]
            raise WorkbookLayoutError(
                f"{_describe(frame, measure)}: {area} has {values[area]}, outside 0-{upper}"
            )


def _check_bands(frame: pd.DataFrame, wide: pd.DataFrame) -> None:
    """A sum of bands above its published total means a band column was read twice or a
    wrong column was taken for one."""
    for spec in BAND_SPECS:
        bad = wide[spec.measure] > wide[spec.total]
        if bad.any():
            area = bad[bad].index[0]
            raise WorkbookLayoutError(
                f"{_describe(frame, spec.measure)}: {area} sums to {wide.at[area, spec.measure]}, "
                f"more than the published total {wide.at[area, spec.total]}"
            )


def _describe(frame: pd.DataFrame, measure: str) -> str:
    source = frame.loc[frame["measure"] == measure, ["source_table", "source_heading"]].iloc[0]
    return f"sheet {source['source_table']!r}, heading {source['source_heading']!r}"


# --- text helpers -----------------------------------------------------------------------------


def _norm(value) -> str:
    return " ".join(str(value).split()).lower()


def _strip_footnote(label: str) -> str:
    # Area labels carry footnote digits ('England3', 'Slough2'); no area name ends in a digit.
    return re.sub(r"\d+$", "", label.strip()).strip()
