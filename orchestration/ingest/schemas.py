"""The pandera schema of every extract, generated from the extract contract (`extracts.py`).

The contract is the one statement of each extract's columns, their kinds, which are required,
their code lists and ranges, and which dates may lie in the future or must be month ends; this
module turns each extract into a pandera DataFrameSchema for pandera's Ibis backend, which
validates a table in the working DuckDB database itself (each check is a query; no row reaches
Python unless it fails). The schema is applied to the rows that parsed (`validate.py`: the casts,
code lists, blank required values and duplicate keys are SQL over the whole staged table), as the
hand-written pandas models were before, and holds the rules that need the typed value or the
whole row:

- every column's type, and required columns non-null;
- code lists (`isin`) and ranges (`ge`, `le`), also where the parse has already held the value
  to them, so the schema states the whole contract;
- dates: none before 1900, and none after the day of loading unless the contract says the date
  may be in the future (`Column.future`: an expected date of birth, a review's due date);
- month-end dates (`Column.month_end`) and the columns of which one must be filled
  (`Extract.one_of`).

An end date before its start (`Extract.date_order`) is not a check: the row loads, and dbt leaves
it out of the measures that need the interval (audit.kpi_exclusions, audit.date_contradictions).

Check names are the rejection reasons `validate.py` writes (pandera's built-in `isin`, `ge` and
`le` are named by pandera and translated there). "Today" is read when a schema is made, never at
import, so a long-running `dagster dev` stays correct.
"""

from __future__ import annotations

import datetime as dt

from orchestration import extracts as x

EARLIEST = dt.date(1900, 1, 1)
FUTURE_OR_BEFORE_1900 = "date in the future or before 1900"
BEFORE_1900 = "date before 1900"
NOT_A_MONTH_END = "not a month end"

# The DuckDB (Ibis) type each kind of column has once parsed.
IBIS_TYPES = {
    x.ID: "string",
    x.TEXT: "string",
    x.CODE: "string",
    x.DATE: "date",
    x.DATETIME: "timestamp(6)",
    x.FLAG: "boolean",
    x.NUMBER: "float64",
    x.INTEGER: "int64",
}


def _date_checks(column: x.Column, today: dt.date) -> list:
    import ibis
    from pandera.api.checks import Check

    if column.kind == x.DATETIME:
        earliest = ibis.literal(dt.datetime.combine(EARLIEST, dt.time()))
        tomorrow = ibis.literal(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    else:
        earliest = ibis.literal(EARLIEST)
        tomorrow = ibis.literal(today + dt.timedelta(days=1))
    checks = []
    if column.future:
        checks.append(Check(lambda data: data.table[data.key] >= earliest, name=BEFORE_1900))
    else:
        checks.append(
            Check(
                lambda data: (data.table[data.key] >= earliest) & (data.table[data.key] < tomorrow),
                name=FUTURE_OR_BEFORE_1900,
            )
        )
    if column.month_end:
        checks.append(Check(lambda data: _is_month_end(data.table[data.key]), name=NOT_A_MONTH_END))
    return checks


def _is_month_end(date):
    """The date is its month's last day (said with the calendar's rules: Ibis's interval
    arithmetic does not compile on this stack)."""
    import ibis

    year, month = date.year(), date.month()
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = ibis.cases(
        (month == 2, ibis.ifelse(leap, 29, 28)),
        (month.isin([4, 6, 9, 11]), 30),
        else_=31,
    )
    return date.day() == days


def _column(column: x.Column, today: dt.date):
    import ibis
    import pandera.ibis as pa
    from pandera.api.checks import Check

    checks = []
    if column.codes is not None:
        checks.append(Check.isin(list(column.codes)))
    if column.minimum is not None:
        checks.append(Check.ge(column.minimum))
    if column.maximum is not None:
        checks.append(Check.le(column.maximum))
    if column.kind in (x.DATE, x.DATETIME):
        checks += _date_checks(column, today)
    return pa.Column(
        ibis.dtype(IBIS_TYPES[column.kind]), checks=checks, nullable=not column.required
    )


def _one_of_check(extract: x.Extract):
    from pandera.api.checks import Check

    names = extract.one_of

    def any_filled(data):
        filled = data.table[names[0]].notnull()
        for name in names[1:]:
            filled = filled | data.table[name].notnull()
        return filled

    # Reported against the first column: "<column>: <reason>".
    return Check(any_filled, name=f"{names[0]}: {extract.one_of_reason}")


def extract_schema(extract: x.Extract, today: dt.date | None = None):
    """The pandera (Ibis) DataFrameSchema of `extract`, with `today` as the day of loading.

    Extra columns are allowed (the source contract keeps them in raw), so is the loader's own
    `_position`; the schema is not strict and does not coerce: the types are the parse's.
    """
    import pandera.ibis as pa

    today = today or dt.date.today()
    return pa.DataFrameSchema(
        {column.name: _column(column, today) for column in extract.columns},
        checks=[_one_of_check(extract)] if extract.one_of else [],
        name=extract.name,
        strict=False,
        coerce=False,
    )


class ExtractSchema:
    """One extract's schema, made from the contract when asked for (so "today" is today)."""

    def __init__(self, extract: x.Extract):
        self.extract = extract

    def to_schema(self, today: dt.date | None = None):
        return extract_schema(self.extract, today)


MODELS: dict[str, ExtractSchema] = {e.name: ExtractSchema(e) for e in x.EXTRACTS}
