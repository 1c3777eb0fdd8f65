"""Two monthly runs of the demo (issue 13, done-when): the extracts as at 30 November 2018, then as
at 31 December 2018, built in turn into the same history. Late recording makes the second build
revise the figures of the last weeks the first one published, and only those."""

from __future__ import annotations

import datetime as dt

import pytest

from demo_data import generate
from demo_data.late_recording import LAG_BUCKETS
from tests.conftest import failures, query, run_build

DEMO = {"scale": 0.05, "months": 24, "progress": False}


@pytest.mark.slow
def test_the_next_months_demo_run_lists_the_revisions_late_recording_made(tmp_path):
    source = tmp_path / "extracts"
    generate(source, **DEMO, as_at="2018-11-30")
    result, _ = run_build(source, tmp_path, CSC_DATA_AS_AT="2018-11-30")
    assert result.success, failures(result)
    generate(source, **DEMO, as_at="2018-12-31")
    result, _ = run_build(source, tmp_path, CSC_DATA_AS_AT="2018-12-31")
    assert result.success, failures(result)

    analyst = tmp_path / "analyst.duckdb"
    builds = query(analyst, "select count(distinct build_id) from marts.kpi_value_history")
    assert builds == [(2,)]
    revised = query(
        analyst,
        "select kpi_id, period_end, period_type, exceeds_threshold from marts.kpi_revisions "
        "where is_revised",
    )
    # No event is keyed more than 8 weeks late (LAG_BUCKETS), so whatever the first build saw up
    # to 8 weeks before 30 November was complete: no figure of a month ending before 5 October
    # changes. The weeks after it were still being keyed: November's figures are revised, some
    # by more than the threshold (1 point, or 1%).
    longest = max(bucket[2] for bucket in LAG_BUCKETS)
    complete_until = dt.date(2018, 11, 30) - dt.timedelta(days=longest)
    assert all(period_end >= complete_until for _, period_end, _, _ in revised)
    november = [row for row in revised if row[1] == dt.date(2018, 11, 30)]
    assert len(november) >= 5
    assert any(over for *_, over in november)
    # December is new in the second build: first published now, so not a revision.
    december = query(
        analyst,
        "select count(*), count(*) filter (where is_revised) from marts.kpi_revisions "
        "where period_end = date '2018-12-31'",
    )
    assert december[0][0] > 0 and december[0][1] == 0
