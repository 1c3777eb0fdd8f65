"""How many contacts and referrals arrive each day, and at what time of day.

Demand has a weekly shape (Monday busiest, weekends and bank holidays quiet), school-holiday dips
(schools are a large source, and their contacts stop in August, at Christmas and at Easter), a
Christmas slowdown for every agency, and a trend anchored on the last month: a gentle rise over
the earlier years, then a decline through the final twelve months, as in the reference report.
"""

from __future__ import annotations

import numpy as np

from .calendar import DAY, SECONDS_PER_DAY, Window, school_holiday_mask

# Monday..Sunday relative volume; a bank holiday is as quiet as a Saturday.
WEEKDAY_FACTOR = np.array([1.12, 1.06, 1.02, 1.0, 0.95, 0.22, 0.18])
BANK_HOLIDAY_FACTOR = 0.22


def trend(months_before_end: np.ndarray) -> np.ndarray:
    """Volume relative to the year before the last month: flat-to-rising earlier, then falling
    about 10% over the final year (the reference report's "reducing over the past 12 months")."""
    m = np.asarray(months_before_end, dtype=float)
    earlier = 0.95 + 0.06 * np.clip((72 - m) / 60, 0, 1)
    final_year = 1.01 - 0.11 * (12 - m) / 12
    return np.where(m >= 12, earlier, final_year)


def _shape(days: np.ndarray, win: Window, school_share: float, christmas: float):
    """Unscaled (school-sourced, other) daily volume: weekday, holiday and Christmas shape."""
    days = np.asarray(days, dtype="M8[D]")
    weekday = ((days.astype(np.int64) + 3) % 7).astype(int)  # 1970-01-01 was a Thursday
    shape = WEEKDAY_FACTOR[weekday]
    shape = np.where(np.isin(days, win.holidays), BANK_HOLIDAY_FACTOR, shape)
    term = ~school_holiday_mask(days)
    month = days.astype("M8[M]")
    month_of_year = (month.astype(np.int64) % 12) + 1
    day_of_month = (days - month.astype("M8[D]")).astype(np.int64) + 1
    festive = ((month_of_year == 12) & (day_of_month >= 20)) | (
        (month_of_year == 1) & (day_of_month <= 2)
    )
    school = school_share * shape * term
    other = (1 - school_share) * shape * np.where(festive, christmas, 1.0)
    return school, other


def daily_expected(
    days: np.ndarray, win: Window, per_month: float, school_share: float, christmas: float
) -> tuple[np.ndarray, np.ndarray]:
    """Expected arrivals per day, split into (school-sourced, other). `per_month` is the mean
    monthly volume over the twelve months before the last month (the report's comparator)."""
    last = win.end.astype("M8[M]")
    ref_days = np.arange((last - 12).astype("M8[D]"), last.astype("M8[D]"))
    ref_school, ref_other = _shape(ref_days, win, school_share, christmas)
    base = per_month * 12 / ((ref_school + ref_other) * trend_of(ref_days, win)).sum()
    school, other = _shape(days, win, school_share, christmas)
    factor = base * trend_of(days, win)
    return school * factor, other * factor


def trend_of(days: np.ndarray, win: Window) -> np.ndarray:
    months = win.end.astype("M8[M]") - np.asarray(days, dtype="M8[D]").astype("M8[M]")
    return trend(months.astype(np.int64))


def arrival_times(rng: np.random.Generator, days: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Poisson arrivals per day, each given a time: office hours on working days (with some out
    of hours, e.g. police overnight), any hour at weekends. In day order, not sorted within it."""
    counts = rng.poisson(expected)
    day = np.repeat(np.asarray(days, dtype="M8[D]"), counts)
    weekday = ((day.astype(np.int64) + 3) % 7) < 5
    office = weekday & (rng.random(len(day)) < 0.86)
    seconds = np.where(
        office,
        8.5 * 3600 + rng.random(len(day)) * 9 * 3600,
        rng.random(len(day)) * SECONDS_PER_DAY,
    ).astype(np.int64)
    return day.astype("M8[s]") + seconds.astype("m8[s]")


def day_range(first: np.datetime64, last: np.datetime64) -> np.ndarray:
    return np.arange(first, last + DAY, dtype="M8[D]")
