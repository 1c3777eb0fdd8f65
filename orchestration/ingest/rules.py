"""The contract's cell rules (`parse.py`) as DuckDB SQL over a whole column of text.

`parse.py` states the rules in Python, one cell at a time; this module says the same in SQL so
that a staged table is parsed by the database in one pass. For every kind of column it gives the
typed value and the reason a cell is rejected, exactly as `parse_cell` would:

- blank (None, or only white space as Python's `str.strip` sees it): None, or "required value is
  blank";
- values that are pure ASCII (nearly all of them): regular expressions, casts and a join to the
  code lists, each written to give `parse_cell`'s value and its very words;
- anything else in a typed column (an id with a non-ASCII character, a date written in Arabic
  digits, a code typed with a Kelvin sign): `parse_cell` itself, called by DuckDB for those cells
  only (a Python function registered on the connection).

`tests/test_ingest_rules.py` holds the two to each other on thousands of generated values of
every kind.
"""

from __future__ import annotations

import duckdb

from orchestration import extracts as x
from orchestration.ingest.parse import CellError, describe_character, parse_cell

# Python's white space (str.isspace), which str.strip removes: DuckDB's trim() is given the set.
WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
_WHITESPACE_SQL = "'" + WHITESPACE + "'"  # no quote among them, no NUL


def trimmed(raw: str) -> str:
    """SQL: `raw` without Python's white space at either end. DuckDB's trim() with a set of 29
    characters is slow, so values that start and end with a visible ASCII character (nearly
    all; every white space character is below '!' or beyond ASCII) are taken as they are."""
    return (
        f"(case when {raw}[1] > ' ' and {raw}[-1] > ' ' and {raw}[1] < chr(128) "
        f"and {raw}[-1] < chr(128) then {raw} else trim({raw}, {_WHITESPACE_SQL}) end)"
    )


ASCII_WHITESPACE_CLASS = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"
_DIGIT_PART = "[0-9](?:_?[0-9])*"

SQL_TYPES = {
    x.ID: "varchar",
    x.TEXT: "varchar",
    x.CODE: "varchar",
    x.DATE: "date",
    x.DATETIME: "timestamp",
    x.FLAG: "boolean",
    x.NUMBER: "double",
    x.INTEGER: "bigint",
}
# Kinds whose values the SQL rules read only when ASCII (the rest go to parse_cell).
ASCII_RULED = (x.ID, x.CODE, x.DATE, x.DATETIME, x.FLAG, x.NUMBER, x.INTEGER)

BLANK = "required value is blank"
NOT_A_DATE = "not a date (expected YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM)"
TWO_DIGIT_YEAR = "two-digit year: write the year in full (DD/MM/YYYY)"
ISO_DATE = (
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?)?$"
)
UK_DATE = (
    r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{2,4})"
    rf"(?:{ASCII_WHITESPACE_CLASS}+([0-9]{{1,2}}):([0-9]{{2}})(?::([0-9]{{2}}))?)?$"
)
# Python's float(): digits with single underscores between them, a point, an exponent, or the
# words inf, infinity and nan in any case (which are not finite).
FLOAT = (
    rf"^[+-]?(?:{_DIGIT_PART}(?:\.(?:{_DIGIT_PART})?)?|\.{_DIGIT_PART})"
    rf"(?:[eE][+-]?{_DIGIT_PART})?$"
)
# Both, in one pattern: groups 1-6 the ISO form's, 7-12 the UK form's (day, month, year first).
DATE_PATTERN = "^(?:" + ISO_DATE[1:-1] + "|" + UK_DATE[1:-1] + ")$"
NOT_FINITE = r"^[+-]?(?i:inf|infinity|nan)$"
_INVISIBLE_ASCII = r"[\x00-\x1f\x7f]"
_INT64_LIMIT = "9223372036854775808.0"  # 2**63: a float at least this is beyond a bigint


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def prepared(column: x.Column, raw: str, alias: str) -> list[str]:
    """Select items computed once per cell, named `<alias>_<part>`: the trimmed text `_s`, whether
    the cell is ASCII `_a`, and for dates the two date patterns' groups. `raw` is the SQL of the
    cell's text."""
    items = [
        f"{trimmed(raw)} as {alias}_s",
        f"strlen({raw}) = length({raw}) as {alias}_a",
    ]
    if column.kind in (x.DATE, x.DATETIME):
        # One pass of one pattern: ISO's six groups, then the UK form's.
        groups = "['y', 'mo', 'd', 'h', 'mi', 'se', 'ud', 'umo', 'uy', 'uh', 'umi', 'use']"
        items.append(
            f"regexp_extract({trimmed(raw)}, {sql_string(DATE_PATTERN)}, {groups}) as {alias}_dt"
        )
    return items


def date_parts(column: x.Column, alias: str) -> list[str]:
    """Select items over `prepared`'s (a second layer, so that each is computed once): a date
    cell's year, month, day, hours, minutes and seconds as integers (0 when absent), and which
    form it was written in."""
    if column.kind not in (x.DATE, x.DATETIME):
        return []
    m = f"{alias}_dt"
    is_iso = f"({m}.y <> '')"
    items = [f"{is_iso} as {alias}_is_iso", f"({m}.uy <> '') as {alias}_is_uk"]
    items.append(f"length({m}.uy) as {alias}_uk_year_digits")
    for name in ("y", "mo", "d", "h", "mi", "se"):
        text = f"(case when {is_iso} then {m}.{name} else {m}.u{name} end)"
        items.append(f"coalesce(try_cast(nullif({text}, '') as integer), 0) as {alias}_{name}")
    return items


def _date_parts(alias: str) -> dict[str, str]:
    names = ("is_iso", "is_uk", "uk_year_digits", "y", "mo", "d", "h", "mi", "se")
    return {name: f"{alias}_{name}" for name in names}


def _date_reason(alias: str) -> str:
    p = _date_parts(alias)
    days = f"day(last_day(make_date({p['y']}, {p['mo']}, 1)))"
    return f"""case
        when not {p["is_iso"]} and not {p["is_uk"]} then {sql_string(NOT_A_DATE)}
        when not {p["is_iso"]} and {p["uk_year_digits"]} <> 4 then {sql_string(TWO_DIGIT_YEAR)}
        when {p["y"]} < 1 then 'impossible date (year ' || {p["y"]} || ' is out of range)'
        when {p["mo"]} not between 1 and 12 then 'impossible date (month must be in 1..12)'
        when {p["d"]} < 1 or {p["d"]} > {days} then
            'impossible date (day is out of range for month)'
        when {p["h"]} > 23 then 'impossible date (hour must be in 0..23)'
        when {p["mi"]} > 59 then 'impossible date (minute must be in 0..59)'
        when {p["se"]} > 59 then 'impossible date (second must be in 0..59)'
    end"""


def _ascii_reason_and_value(column: x.Column, alias: str, code: str) -> tuple[str, str]:
    """(reason, value) SQL for an ASCII, non-blank cell; `code` is the code-list join's code."""
    s = f"{alias}_s"
    kind = column.kind
    if kind == x.ID:
        reason = (
            f"case when regexp_matches({s}, '{_INVISIBLE_ASCII}') then "
            f"'identifier contains the invisible character ' || "
            f"csc_describe_character(regexp_extract({s}, '{_INVISIBLE_ASCII}')) end"
        )
        return reason, f"regexp_replace({s}, '^([0-9]+)\\.0+$', '\\1')"
    if kind == x.TEXT:
        return "null", s
    if kind == x.CODE:
        return f"case when {code} is null then 'unknown code' end", code
    if kind in (x.DATE, x.DATETIME):
        p = _date_parts(alias)
        # try(): the value is computed for every cell, also those the reason rejects.
        value = (
            f"try(make_date({p['y']}, {p['mo']}, {p['d']}))"
            if kind == x.DATE
            else f"try(make_timestamp({p['y']}, {p['mo']}, {p['d']}, {p['h']}, {p['mi']}, "
            f"{p['se']}))"
        )
        return _date_reason(alias), value
    if kind == x.FLAG:
        value = (
            f"case when lower({s}) in ('y', 'yes', '1', 'true') then true "
            f"when lower({s}) in ('n', 'no', '0', 'false') then false end"
        )
        return f"case when ({value}) is null then 'not a Y/N flag' end", value
    number = f"try_cast(replace({s}, '_', '') as double)"
    number_reason = f"""case
        when regexp_matches({s}, {sql_string(NOT_FINITE)}) then 'not a finite number'
        when not regexp_matches({s}, {sql_string(FLOAT)}) then 'not a number'
        when {number} is null or isinf({number}) or isnan({number}) then 'not a finite number'
    end"""
    if kind == x.NUMBER:
        return number_reason, number
    if kind == x.INTEGER:
        reason = f"""coalesce({number_reason}, case
            when {number} <> trunc({number}) then 'not a whole number'
            when abs({number}) >= {_INT64_LIMIT} then 'whole number too large'
        end)"""
        return reason, f"try(cast({number} as bigint))"
    raise ValueError(f"unknown column kind {kind!r}")


def parsed(column: x.Column, extract: x.Extract, raw: str, alias: str, code: str) -> tuple:
    """(reason, typed value) SQL for the cell `raw` (with `prepared` items under `alias`):
    reason NULL when the cell is fine; the value is NULL when the cell is blank and means
    nothing when the reason rejects it."""
    s, ascii_ = f"{alias}_s", f"{alias}_a"
    ascii_reason, ascii_value = _ascii_reason_and_value(column, alias, code)
    sql_type = SQL_TYPES[column.kind]
    blank = f"({s} is null or {s} = '')"
    blank_reason = sql_string(BLANK) if column.required else "null"
    if column.kind in ASCII_RULED:
        cell = f"csc_parse_cell({sql_string(extract.name)}, {sql_string(column.name)}, {raw})"
        reason = (
            f"case when {blank} then {blank_reason} when {ascii_} then {ascii_reason} "
            f"else ({cell}).reason end"
        )
        value = (
            f"case when {blank} then null when {ascii_} then {ascii_value} "
            f"else cast(({cell}).value as {sql_type}) end"
        )
    else:
        reason = f"case when {blank} then {blank_reason} end"
        value = f"case when {blank} then null else {ascii_value} end"
    return reason, value


def key_text(column: x.Column, value: str) -> str:
    """The key's text of a parsed value, as the record id shows it (a date without its time)."""
    if column.kind == x.DATETIME:
        return f"cast(cast({value} as date) as varchar)"
    return f"cast({value} as varchar)"


def _value_text(kind: str, value) -> str:
    if kind == x.DATE:
        return value.isoformat()
    if kind == x.DATETIME:
        return value.isoformat(sep=" ")
    if kind == x.FLAG:
        return "true" if value else "false"
    if kind == x.NUMBER:
        return repr(value)
    return str(value)


def register_cell_parser(con: duckdb.DuckDBPyConnection) -> None:
    """`csc_parse_cell(extract, column, text)`: parse.py's verdict on one cell, as a struct of
    the value's text and the reason; DuckDB calls it only for the cells the SQL does not rule."""

    def parse(extract: str, column_name: str, text: str | None) -> dict:
        column = x.EXTRACTS_BY_NAME[extract].column(column_name)
        try:
            value = parse_cell(column, text)
        except CellError as exc:
            return {"value": None, "reason": str(exc)}
        return {"value": None if value is None else _value_text(column.kind, value), "reason": None}

    for name in ("csc_parse_cell", "csc_describe_character"):
        try:
            con.remove_function(name)
        except Exception:  # noqa: BLE001 - not registered yet on this connection
            pass
    con.create_function(
        "csc_parse_cell",
        parse,
        ["VARCHAR", "VARCHAR", "VARCHAR"],
        "STRUCT(value VARCHAR, reason VARCHAR)",
        null_handling="special",
        side_effects=False,
    )
    # The name of an invisible character found in an id ("U+001B (ESC)"), for rejected cells.
    con.create_function(
        "csc_describe_character", describe_character, ["VARCHAR"], "VARCHAR", side_effects=False
    )
