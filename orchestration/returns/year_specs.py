"""The year-versioned specifications of the statutory returns, read from specs/<return>/<year>.yaml.

Each return's folder holds one file per collection year. A year's file either states the whole
specification (the base year) or names the year it is `based_on` and lists its `changes`: dotted
paths into the specification (`tables.episodes.REC`) set to the new value, or to null to remove
it. Adding a year is adding a file; no code knows the years.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SPEC_DIR = Path(__file__).parent / "specs"

SSDA903 = "ssda903"
CIN_CENSUS = "cin_census"
ANNEX_A = "annex_a"
CSWW = "csww"
RETURNS = (SSDA903, CIN_CENSUS, ANNEX_A, CSWW)
RETURN_TITLES = {
    SSDA903: "SSDA903 return (children looked after)",
    CIN_CENSUS: "children in need census",
    ANNEX_A: "Ofsted Annex A",
    CSWW: "children's social work workforce census",
}


class UnknownYear(Exception):
    """The file's collection year has no specification; the message names the years known."""


class SpecError(Exception):
    """A specification file is malformed (a project defect, not a problem with the return)."""


@dataclass(frozen=True)
class YearSpec:
    return_name: str
    year: str
    reference_date: dt.date
    date_formats: tuple[str, ...]
    body: dict
    # False where no published specification for the year was in the sources and the year's
    # rules are assumed from another year's (said in the spec file and in every file's warnings).
    source_checked: bool = True

    def table(self, name: str) -> dict[str, dict] | None:
        """The fields of an SSDA903 table (None if the year has no such table)."""
        return self.body.get("tables", {}).get(name)

    def record(self, name: str) -> dict | None:
        """An XML record's specification (element and fields) for the CIN and workforce census."""
        return self.body.get("records", {}).get(name)


def known_years(return_name: str) -> tuple[str, ...]:
    folder = SPEC_DIR / return_name
    return tuple(sorted(p.stem for p in folder.glob("*.yaml")))


def describe_known_years(return_name: str) -> str:
    years = known_years(return_name)
    return f"{years[0]} to {years[-1]}" if years else "none"


def load_spec(return_name: str, year: str) -> YearSpec:
    """The specification of `return_name` for collection year `year` ("2017-18").

    Raises UnknownYear, naming the years known, when there is no file for the year.
    """
    if year not in known_years(return_name):
        raise UnknownYear(
            f"collection year {year} is not one the project has a specification for "
            f"({RETURN_TITLES.get(return_name, return_name)}: it knows "
            f"{', '.join(known_years(return_name)) or 'none'})"
        )
    return _load(return_name, year)


@cache
def _load(return_name: str, year: str) -> YearSpec:
    raw = _read(return_name, year)
    body = _resolve(return_name, year, raw, seen=())
    reference = raw.get("reference_date")
    if not isinstance(reference, dt.date):
        raise SpecError(f"{return_name}/{year}.yaml: reference_date is not a date")
    formats = body.get("date_formats")
    if not formats:
        raise SpecError(f"{return_name}/{year}.yaml: no date_formats")
    return YearSpec(
        return_name,
        year,
        reference,
        tuple(formats),
        body,
        source_checked=raw.get("source_checked", True) is not False,
    )


def _read(return_name: str, year: str) -> dict:
    path = SPEC_DIR / return_name / f"{year}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SpecError(f"{path.name}: not a mapping")
    if data.get("return") != return_name or str(data.get("year")) != year:
        raise SpecError(f"{return_name}/{path.name}: return/year inside do not match the file name")
    return data


def _resolve(return_name: str, year: str, raw: dict, seen: tuple[str, ...]) -> dict:
    base_year = raw.get("based_on")
    if base_year is None:
        body = copy.deepcopy(raw)
    else:
        if base_year in seen:
            raise SpecError(f"{return_name}: based_on loop through {', '.join(seen)}")
        base = _read(return_name, str(base_year))
        body = _resolve(return_name, str(base_year), base, seen + (year,))
        for path, value in (raw.get("changes") or {}).items():
            _apply(body, path.split("."), copy.deepcopy(value), f"{return_name}/{year}")
    for key in ("return", "year", "based_on", "changes", "reference_date", "source_checked"):
        body.pop(key, None)
    return body


def _apply(body: dict, path: list[str], value, where: str) -> None:
    node = body
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            raise SpecError(f"{where}: change {'.'.join(path)} names no section {key!r}")
        node = node[key]
    if value is None:
        if path[-1] not in node:
            raise SpecError(f"{where}: change {'.'.join(path)} removes what is not there")
        del node[path[-1]]
    else:
        node[path[-1]] = value
