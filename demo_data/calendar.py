"""Dates for the synthetic extracts: the reporting window, working days and school holidays.

Dates are numpy `datetime64[D]` arrays (`NaT` = blank) and datetimes `datetime64[s]`, so every
clock in the generator is vectorised. Working days follow the KPI definitions (Monday to Friday
except England and Wales bank holidays), so a duration drawn here in working days is the duration
the warehouse measures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DAY = np.timedelta64(1, "D")
SECONDS_PER_DAY = 86_400
NAT = np.datetime64("NaT", "D")


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous algorithm in Meeus): Good Friday and Easter Monday."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


# Moved or extra bank holidays (royal occasions, VE day): the rule-based dates miss these.
_MOVED = {
    dt.date(1995, 5, 1): dt.date(1995, 5, 8),
    dt.date(2002, 5, 27): dt.date(2002, 6, 4),
    dt.date(2012, 5, 28): dt.date(2012, 6, 4),
    dt.date(2020, 5, 4): dt.date(2020, 5, 8),
    dt.date(2022, 5, 30): dt.date(2022, 6, 2),
}
_EXTRA = (
    dt.date(1999, 12, 31),
    dt.date(2002, 6, 3),
    dt.date(2011, 4, 29),
    dt.date(2012, 6, 5),
    dt.date(2022, 6, 3),
    dt.date(2022, 9, 19),
    dt.date(2023, 5, 8),
)


def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England and Wales bank holidays (with weekend substitutes) for the years, inclusive."""
    days: list[dt.date] = []
    for year in range(first_year, last_year + 1):
        new_year = dt.date(year, 1, 1)
        days.append(_monday_on_or_after(new_year) if new_year.weekday() >= 5 else new_year)
        easter = easter_sunday(year)
        days += [easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)]
        days.append(_monday_on_or_after(dt.date(year, 5, 1)))
        days += [_last_monday(year, 5), _last_monday(year, 8)]
        christmas_weekday = dt.date(year, 12, 25).weekday()
        # Christmas and Boxing Day move to the next free weekdays when they fall at a weekend.
        pairs = {4: (25, 28), 5: (27, 28), 6: (26, 27)}
        days += [dt.date(year, 12, d) for d in pairs.get(christmas_weekday, (25, 26))]
    days = [_MOVED.get(d, d) for d in days]
    days += [d for d in _EXTRA if first_year <= d.year <= last_year]
    return np.array(sorted(set(days)), dtype="M8[D]")


def school_holiday_mask(days: np.ndarray) -> np.ndarray:
    """True on days inside a (typical English) school holiday: the contact seasonality driver.

    Approximate term dates: Christmas 21 Dec to 3 Jan, February and October half terms, two weeks
    round Easter, the late-May half term and the summer holiday from 22 July to 3 September.
    """
    days = np.asarray(days, dtype="M8[D]")
    years = days.astype("M8[Y]").astype(int) + 1970
    mask = np.zeros(days.shape, dtype=bool)
    for year in np.unique(years):
        year = int(year)
        spans = [
            (dt.date(year, 1, 1), dt.date(year, 1, 3)),
            (dt.date(year, 12, 21), dt.date(year, 12, 31)),
            (dt.date(year, 7, 22), dt.date(year, 9, 3)),
        ]
        feb = _monday_on_or_after(dt.date(year, 2, 12))
        spans.append((feb, feb + dt.timedelta(days=4)))
        may = _last_monday(year, 5)
        spans.append((may, may + dt.timedelta(days=4)))
        october = _last_monday(year, 10)
        spans.append((october - dt.timedelta(days=7), october - dt.timedelta(days=3)))
        easter = easter_sunday(year)
        spans.append((easter - dt.timedelta(days=9), easter + dt.timedelta(days=8)))
        for first, last in spans:
            mask |= (days >= np.datetime64(first)) & (days <= np.datetime64(last))
    return mask


def add_months(dates: np.ndarray, months) -> np.ndarray:
    """Calendar-month arithmetic (`date + interval 'n months'`, clamped to the month's end)."""
    dates = np.asarray(dates, dtype="M8[D]")
    blank = np.isnat(dates)
    safe = np.where(blank, np.datetime64("2000-01-01"), dates)
    month = safe.astype("M8[M]")
    day = (safe - month.astype("M8[D]")).astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64).astype("m8[M]")
    first = target.astype("M8[D]")
    length = ((target + np.timedelta64(1, "M")).astype("M8[D]") - first).astype(np.int64)
    out = first + np.minimum(day, length - 1).astype("m8[D]")
    return np.where(blank, NAT, out)


def add_years(dates: np.ndarray, years) -> np.ndarray:
    return add_months(dates, np.asarray(years, dtype=np.int64) * 12)


def days(values) -> np.ndarray:
    """Whole-day durations as `timedelta64[D]` (rounding down)."""
    return np.floor(np.asarray(values, dtype=float)).astype(np.int64).astype("m8[D]")


@dataclass(frozen=True)
class Window:
    """The reporting months and the history kept before them.

    `start`..`end` is the window the activity extracts (contacts, workforce) cover; records that
    were open at or ended after `history_start` (24 months earlier) are kept too, so 12-month and
    2-year look-backs are complete from the first reported month. `burn_start` is where the
    simulation of long-running cases begins (22 years back covers a care leaver's whole childhood).
    """

    start: np.datetime64
    end: np.datetime64
    history_start: np.datetime64
    burn_start: np.datetime64
    holidays: np.ndarray

    @classmethod
    def ending(cls, end: str, months: int) -> Window:
        last_month = np.datetime64(end, "M")
        start = (last_month - np.timedelta64(months - 1, "M")).astype("M8[D]")
        end_day = (last_month + np.timedelta64(1, "M")).astype("M8[D]") - DAY
        history_start = add_months(np.array([start]), -24)[0]
        burn_start = add_months(np.array([start]), -22 * 12)[0]
        first_year = int(str(burn_start)[:4]) - 1
        last_year = int(str(end_day)[:4]) + 3
        return cls(start, end_day, history_start, burn_start, bank_holidays(first_year, last_year))

    @property
    def month_ends(self) -> np.ndarray:
        months = np.arange(self.start.astype("M8[M]"), self.end.astype("M8[M]") + 1)
        return (months + np.timedelta64(1, "M")).astype("M8[D]") - DAY

    def add_working_days(self, dates: np.ndarray, n) -> np.ndarray:
        """The date `n` working days after `dates` (a non-working start counts from the working
        day before it, so the KPI count of working days from the start is exactly `n`)."""
        n = np.asarray(n, dtype=np.int64)
        return np.busday_offset(
            np.asarray(dates, dtype="M8[D]"), n, roll="backward", holidays=self.holidays
        )

    def working_days_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days after `start` up to and including `end` (the KPI clock); -1 if blank."""
        start = np.asarray(start, dtype="M8[D]")
        end = np.asarray(end, dtype="M8[D]")
        ok = ~(np.isnat(start) | np.isnat(end))
        out = np.full(start.shape, -1, dtype=np.int64)
        out[ok] = np.busday_count(start[ok] + DAY, end[ok] + DAY, holidays=self.holidays)
        return out

    def working_day_on_or_after(self, dates: np.ndarray, n=0) -> np.ndarray:
        """The `n`-th working day counting from `dates` (itself if a working day, else the next
        one): work that starts on receipt of a weekend referral starts on Monday."""
        n = np.asarray(n, dtype=np.int64)
        return np.busday_offset(
            np.asarray(dates, dtype="M8[D]"), n, roll="forward", holidays=self.holidays
        )

    def roll_to_working_day(self, dates: np.ndarray) -> np.ndarray:
        """Meetings are held on working days: move a weekend or holiday date to the day before."""
        return np.busday_offset(
            np.asarray(dates, dtype="M8[D]"), 0, roll="backward", holidays=self.holidays
        )
