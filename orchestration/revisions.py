"""What changed after a month was published: the KPI values of every published build, kept in a
history database of their own (CSC_HISTORY_DB), apart from the warehouse, which is rebuilt from
scratch every night, and from the analyst database, which is replaced by each publication.

Each publication (orchestration/publish.py):
1. `stage`, while the new analyst database is being written: opens the history database,
   drops the rows of any build that staged but never published (killed between the two steps),
   prunes published builds older than CSC_HISTORY_DAYS, adds this build's `marts.kpi_values`
   as *pending*, and writes into the new analyst database `marts.kpi_value_history` (every
   published build's values and this one's) and `marts.kpi_revisions` (below);
2. `confirm`, once the new analyst database has taken the old one's name: marks the build
   published and records the first publication of every figure it holds for the first time.

`marts.kpi_revisions`: one row per KPI, window and month of this build, with the value first
published (kept in `kpi_first_published`, never pruned, so "first published" survives the
retention), the value the previous published build had, the value now, the differences, when
the value last changed, and whether the change exceeds CSC_REVISION_THRESHOLD (percentage points
for percentages, per cent of the first value otherwise). Values are compared rounded to six
decimal places, so floating-point noise is not a revision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.permissions import make_private

SCHEMA = """
create table if not exists kpi_value_history (
    build_id varchar not null,
    published_at timestamp not null,
    state varchar not null,  -- pending (staged, not yet published) or published
    kpi_id varchar not null,
    period_end date not null,
    period_type varchar not null,
    unit varchar,
    numerator double,
    denominator double,
    value double
);
create table if not exists kpi_first_published (
    kpi_id varchar not null,
    period_end date not null,
    period_type varchar not null,
    build_id varchar not null,
    published_at timestamp not null,
    numerator double,
    denominator double,
    value double,
    primary key (kpi_id, period_end, period_type)
);
"""


@dataclass(frozen=True)
class HistorySettings:
    path: Path  # CSC_HISTORY_DB
    keep_days: int  # CSC_HISTORY_DAYS: published builds older than this are pruned (0: never)
    threshold: float  # CSC_REVISION_THRESHOLD


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    make_private(path)
    con.execute(SCHEMA)
    return con


def stage(
    analyst: duckdb.DuckDBPyConnection,
    history: HistorySettings,
    build_id: str,
    published_at: dt.datetime,
) -> None:
    """Add this build's values to the history as pending and write marts.kpi_value_history and
    marts.kpi_revisions into the analyst database being built (`analyst`, which holds
    marts.kpi_values already)."""
    con = _open(history.path)
    try:
        con.execute("begin")
        con.execute("delete from kpi_value_history where state = 'pending'")
        if history.keep_days > 0:
            cutoff = published_at - dt.timedelta(days=history.keep_days)
            con.execute("delete from kpi_value_history where published_at < ?", [cutoff])
        con.execute("commit")
    finally:
        con.close()
    analyst.execute("attach ? as history", [str(history.path)])
    try:
        analyst.execute(
            "insert into history.kpi_value_history select ?, ?, 'pending', kpi_id, period_end, "
            "period_type, unit, numerator, denominator, value from marts.kpi_values",
            [build_id, published_at],
        )
        analyst.execute(
            "create table marts.kpi_value_history as "
            "select build_id, published_at, kpi_id, period_end, period_type, unit, numerator, "
            "denominator, value from history.kpi_value_history "
            "where state = 'published' or build_id = ? order by published_at, kpi_id, "
            "period_end, period_type",
            [build_id],
        )
        analyst.execute(_REVISIONS, [history.threshold, history.threshold, build_id])
    finally:
        analyst.execute("detach history")


def confirm(history: HistorySettings, build_id: str) -> None:
    """The build's analyst database is published: its history rows are too, and the figures it
    is the first to publish get their first publication."""
    con = _open(history.path)
    try:
        con.execute("begin")
        con.execute(
            "update kpi_value_history set state = 'published' where build_id = ?", [build_id]
        )
        con.execute(
            "insert into kpi_first_published select kpi_id, period_end, period_type, build_id, "
            "published_at, numerator, denominator, value from kpi_value_history as h "
            "where build_id = ? and not exists (select 1 from kpi_first_published as f "
            "where f.kpi_id = h.kpi_id and f.period_end = h.period_end "
            "and f.period_type = h.period_type)",
            [build_id],
        )
        con.execute("commit")
    finally:
        con.close()


# Parameters: the threshold (twice), the current build id.
_REVISIONS = """
create table marts.kpi_revisions as
with

history_rows as (

    select *, round(value, 6) as rounded
    from marts.kpi_value_history

),

sequenced as (

    select
        history_rows.*,
        lag(rounded) over figure as previous_rounded,
        lag(build_id) over figure as previous_build_id,
        lag(value) over figure as previous_value,
        row_number() over figure as build_number
    from history_rows
    window figure as (
        partition by kpi_id, period_end, period_type order by published_at, build_id
    )

),

changes as (

    select kpi_id, period_end, period_type, max(published_at) as changed_at
    from sequenced
    where build_number > 1 and rounded is distinct from previous_rounded
    group by all

),

earliest as (

    select kpi_id, period_end, period_type, build_id, published_at, numerator, denominator,
        value
    from sequenced
    where build_number = 1

),

current as (

    select * from sequenced where build_id = $3

),

first_published as (

    select
        current.kpi_id, current.period_end, current.period_type,
        coalesce(kept.build_id, earliest.build_id) as first_build_id,
        coalesce(kept.published_at, earliest.published_at) as first_published_at,
        case when kept.build_id is not null then kept.numerator else earliest.numerator end
            as first_numerator,
        case when kept.build_id is not null then kept.denominator else earliest.denominator end
            as first_denominator,
        case when kept.build_id is not null then kept.value else earliest.value end
            as first_value
    from current
    left join history.main.kpi_first_published as kept
        on current.kpi_id = kept.kpi_id
        and current.period_end = kept.period_end
        and current.period_type = kept.period_type
    left join earliest
        on current.kpi_id = earliest.kpi_id
        and current.period_end = earliest.period_end
        and current.period_type = earliest.period_type

)

select
    current.kpi_id,
    current.period_end,
    current.period_type,
    current.unit,
    first_published.first_build_id,
    first_published.first_published_at,
    first_published.first_numerator,
    first_published.first_denominator,
    first_published.first_value,
    current.previous_build_id,
    current.previous_value,
    current.build_id,
    current.published_at,
    current.numerator,
    current.denominator,
    current.value,
    current.value - first_published.first_value as difference,
    current.value - current.previous_value as difference_from_previous,
    round(current.value, 6) is distinct from round(first_published.first_value, 6)
        as is_revised,
    current.previous_build_id is not null
        and current.rounded is distinct from current.previous_rounded as changed_in_this_build,
    changes.changed_at,
    coalesce(
        case
            when current.unit = 'percent'
                then abs(current.value - first_published.first_value) >= $1
            else abs(current.value - first_published.first_value)
                >= abs(first_published.first_value) * $2 / 100.0
        end
        and round(current.value, 6) is distinct from round(first_published.first_value, 6),
        round(current.value, 6) is distinct from round(first_published.first_value, 6)
    ) as exceeds_threshold
from current
inner join first_published
    on current.kpi_id = first_published.kpi_id
    and current.period_end = first_published.period_end
    and current.period_type = first_published.period_type
left join changes
    on current.kpi_id = changes.kpi_id
    and current.period_end = changes.period_end
    and current.period_type = changes.period_type
order by current.kpi_id, current.period_end, current.period_type
"""
