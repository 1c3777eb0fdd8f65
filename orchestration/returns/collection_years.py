"""Collection year labels. A return's year is named by the two calendar years it spans, "2017-18",
and it ends on the return's reference date: 31 March for the SSDA903 return, the CIN census and
Annex A (as read here), 30 September for the workforce census (DfE's "year ending 30 September
2018" is its 2017-18 census)."""

from __future__ import annotations

import datetime as dt
import re

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


def label_ending(day: dt.date) -> str:
    """The label of the year that ends on `day`: 2018-03-31 -> "2017-18"."""
    return f"{day.year - 1}-{day.year % 100:02d}"


def march_year_containing(day: dt.date) -> str:
    """The April-to-March year that `day` falls in: 2018-03-31 -> "2017-18", 2018-04-01 ->
    "2018-19"."""
    end_year = day.year + 1 if day.month >= 4 else day.year
    return label_ending(dt.date(end_year, 3, 31))


def march_year_bounds(label: str) -> tuple[dt.date, dt.date]:
    """The first and last day of an April-to-March year."""
    match = _LABEL.match(label)
    if not match:
        raise ValueError(f"not a collection year label: {label!r}")
    start = int(match.group(1))
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)
