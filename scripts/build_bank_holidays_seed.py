"""Generate seeds/bank_holidays.csv: England and Wales bank holidays, 2000-2035 inclusive.

Standard library only, deterministic (same output on every run). The rules:

- New Year's Day, 1 January; if it falls at a weekend, the following Monday is the substitute day.
- Good Friday and Easter Monday (Easter Sunday by the anonymous Gregorian algorithm).
- Early May bank holiday: the first Monday in May (2020: moved to Friday 8 May, VE Day 75).
- Spring bank holiday: the last Monday in May (moved in jubilee years: 2002 to Tuesday 4 June,
  2012 to Monday 4 June, 2022 to Thursday 2 June).
- Summer bank holiday: the last Monday in August.
- Christmas Day and Boxing Day, with substitute days when either falls at a weekend (the next
  weekday not already a holiday: 2021 gives Mon 27 and Tue 28 December; 2022 gives Boxing Day
  Mon 26 and the Christmas substitute Tue 27 December).
- One-off holidays: 2002-06-03 Golden Jubilee, 2011-04-29 Royal wedding, 2012-06-05 Diamond
  Jubilee, 2022-06-03 Platinum Jubilee, 2022-09-19 State Funeral of Queen Elizabeth II,
  2023-05-08 Coronation of King Charles III. (1999-12-31, the Millennium holiday, is outside
  the range.)

Years after those announced by GOV.UK (2027 onwards) are projections from the standard rules.

Usage (from the repository root):
    python scripts/build_bank_holidays_seed.py            # (re)write seeds/bank_holidays.csv
    python scripts/build_bank_holidays_seed.py --check    # exit 1 if the file is out of date
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import date, timedelta
from pathlib import Path

from seed_output import write_or_check

FIRST_YEAR = 2000
LAST_YEAR = 2035
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "seeds" / "bank_holidays.csv"
HEADER = ("holiday_date", "holiday_name")
SUBSTITUTE = " (substitute day)"

# Standard holidays moved by proclamation: year -> (standard name, moved date, new name).
MOVED = {
    (2020, "Early May bank holiday"): (date(2020, 5, 8), "Early May bank holiday (VE Day)"),
    (2002, "Spring bank holiday"): (date(2002, 6, 4), "Spring bank holiday"),
    (2012, "Spring bank holiday"): (date(2012, 6, 4), "Spring bank holiday"),
    (2022, "Spring bank holiday"): (date(2022, 6, 2), "Spring bank holiday"),
}

# Additional one-off bank holidays.
ONE_OFF = {
    date(2002, 6, 3): "Golden Jubilee of Queen Elizabeth II",
    date(2011, 4, 29): "Wedding of Prince William and Catherine Middleton",
    date(2012, 6, 5): "Diamond Jubilee of Queen Elizabeth II",
    date(2022, 6, 3): "Platinum Jubilee of Queen Elizabeth II",
    date(2022, 9, 19): "State Funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Coronation of King Charles III",
}


def easter_sunday(year: int) -> date:
    """Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(0 - d.weekday()) % 7)


def last_monday(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    d = nxt - timedelta(days=1)
    return d - timedelta(days=d.weekday())


def holidays_for_year(year: int) -> dict[date, str]:
    out: dict[date, str] = {}

    def add(d: date, name: str) -> None:
        if d in out:
            raise ValueError(f"two holidays on {d}: {out[d]!r} and {name!r}")
        out[d] = name

    def standard(d: date, name: str) -> None:
        moved = MOVED.get((year, name))
        if moved is not None:
            d, name = moved
        add(d, name)

    # New Year's Day: a weekend date moves to the following Monday.
    ny = date(year, 1, 1)
    if ny.weekday() >= 5:
        add(ny + timedelta(days=7 - ny.weekday()), "New Year's Day" + SUBSTITUTE)
    else:
        add(ny, "New Year's Day")

    easter = easter_sunday(year)
    standard(easter - timedelta(days=2), "Good Friday")
    standard(easter + timedelta(days=1), "Easter Monday")
    standard(first_monday(year, 5), "Early May bank holiday")
    standard(last_monday(year, 5), "Spring bank holiday")
    standard(last_monday(year, 8), "Summer bank holiday")

    # Christmas Day and Boxing Day. A weekday date is the holiday itself; a weekend date is
    # replaced by the next weekday that is not already a holiday (Boxing Day on a Monday keeps
    # the 26th, so a Sunday Christmas moves to the Tuesday).
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if boxing.weekday() < 5:
        add(boxing, "Boxing Day")
    for d, name in ((christmas, "Christmas Day"), (boxing, "Boxing Day")):
        if d.weekday() < 5:
            if d == christmas:
                add(d, name)
            continue
        sub = d + timedelta(days=1)
        while sub.weekday() >= 5 or sub in out:
            sub += timedelta(days=1)
        add(sub, name + SUBSTITUTE)

    for d, name in ONE_OFF.items():
        if d.year == year:
            add(d, name)
    return out


def build_rows(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for year in range(first, last + 1):
        for d, name in sorted(holidays_for_year(year).items()):
            if d.weekday() >= 5:
                raise ValueError(f"bank holiday on a weekend: {d} {name}")
            rows.append((d.isoformat(), name))
    return rows


def render(rows: list[tuple[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV to write")
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the CSV differs"
    )
    args = parser.parse_args(argv)

    rows = build_rows()
    text = render(rows)
    return write_or_check(args.out, text, len(rows), args.check, __file__)


if __name__ == "__main__":
    sys.exit(main())
