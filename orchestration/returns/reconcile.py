"""`audit.source_reconciliation`: where an SSD extract and a statutory return both supply an
extract, the SSD extract is loaded and this lists the children and records on which the two
disagree - the check a performance team runs before every submission.

The rule, per extract:

- Records are matched on the person and the record's date (`MATCH` below: a CLA episode on the
  child and its start date, a CP plan on the child and its start date, a review on the child of
  its period of care and the review date ...), never on record ids: a return has no case
  management ids (orchestration/returns/ids.py makes its own). When one side has several records
  of one child on one date, they are paired in the order of their ids.
- A record in one source with no match in the other is "missing from the return" or "missing
  from the SSD extract". Only dates both sources cover are compared: from 1 April of the earliest
  return year to 31 March after the latest, and within the first and last dates of the SSD
  extract's records. Extracts matched on the person alone (people, workers, care leavers'
  birthdays) list what the return has and the SSD extract lacks, never the reverse: a return
  covers only the children it is about.
- A matched pair whose values differ gives one row per column that differs ("different"),
  with both values: the columns the return fills (orchestration/returns/specs/
  return_coverage.csv), less ids, which the two sources make differently.

The return's rows are compared as the contract's validation types them; a row that validation
would reject is not compared (it is in the return's own load, or its rejection, elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orchestration import extracts as x
from orchestration.ingest.stage import quoted
from orchestration.ingest.validate import StagedTable, check_staged, discard_checked
from orchestration.returns.coverage import return_coverage

DDL = """
create schema if not exists audit;
create table if not exists audit.source_reconciliation (
    extract varchar, record_id varchar, matched_on varchar, match_value varchar,
    difference varchar, column_name varchar, ssd_value varchar, return_value varchar,
    ssd_source_file varchar, ssd_source_row bigint, return_source_file varchar,
    return_source_row bigint, return_source_ref varchar, source_return varchar,
    source_year varchar
);
"""

MISSING_FROM_RETURN = "missing from the return"
MISSING_FROM_SSD = "missing from the SSD extract"
DIFFERENT = "different"


@dataclass(frozen=True)
class Match:
    """How one extract's records are matched: the person (a column, or `via` another extract:
    (extract, its key column, its person column, this extract's column referring to it)) and the
    record's date column (None: the person alone, or `on` another column)."""

    person: str | None
    on: str | None
    via: tuple[str, str, str, str] | None = None
    dated: bool = True


MATCH: dict[str, Match] = {
    "ssd_person": Match("pers_person_id", None, dated=False),
    "ssd_contacts": Match("cont_person_id", "cont_contact_date"),
    "ssd_cin_episodes": Match("cine_person_id", "cine_referral_date"),
    "ssd_cin_assessments": Match("cina_person_id", "cina_assessment_start_date"),
    "ssd_s47_enquiry": Match("s47e_person_id", "s47e_s47_start_date"),
    "ssd_initial_cp_conference": Match("icpc_person_id", "icpc_icpc_date"),
    "ssd_cp_plans": Match("cppl_person_id", "cppl_cp_plan_start_date"),
    "ssd_cla_episodes": Match("clae_person_id", "clae_cla_episode_start_date"),
    "ssd_cla_placement": Match("clap_person_id", "clap_cla_placement_start_date"),
    "ssd_legal_status": Match("lega_person_id", "lega_legal_status_start_date"),
    "ssd_cla_reviews": Match(
        None,
        "clar_cla_review_date",
        via=("ssd_cla_episodes", "clae_cla_id", "clae_person_id", "clar_cla_id"),
    ),
    "ssd_permanence": Match("perm_person_id", None, dated=False),
    "ssd_professionals": Match("prof_professional_id", None, dated=False),
    "ssd_involvements": Match("invo_person_id", "invo_involvement_start_date"),
    "ext_workforce_snapshots": Match("prof_professional_id", "snapshot_date"),
    "ext_care_leaver_outcomes": Match("person_id", "birthday_age", dated=False),
}


def compared_columns(extract: x.Extract, return_names: list[str]) -> list[str]:
    """The columns compared: those the returns fill, less ids and the matching columns."""
    coverage = return_coverage()
    filled = set().union(*(coverage.get(r, {}).get(extract.name, set()) for r in return_names))
    match = MATCH[extract.name]
    return [
        c.name
        for c in extract.columns
        if c.name in filled and not c.is_identifier and c.name not in (match.person, match.on)
    ]


# record_id is the child's id (the worker's, for workers), pseudonymised when published.


def reconcile(con: duckdb.DuckDBPyConnection, extract: x.Extract, returns_table: str | None) -> int:
    """Replace `extract`'s rows of audit.source_reconciliation with the differences between
    `raw.<extract>` (loaded from the SSD extract) and `returns_table` (the returns' rows of the
    same extract; None when the two do not both supply it: its rows are only removed). Returns
    how many rows it wrote."""
    con.execute(DDL)
    match = MATCH.get(extract.name)
    con.execute("delete from audit.source_reconciliation where extract = ?", [extract.name])
    if match is None or returns_table is None:
        return 0
    _typed_returns(con, extract, returns_table)
    try:
        return _compare(con, extract, match)
    finally:
        con.execute("drop table if exists _csc_return_typed")


def _typed_returns(con, extract: x.Extract, returns_table: str) -> None:
    """`_csc_return_typed`: the returns' rows as validation types them (rows it rejects left
    out), with their provenance."""
    con.execute(f"create or replace temp view _csc_return_rows as select * from {returns_table}")
    try:
        check_staged(
            con, extract, [StagedTable("_csc_return_rows", "returns")], collect_rejections=False
        )
        con.execute("create or replace temp table _csc_return_typed as select * from _csc_clean")
        discard_checked(con)
    finally:
        con.execute("drop view if exists _csc_return_rows")


def _side(extract: x.Extract, match: Match, table: str, via_table: str, alias: str) -> str:
    """One source's records with person, match value and ordinal (`table` is raw or the typed
    returns; `via_table` the table of the same source the person is found through)."""
    key = ", ".join(quoted(k) for k in extract.key)
    if match.via:
        other, other_key, other_person, ref = match.via
        person = (
            f"(select any_value(v.{quoted(other_person)}) from {via_table} as v "
            f"where v.{quoted(other_key)} = t.{quoted(ref)})"
        )
    else:
        person = f"t.{quoted(match.person)}"
    on = f"t.{quoted(match.on)}" if match.on else "null"
    return (
        f"select *, row_number() over (partition by _match_person, _match_value order by {key}) "
        f"as _match_ordinal from (select t.*, cast({person} as varchar) as _match_person, "
        f"cast({on} as varchar) as _match_value, {on} as _match_typed from {table} as t) as {alias}"
    )


def _window(con, extract: x.Extract, match: Match) -> tuple[str, list]:
    """The dates both sources cover, as a condition on `_match_typed` (see the module)."""
    if not match.dated:
        return "true", []
    years = [
        r[0]
        for r in con.execute(
            "select distinct _source_year from _csc_return_typed where _source_year is not null"
        ).fetchall()
    ]
    if not years:
        return "false", []
    first = min(int(y[:4]) for y in years)
    last = max(int(y[:4]) for y in years) + 1
    column = quoted(match.on)
    low, high = con.execute(
        f"select min({column}), max({column}) from raw.{quoted(extract.name)}"
    ).fetchone()
    if low is None:
        return "false", []
    return (
        "_match_typed between greatest(cast(? as date), cast(? as date)) "
        "and least(cast(? as date), cast(? as date))",
        [f"{first}-04-01", low, f"{last}-03-31", high],
    )


def _compare(con, extract: x.Extract, match: Match) -> int:
    returns = [
        r[0]
        for r in con.execute(
            "select distinct _source_return from _csc_return_typed order by 1"
        ).fetchall()
    ]
    columns = compared_columns(extract, returns)
    raw = f"raw.{quoted(extract.name)}"
    via_ssd = f"raw.{quoted(match.via[0])}" if match.via else ""
    # The returns' own episodes (as text: ids are text on both sides) give their reviews' child.
    via_returns = f"returns.{quoted(match.via[0])}" if match.via else ""
    window, params = _window(con, extract, match)
    con.execute(
        f"create or replace temp table _csc_ssd_side as {_side(extract, match, raw, via_ssd, 's')}"
    )
    con.execute(
        "create or replace temp table _csc_return_side as "
        + _side(extract, match, "_csc_return_typed", via_returns, "r")
    )
    try:
        pair = (
            "s._match_person = r._match_person "
            "and s._match_value is not distinct from r._match_value "
            "and s._match_ordinal = r._match_ordinal"
        )
        name = _sql(extract.name)
        on = _sql(match.on) if match.on else "null"
        common = (
            f"{name}, coalesce(s._match_person, r._match_person), {on}, "
            "coalesce(s._match_value, r._match_value)"
        )
        provenance = (
            "s._source_file, s._source_row, r._source_file, r._source_row, r._source_ref, "
            "r._source_return, r._source_year"
        )
        parts = [
            f"select {common}, '{MISSING_FROM_SSD}', null, null, null, {provenance} "
            f"from (select * from _csc_return_side where {window}) as r "
            f"left join _csc_ssd_side as s on {pair} where s._match_person is null"
        ]
        args = list(params)
        if match.dated:
            parts.append(
                f"select {common}, '{MISSING_FROM_RETURN}', null, null, null, {provenance} "
                f"from (select * from _csc_ssd_side where {window}) as s "
                f"left join _csc_return_side as r on {pair} where r._match_person is null"
            )
            args += params
        for column in columns:
            c = quoted(column)
            parts.append(
                f"select {common}, '{DIFFERENT}', {_sql(column)}, cast(s.{c} as varchar), "
                f"cast(r.{c} as varchar), {provenance} from _csc_ssd_side as s "
                f"join _csc_return_side as r on {pair} where s.{c} is distinct from r.{c}"
            )
        before = con.execute("select count(*) from audit.source_reconciliation").fetchone()[0]
        con.execute(
            "insert into audit.source_reconciliation select * from ("
            + " union all ".join(parts)
            + ") order by 2, 4, 5, 6",
            args,
        )
        after = con.execute("select count(*) from audit.source_reconciliation").fetchone()[0]
        return after - before
    finally:
        con.execute("drop table if exists _csc_ssd_side")
        con.execute("drop table if exists _csc_return_side")


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
