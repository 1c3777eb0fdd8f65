"""Turning one value of a return into the text the contract's parsers accept, by the field's
specification, or a reason it cannot be.

Out come: dates as YYYY-MM-DD, codes as the contract spells them (a code list given as a mapping
translates the return's code, SEX 1 -> M), flags as Y/N, identifiers trimmed (a spreadsheet's
12.0 is 12). A value that breaks its field's specification raises ValueProblem with the reason;
the caller turns that into a rejected row, never a dropped one.
"""

from __future__ import annotations

import datetime as dt
import math
import re

DEFAULT_FLAG_VALUES = {"Y": ("1", "true", "y", "yes"), "N": ("0", "false", "n", "no")}
# Excel writes these for a formula that failed; they are not values of any field.
EXCEL_ERRORS = frozenset(
    ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
)
# Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in); serials beyond 9999-12-31 are
# not dates.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2_958_465
_EXCEL_INTEGER = re.compile(r"^(\d+)\.0+$")
# Annex A's drop-downs letter their options: "a) N1: Abuse or neglect", "q) 6: Police", "a. Yes".
_LETTER_PREFIX = re.compile(r"^\(?[a-z]{1,2}[).]\s+", re.IGNORECASE)
_LEADING_CODE = re.compile(r"^([A-Za-z0-9]+)(?:\s*[:\u2013\-]\s*|\s+|$)")
_SPACES = re.compile(r"\s+")


class ValueProblem(ValueError):
    """The value breaks its field's specification; the message is the reason."""


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def is_excel_error(raw) -> bool:
    return isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS


def normalise(
    field: dict,
    raw,
    date_formats: tuple[str, ...],
    *,
    value_forms: bool = False,
    flag_values: dict | None = None,
) -> str | None:
    """The contract's text for `raw` (None for a blank value), or ValueProblem.

    value_forms: accept a code written with its label or an option letter (Annex A's forms), not
    only the bare code.
    """
    if is_blank(raw):
        if field.get("required"):
            raise ValueProblem("required value is blank")
        return None
    kind = field["kind"]
    if is_excel_error(raw) and kind != "text":
        raise ValueProblem(f"an Excel error value ({raw.strip()}), not a value")
    if kind == "id":
        return _identifier(raw)
    if kind == "text":
        return _text(raw)
    if kind == "date":
        return _date(raw, date_formats)
    if kind == "code":
        return _code(field, raw, value_forms)
    if kind == "code_or_text":
        try:
            return _code(field, raw, value_forms=True)
        except ValueProblem:
            return _text(raw)
    if kind == "flag":
        return _flag(field, raw, flag_values or DEFAULT_FLAG_VALUES)
    if kind == "integer":
        return _integer(raw)
    if kind == "number":
        return _number(field, raw)
    raise ValueError(f"unknown field kind {kind!r}")


def normalise_text(text: str) -> str:
    """Lower case, runs of white space (a non-breaking space too) made one space, trimmed."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().lower()


def _text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _identifier(raw) -> str:
    if isinstance(raw, bool):
        raise ValueProblem("not an identifier (a true/false value)")
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        raise ValueProblem("not an identifier (a number with a fraction)")
    if isinstance(raw, dt.date):
        raise ValueProblem("not an identifier (a date)")
    text = str(raw).strip()
    match = _EXCEL_INTEGER.match(text)
    return match.group(1) if match else text


def _date(raw, formats: tuple[str, ...]) -> str:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, bool):
        raise ValueProblem("not a date")
    if isinstance(raw, int | float):
        # A number in a date column of a workbook is Excel's day count.
        if not math.isfinite(raw) or not 1 <= raw <= _EXCEL_MAX_SERIAL:
            raise ValueProblem("not a date (a number outside Excel's date range)")
        return (_EXCEL_EPOCH + dt.timedelta(days=int(raw))).isoformat()
    text = str(raw).strip()
    # A datetime written as text ("2018-03-31 00:00:00", "31/03/2018 00:00"): the day is the date.
    day_text = text.split(" ")[0] if " " in text else text
    for fmt in formats:
        try:
            day = dt.datetime.strptime(day_text, fmt).date()
        except ValueError:
            continue
        if day.year < 1900:
            raise ValueProblem("not a date (a year before 1900: write the year in full)")
        return day.isoformat()
    expected = " or ".join(_describe_format(f) for f in formats)
    raise ValueProblem(f"not a date (expected {expected})")


def _describe_format(fmt: str) -> str:
    return fmt.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY")


def _code(field: dict, raw, value_forms: bool) -> str:
    codes = field.get("codes") or ()
    lookup = {str(k).upper(): (codes[k] if isinstance(codes, dict) else k) for k in codes}
    text = _text(raw)
    found = lookup.get(text.upper())
    if found is None and value_forms:
        found = _code_in_form(text, lookup, field.get("labels") or {})
    if found is None:
        raise ValueProblem("not a code of the year's code list")
    return str(found)


def _code_in_form(text: str, lookup: dict, labels: dict) -> str | None:
    rest = _LETTER_PREFIX.sub("", text.strip())
    match = _LEADING_CODE.match(rest)
    if match and match.group(1).upper() in lookup:
        return lookup[match.group(1).upper()]
    label = normalise_text(rest)
    by_label = {normalise_text(k): v for k, v in labels.items()}
    if label in by_label:
        return by_label[label]
    return None


def _flag(field: dict, raw, flag_values: dict) -> str:
    if isinstance(raw, bool):
        return "Y" if raw else "N"
    if isinstance(raw, int | float) and raw in (0, 1):
        return "Y" if raw == 1 else "N"
    text = normalise_text(str(raw))
    extra = field.get("extra_flag_values") or {}
    for flag in ("Y", "N"):
        forms = tuple(flag_values.get(flag, ())) + tuple(extra.get(flag, ()))
        if text in {normalise_text(str(f)) for f in forms}:
            return flag
    raise ValueProblem("not a yes/no value")


def _integer(raw) -> str:
    if isinstance(raw, bool):
        raise ValueProblem("not a whole number")
    try:
        number = float(str(raw).strip())
    except ValueError:
        raise ValueProblem("not a whole number") from None
    if not math.isfinite(number) or not number.is_integer():
        raise ValueProblem("not a whole number")
    return str(int(number))


def _number(field: dict, raw) -> str:
    if isinstance(raw, bool):
        raise ValueProblem("not a number")
    text = str(raw).strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueProblem("not a number") from None
    if not math.isfinite(number):
        raise ValueProblem("not a finite number")
    low, high = field.get("minimum"), field.get("maximum")
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueProblem(f"outside the year's range ({low} to {high})")
    return text
