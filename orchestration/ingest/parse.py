"""Turning one text cell into a typed value by the column's kind, or a reason it cannot be.

This is the statement of the cell rules; ingest applies them in SQL over whole columns
(`rules.py`, held to this module by tests/test_ingest_rules.py) and calls `parse_cell` itself only
for the cells the SQL leaves to it (non-ASCII text in a typed column).

The file rules of the source contract: IDs are trimmed strings (Excel's `12.0` is `12`, leading
zeros kept); dates are `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, `DD/MM/YYYY` or `DD/MM/YYYY HH:MM`;
flags are Y/N, 1/0, true/false or yes/no in any case; codes are matched ignoring case.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from orchestration import extracts as x

_EXCEL_INTEGER = re.compile(r"^(\d+)\.0+$")
_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$"
)
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_FLAGS = {"y": True, "yes": True, "1": True, "true": True, "n": False, "no": False, "0": False}
_FLAGS["false"] = False


class CellError(ValueError):
    """The cell's text is not a valid value of its column's kind; the message is the reason."""


# Names for the control characters unicodedata leaves unnamed, as a reader would know them.
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
                  0x0D: "CARRIAGE RETURN", 0x1B: "ESC", 0x7F: "DELETE"}  # fmt: skip


def describe_character(char: str) -> str:
    """`U+001B (ESC)`: a character named so that the message shows it without containing it."""
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "control character")
    return f"U+{ord(char):04X} ({name})"


def invisible_character(text: str) -> str | None:
    """The first control or format character in `text` (NUL, ESC, a zero-width space, a
    right-to-left override ...), or None. Such a character makes two ids that look the same
    differ, or makes an id display as another."""
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf"):
            return char
    return None


def parse_id(text: str) -> str:
    value = text.strip()
    char = invisible_character(value)
    if char is not None:
        raise CellError(f"identifier contains the invisible character {describe_character(char)}")
    match = _EXCEL_INTEGER.match(value)
    return match.group(1) if match else value


def parse_datetime(text: str) -> dt.datetime:
    value = text.strip()
    if match := _ISO_DATE.match(value):
        year, month, day = (int(g) for g in match.group(1, 2, 3))
    elif match := _UK_DATE.match(value):
        day, month, year = (int(g) for g in match.group(1, 2, 3))
        if len(match.group(3)) != 4:
            # 05/06/18 could be 1918 or 2018 for a date of birth; refuse rather than guess.
            raise CellError("two-digit year: write the year in full (DD/MM/YYYY)")
    else:
        raise CellError("not a date (expected YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM)")
    hour, minute, second = (int(g) if g else 0 for g in match.group(4, 5, 6))
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise CellError(f"impossible date ({exc})") from None


def parse_date(text: str) -> dt.date:
    return parse_datetime(text).date()


def parse_flag(text: str) -> bool:
    try:
        return _FLAGS[text.strip().lower()]
    except KeyError:
        raise CellError("not a Y/N flag") from None


_INT64_MAX = 2**63 - 1


def parse_number(text: str) -> float:
    try:
        number = float(text.strip())
    except ValueError:
        raise CellError("not a number") from None
    if not math.isfinite(number):
        raise CellError("not a finite number")
    return number


def parse_integer(text: str) -> int:
    number = parse_number(text)
    if not number.is_integer():
        raise CellError("not a whole number")
    if abs(number) > _INT64_MAX:
        # A 64-bit column cannot hold it; without this check the load crashed (OverflowError).
        raise CellError("whole number too large")
    return int(number)


def parse_code(text: str, codes: tuple[str, ...]) -> str:
    value = text.strip()
    for code in codes:
        if code.lower() == value.lower():
            return code
    raise CellError("unknown code")


def parse_cell(column: x.Column, text: str | None):
    """The typed value of a cell, None for a blank one; raises CellError with the reason."""
    if text is None or not text.strip():
        if column.required:
            raise CellError("required value is blank")
        return None
    kind = column.kind
    if kind == x.ID:
        return parse_id(text)
    if kind == x.TEXT:
        return text.strip()
    if kind == x.CODE:
        return parse_code(text, column.codes or ())
    if kind == x.DATE:
        return parse_date(text)
    if kind == x.DATETIME:
        return parse_datetime(text)
    if kind == x.FLAG:
        return parse_flag(text)
    if kind == x.NUMBER:
        return parse_number(text)
    if kind == x.INTEGER:
        return parse_integer(text)
    raise ValueError(f"unknown column kind {kind!r}")
