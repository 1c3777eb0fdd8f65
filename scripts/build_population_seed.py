"""Generate seeds/population_0_17.csv from the DfE "Characteristics of children in need: 2017 to
2018" main tables (sheet ANNEX: population aged 0 to 17, mid-year 2012 to 2017, by local
authority, region and England).

Source: Department for Education, published November 2018, Open Government Licence v3.0; the
figures are ONS mid-year population estimates (Crown copyright). The workbook is kept in the
repository at reference/dfe/characteristics-of-children-in-need-2017-18-main-tables.xlsx.

The sheet's year columns are headed by financial year ("2012-13" .. "2017-18"); each holds the
estimate at mid-year of its first calendar year (2012-13 -> 30 June 2012). Output is long: one
row per area and mid-year, ordered as in the sheet. The script stops with a message naming the
sheet and the heading it expected if the workbook's layout is not the one it was written for.

Needs openpyxl (in the project environment). Usage, from the repository root:
    .venv/bin/python scripts/build_population_seed.py            # (re)write the seed
    .venv/bin/python scripts/build_population_seed.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

from seed_output import write_or_check

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKBOOK = (
    REPO_ROOT / "reference" / "dfe" / "characteristics-of-children-in-need-2017-18-main-tables.xlsx"
)
DEFAULT_OUT = REPO_ROOT / "seeds" / "population_0_17.csv"

SHEET = "ANNEX"
TITLE = "POPULATION AGED 0 TO 17"
SUBTITLE = "At mid-year 2012 to 2017"
AREA_HEADING = "Local authority"
YEAR_HEADINGS = ("2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18")
AGE_BAND = "0_17"

# The nine English regions (ITL1) as the sheet names them, and the two London sub-regions.
REGIONS = {
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
}
SUB_REGIONS = {"Inner London", "Outer London"}
EXPECTED_LAS = 152  # English local authorities with children's services in 2017-18

HEADER = (
    "geography_level",
    "la_code",
    "area_name",
    "region_name",
    "mid_year",
    "age_band",
    "population",
    "estimate_date",
)


class LayoutError(Exception):
    """The workbook is not laid out as this script expects."""


def _fail(message: str) -> LayoutError:
    return LayoutError(f"sheet {SHEET!r}, heading {TITLE!r} ... {SUBTITLE!r}: {message}")


def _text(value: object) -> str:
    return "" if value is None else re.sub(r"\s+", " ", str(value)).strip()


def read_rows(workbook: Path) -> list[dict[str, object]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - environment problem, not data
        raise SystemExit("openpyxl is needed: use the project venv (.venv/bin/python)") from exc

    wb = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    try:
        if SHEET not in wb.sheetnames:
            raise _fail(f"sheet not found in {workbook.name} (sheets: {', '.join(wb.sheetnames)})")
        grid = [tuple(row) for row in wb[SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()

    cells = [[_text(v) for v in row] for row in grid]
    flat = [(r, c, v) for r, row in enumerate(cells) for c, v in enumerate(row) if v]
    if not any(v.upper().startswith(TITLE) for _, _, v in flat[:10]):
        raise _fail("title not found in the first cells of the sheet")
    if not any(v.startswith(SUBTITLE) for _, _, v in flat[:10]):
        raise _fail("sub-heading (mid-year range) not found in the first cells of the sheet")

    # Header row: "Local authority" followed by the six year columns.
    header_at = next(((r, c) for r, c, v in flat if v == AREA_HEADING and r < 20), None)
    if header_at is None:
        raise _fail(f"column heading {AREA_HEADING!r} not found")
    hr, name_col = header_at
    years_found = tuple(cells[hr][name_col + 1 : name_col + 1 + len(YEAR_HEADINGS)])
    if years_found != YEAR_HEADINGS:
        raise _fail(f"year columns are {years_found}, expected {YEAR_HEADINGS}")
    code_col = name_col - 1
    if code_col < 0:
        raise _fail("no column for the LA code to the left of the area name")

    out: list[dict[str, object]] = []
    region = ""
    seen_england = False
    for r in range(hr + 1, len(grid)):
        row = grid[r]
        name = _text(row[name_col]) if name_col < len(row) else ""
        if not name:
            continue
        values = row[name_col + 1 : name_col + 1 + len(YEAR_HEADINGS)]
        if all(v is None or _text(v) == "" for v in values):
            # Trailing notes ("Source: ...") sit in the column left of the names: stop there.
            break
        code = row[code_col]
        if name.upper() == "ENGLAND":
            name = "England"
            level, la_code, region_name, seen_england = "england", "", "", True
        elif name in REGIONS:
            level, la_code, region_name, region = "region", "", name, name
        elif name in SUB_REGIONS:
            if region != "London":
                raise _fail(f"row {r + 1}: {name!r} outside the London block")
            level, la_code, region_name = "sub_region", "", region
        else:
            if code is None or not re.fullmatch(r"\d{3}", _text(code)):
                raise _fail(f"row {r + 1}: {name!r} has no 3-digit LA code (got {code!r})")
            if not region:
                raise _fail(f"row {r + 1}: LA {name!r} appears before any region row")
            level, la_code, region_name = "la", _text(code), region
        for heading, value in zip(YEAR_HEADINGS, values, strict=True):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _fail(f"row {r + 1} ({name}), column {heading}: not a number: {value!r}")
            if value != int(value) or value < 0:
                raise _fail(f"row {r + 1} ({name}), column {heading}: not a count: {value!r}")
            mid_year = int(heading[:4])
            out.append(
                {
                    "geography_level": level,
                    "la_code": la_code,
                    "area_name": name,
                    "region_name": region_name,
                    "mid_year": mid_year,
                    "age_band": AGE_BAND,
                    "population": int(value),
                    "estimate_date": f"{mid_year}-06-30",
                }
            )

    if not seen_england:
        raise _fail("no ENGLAND row")
    _check(out)
    return out


def _check(rows: list[dict[str, object]]) -> None:
    """Internal consistency of the sheet: counts of areas, unique keys, regions add up."""
    las = {r["la_code"] for r in rows if r["geography_level"] == "la"}
    if len(las) != EXPECTED_LAS:
        raise _fail(f"{len(las)} local authorities, expected {EXPECTED_LAS}")
    regions = {r["area_name"] for r in rows if r["geography_level"] == "region"}
    if regions != REGIONS:
        raise _fail(f"regions differ: missing {REGIONS - regions}, extra {regions - REGIONS}")
    keys = [(r["geography_level"], r["area_name"], r["mid_year"]) for r in rows]
    if len(keys) != len(set(keys)):
        raise _fail("an area appears twice")

    # Region and England totals are published rounded to the nearest 10 while LA figures are
    # unrounded, so the LA sum must be within a small margin of the published total.
    for year in {r["mid_year"] for r in rows}:
        la_rows = [r for r in rows if r["mid_year"] == year and r["geography_level"] == "la"]
        totals = {
            r["area_name"]: r["population"]
            for r in rows
            if r["mid_year"] == year and r["geography_level"] != "la"
        }
        sums: dict[str, int] = {}
        for r in la_rows:
            sums[r["region_name"]] = sums.get(r["region_name"], 0) + r["population"]
        sums["England"] = sum(r["population"] for r in la_rows)
        for area, total in sums.items():
            published = totals.get(area)
            if published is None or abs(published - total) > 100:
                raise _fail(
                    f"mid-{year}: {area} LAs sum to {total}, the sheet's total is {published}"
                )
        london = totals["Inner London"] + totals["Outer London"]
        if abs(london - totals["London"]) > 100:
            raise _fail(f"mid-{year}: Inner + Outer London = {london}, London = {totals['London']}")


def render(rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path, default=DEFAULT_WORKBOOK)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the CSV differs"
    )
    args = parser.parse_args(argv)

    try:
        rows = read_rows(args.workbook)
    except LayoutError as exc:
        print(f"{args.workbook}: unexpected layout: {exc}", file=sys.stderr)
        return 2
    text = render(rows)
    return write_or_check(args.out, text, len(rows), args.check, __file__)


if __name__ == "__main__":
    sys.exit(main())
