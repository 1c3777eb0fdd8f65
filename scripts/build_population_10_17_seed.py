"""Generate seeds/population_10_17.csv: the population aged 10 to 17 of each English local
authority with children's services, from ONS mid-year estimates by single year of age, for
cbp_fte (first-time entrants to youth justice per 100,000 aged 10-17); and, from the same
estimates, seeds/population_age_bands.csv: the population in each of DfE's age bands (under 1,
1-4, 5-9, 10-15, 16-17), which the breakdowns of rates by age band use (marts.kpi_breakdowns).

Sources (both kept in reference/ons/, see its README; ONS, Open Government Licence v3.0):
- mid-2017, by local authority district (small-area estimates summed to districts): a unitary,
  metropolitan or London authority is its own district. County councils, which are several
  districts, are not in it (no district-to-county list is in the repository), so they get no
  mid-2017 row.
- mid-2019, by upper-tier local authority: counties included.

Local authorities are the DfE list in seeds/population_0_17.csv (codes and names of DfE's
Characteristics of children in need 2017-18 annex), matched to ONS areas by name, with the
spellings that differ listed in NAME_ALIASES.

Checks, each stopping the script with the area named:
- mid-2017: ages 0-17 must sum to the DfE annex's mid-2017 0-17 population for the same LA
  exactly (both are the same ONS estimate; Birmingham: 288,082, of whom 119,924 are 10-17).
- mid-2019: ages 0-17 must be within 10% (or 500 people, for the City of London's 1,254) of
  the LA's mid-2017 DfE figure: a wrong match, not two years' growth, would break that.
- every DfE LA must have at least one row, except Dorset (UNMATCHED_ALLOWED: a county, so no
  mid-2017 district, and reorganised in 2019, so no comparable mid-2019 area).

Usage, from the repository root:
    .venv/bin/python scripts/build_population_10_17_seed.py           # (re)write the seed
    .venv/bin/python scripts/build_population_10_17_seed.py --check   # exit 1 if out of date
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from seed_output import write_or_check

REPO_ROOT = Path(__file__).resolve().parent.parent
ONS = REPO_ROOT / "reference" / "ons"
MID_2017 = ONS / "mid2017_population_by_district_single_year_0_17.csv"
MID_2019 = ONS / "mid2019_population_by_upper_tier_la_single_year_0_17.csv"
DFE_POPULATION = REPO_ROOT / "seeds" / "population_0_17.csv"
DEFAULT_OUT = REPO_ROOT / "seeds" / "population_10_17.csv"
AGE_BANDS_OUT = REPO_ROOT / "seeds" / "population_age_bands.csv"
# DfE's age bands for children's social care statistics, within 0-17 (16+ is 16 and 17 here).
AGE_BANDS = (("under 1", 0, 0), ("1-4", 1, 4), ("5-9", 5, 9), ("10-15", 10, 15), ("16+", 16, 17))

# DfE name -> ONS name, where the two spell an authority differently.
NAME_ALIASES = {
    "Durham": "County Durham",
    "St Helens": "St. Helens",
    "Kingston upon Hull, City of": "Kingston upon Hull",
    "Bristol, City of": "Bristol",
    "Bedford Borough": "Bedford",
    "Isles Of Scilly": "Isles of Scilly",
}
NAME_ALIASES_2019 = {
    **NAME_ALIASES,
    "Kingston upon Hull, City of": "Kingston upon Hull, City of",
    "Bristol, City of": "Bristol, City of",
    "Herefordshire": "Herefordshire, County of",
}
# Reorganised in April 2019: Bournemouth, Poole and Christchurch (then part of Dorset) became
# one authority, which has no DfE 2017-18 code here. The 2019 "Dorset" is a smaller area than the
# DfE 2017-18 Dorset (67,868 against 76,861 aged 0-17), so these get no mid-2019 row; Bournemouth
# and Poole keep their mid-2017 rows, and Dorset, a county with no mid-2017 district, has none.
REORGANISED_2019 = {"Bournemouth", "Poole", "Dorset"}
UNMATCHED_ALLOWED = {"Dorset"}
SOURCES = {
    2017: "ONS mid-2017 small-area population estimates (SAPE20DT1), summed to districts",
    2019: "ONS mid-2019 population estimates by upper-tier local authority",
}
HEADER = ("la_code", "area_name", "mid_year", "estimate_date", "population", "source")
AGE_BANDS_HEADER = (
    "la_code", "area_name", "mid_year", "estimate_date", "age_band", "population", "source",
)  # fmt: skip


class CheckFailed(Exception):
    pass


def _ages(row: dict[str, str], first: int, last: int) -> int:
    return sum(int(row[f"age_{age}"]) for age in range(first, last + 1))


def dfe_authorities(path: Path = DFE_POPULATION) -> dict[str, tuple[str, int]]:
    """DfE LA name -> (LA code, mid-2017 0-17 population)."""
    authorities = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["geography_level"] == "la" and row["mid_year"] == "2017":
                authorities[row["area_name"]] = (row["la_code"], int(row["population"]))
    if not authorities:
        raise CheckFailed(f"{path.name}: no local authority rows for mid-2017")
    return authorities


def _read(path: Path, name_column: str) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row[name_column]: row for row in csv.DictReader(handle)}


def build_rows() -> list[tuple]:
    return [row[:6] for row in _matched_rows()]


def build_age_band_rows() -> list[tuple]:
    """One row per LA, mid-year and age band, from the same matched ONS areas."""
    rows = []
    for code, name, year, estimate_date, _, source, ons_row in _matched_rows():
        for band, first, last in AGE_BANDS:
            rows.append(
                (code, name, year, estimate_date, band, _ages(ons_row, first, last), source)
            )
    return rows


def _matched_rows() -> list[tuple]:
    authorities = dfe_authorities()
    mid_2017 = _read(MID_2017, "district_name")
    mid_2019 = _read(MID_2019, "utla19_name")
    rows = []
    unmatched = []
    for name, (code, dfe_0_17) in sorted(authorities.items(), key=lambda item: item[1][0]):
        found = False
        district = mid_2017.get(NAME_ALIASES.get(name, name))
        if district is not None:
            total = _ages(district, 0, 17)
            if total != dfe_0_17:
                raise CheckFailed(
                    f"{name}: ONS mid-2017 ages 0-17 sum to {total:,}, DfE's annex has "
                    f"{dfe_0_17:,}: wrong district matched, or a changed source file"
                )
            rows.append(
                (code, name, 2017, "2017-06-30", _ages(district, 10, 17), SOURCES[2017], district)
            )
            found = True
        upper_tier = mid_2019.get(NAME_ALIASES_2019.get(name, name))
        if upper_tier is not None and name not in REORGANISED_2019:
            total = _ages(upper_tier, 0, 17)
            if abs(total - dfe_0_17) > max(0.1 * dfe_0_17, 500):
                raise CheckFailed(
                    f"{name}: ONS mid-2019 ages 0-17 ({total:,}) differ from the DfE mid-2017 "
                    f"figure ({dfe_0_17:,}) by more than 10% (and 500): wrong area matched?"
                )
            rows.append(
                (
                    code, name, 2019, "2019-06-30", _ages(upper_tier, 10, 17), SOURCES[2019],
                    upper_tier,
                )
            )  # fmt: skip
            found = True
        if not found:
            unmatched.append(name)
    unexpected = sorted(set(unmatched) - UNMATCHED_ALLOWED)
    if unexpected:
        raise CheckFailed("no ONS area matched for: " + ", ".join(unexpected))
    return sorted(rows, key=lambda row: (row[0], row[2]))


def render(rows: list[tuple], header: tuple[str, ...] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if the seed is out of date")
    args = parser.parse_args(argv)
    try:
        rows = build_rows()
        band_rows = build_age_band_rows()
    except CheckFailed as exc:
        print(f"population_10_17: {exc}", file=sys.stderr)
        return 2
    return max(
        write_or_check(args.out, render(rows), len(rows), args.check, __file__),
        write_or_check(
            AGE_BANDS_OUT,
            render(band_rows, AGE_BANDS_HEADER),
            len(band_rows),
            args.check,
            __file__,
        ),
    )


if __name__ == "__main__":
    sys.exit(main())
