"""The revision history (orchestration/revisions.py) across successive publications, on values
written by hand: what was first published, what changed and when, the threshold, retention,
and a build that staged but never published."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from orchestration.revisions import HistorySettings, confirm, stage

MARCH = dt.date(2018, 3, 31)
APRIL = dt.date(2018, 4, 30)


def _publish(tmp_path, history, build_id, at, rows):
    """What publish.py does with the history: a new analyst database holding marts.kpi_values,
    staged, then confirmed. Returns the analyst database's revisions as dicts."""
    analyst = duckdb.connect(str(tmp_path / f"{build_id}.duckdb"))
    analyst.execute("create schema marts")
    analyst.execute(
        "create table marts.kpi_values (kpi_id varchar, period_end date, period_type varchar, "
        "numerator double, denominator double, value double, unit varchar)"
    )
    analyst.executemany("insert into marts.kpi_values values (?, ?, ?, ?, ?, ?, ?)", rows)
    stage(analyst, history, build_id, at)
    confirm(history, build_id)
    revisions = analyst.execute("select * from marts.kpi_revisions").df().to_dict("records")
    history_rows = analyst.execute("select count(*) from marts.kpi_value_history").fetchone()[0]
    analyst.close()
    return {(r["kpi_id"], r["period_end"].date()): r for r in revisions}, history_rows


@pytest.fixture
def history(tmp_path):
    return HistorySettings(tmp_path / "history.duckdb", keep_days=0, threshold=1.0)


def test_a_back_dated_event_is_a_revision_with_its_first_value_and_when_it_changed(
    tmp_path, history
):
    night1 = dt.datetime(2018, 4, 5, 2, 0)
    night2 = dt.datetime(2018, 4, 6, 2, 0)
    night3 = dt.datetime(2018, 5, 6, 2, 0)
    # Night 1 publishes March: kpi_03 8/10 = 80%; contacts 100.
    first, _ = _publish(
        tmp_path,
        history,
        "b1",
        night1,
        [
            ("kpi_03", MARCH, "month", 8, 10, 80.0, "percent"),
            ("contacts", MARCH, "month", 100, None, 100.0, "count"),
        ],
    )
    assert first[("kpi_03", MARCH)]["is_revised"] is False
    assert first[("kpi_03", MARCH)]["first_build_id"] == "b1"
    # Night 2: an assessment authorised in March, on time, is keyed late: kpi_03 9/11 = 81.82%,
    # 1.82 points up - over the 1-point threshold. Contacts unchanged.
    second, rows = _publish(
        tmp_path,
        history,
        "b2",
        night2,
        [
            ("kpi_03", MARCH, "month", 9, 11, 900 / 11, "percent"),
            ("contacts", MARCH, "month", 100, None, 100.0, "count"),
        ],
    )
    kpi_03 = second[("kpi_03", MARCH)]
    assert kpi_03["first_value"] == 80.0 and kpi_03["previous_value"] == 80.0
    assert kpi_03["difference"] == pytest.approx(1.8182, abs=1e-4)
    assert kpi_03["is_revised"] and kpi_03["changed_in_this_build"] and kpi_03["exceeds_threshold"]
    assert kpi_03["changed_at"] == night2
    assert second[("contacts", MARCH)]["is_revised"] is False
    assert rows == 4  # two builds of two figures
    # Night 3 adds April and leaves March as night 2 had it: still revised against the first
    # publication, changed at night 2, not in this build; contacts 100 -> 100.5 is 0.5%, under
    # the 1% threshold for a count, but a revision.
    third, _ = _publish(
        tmp_path,
        history,
        "b3",
        night3,
        [
            ("kpi_03", MARCH, "month", 9, 11, 900 / 11, "percent"),
            ("kpi_03", APRIL, "month", 5, 5, 100.0, "percent"),
            ("contacts", MARCH, "month", 100.5, None, 100.5, "count"),
        ],
    )
    kpi_03 = third[("kpi_03", MARCH)]
    assert kpi_03["is_revised"] and not kpi_03["changed_in_this_build"]
    assert kpi_03["changed_at"] == night2 and kpi_03["previous_build_id"] == "b2"
    assert third[("kpi_03", APRIL)]["first_build_id"] == "b3"
    contacts = third[("contacts", MARCH)]
    assert contacts["is_revised"] and not contacts["exceeds_threshold"]


def test_a_build_that_staged_but_never_published_is_not_history(tmp_path, history):
    _publish(tmp_path, history, "b1", dt.datetime(2018, 4, 5), [
        ("kpi_03", MARCH, "month", 8, 10, 80.0, "percent"),
    ])  # fmt: skip
    # b2 stages (a different value) and is killed before it publishes: no confirm.
    analyst = duckdb.connect(str(tmp_path / "b2.duckdb"))
    analyst.execute("create schema marts")
    analyst.execute(
        "create table marts.kpi_values as select 'kpi_03' as kpi_id, date '2018-03-31' as "
        "period_end, 'month' as period_type, 1.0 as numerator, 10.0 as denominator, "
        "10.0 as value, 'percent' as unit"
    )
    stage(analyst, history, "b2", dt.datetime(2018, 4, 6))
    analyst.close()
    # b3 republishes 80%: the value never published (10%) is gone, nothing was revised.
    third, rows = _publish(tmp_path, history, "b3", dt.datetime(2018, 4, 7), [
        ("kpi_03", MARCH, "month", 8, 10, 80.0, "percent"),
    ])  # fmt: skip
    assert rows == 2  # b1 and b3
    assert third[("kpi_03", MARCH)]["is_revised"] is False
    assert third[("kpi_03", MARCH)]["previous_build_id"] == "b1"


def test_retention_prunes_old_builds_but_keeps_the_first_publication(tmp_path):
    history = HistorySettings(tmp_path / "history.duckdb", keep_days=30, threshold=1.0)
    _publish(tmp_path, history, "b1", dt.datetime(2018, 1, 5), [
        ("kpi_03", MARCH, "month", 8, 10, 80.0, "percent"),
    ])  # fmt: skip
    # 120 days later b1 is pruned from the history, but its value is still what was first
    # published for March.
    later, rows = _publish(tmp_path, history, "b2", dt.datetime(2018, 5, 5), [
        ("kpi_03", MARCH, "month", 9, 10, 90.0, "percent"),
    ])  # fmt: skip
    assert rows == 1
    kpi_03 = later[("kpi_03", MARCH)]
    assert kpi_03["first_build_id"] == "b1" and kpi_03["first_value"] == 80.0
    assert kpi_03["difference"] == pytest.approx(10.0) and kpi_03["is_revised"]
