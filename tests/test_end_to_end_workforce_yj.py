"""End to end on the hand fixture (tests/fixtures/hand_small): the workforce, supervision,
allocation and youth justice KPIs. Expected values are worked out by hand below from the
fixture's rows; the build is the real `build_everything` job (the shared session fixture).

The workers (ssd_professionals.csv, ext_workforce_snapshots.csv at the month ends of January to
March 2018):

    worker  role                 qualified  agency  FTE Jan / Feb / Mar  team       absent
    W1      social_worker        Y          N       1.0 / 1.0 / 1.0      CP North   -
    W2      senior_practitioner  Y          Y       0.5 / 0.5 / 1.0      CP South   -
    W3      team_manager         Y          Y       1.0 / 1.0 / 1.0      CP North   -
    W4      social_worker        Y          N       1.0 / 1.0 / 1.0      CP South   January
    W5      other                N          N       1.0 / 1.0 / 1.0      Front Door -
    W6      social_worker        Y          Y         - / 0.8 / 0.8      CP South   (Mar blank)
    W7      team_manager         Y          N         -  /  -  / 1.0     CP South   -
    W8      social_worker        N          N         -  /  -  / 1.0     CP North   -

Allocations (ssd_involvements.csv; I1 and I2 are the two tests/test_breakdowns.py relies on):
I1 W1-P3 from 01/02/2018; I2 W2-P6 01/01/2017 to 20/03/2018; I3 W1-P1 from 01/10/2017; I4 W1-P2
10/01/2018 to 28/02/2018; I5 W2-P5 as SUPERVISOR (not a case); I6 W4-P7 from 01/01/2017; I7
W3-P8 (a team manager's); I8 W6-P15 15/03/2018 to 10/03/2018 (ends before it starts); I9 W1-P1
again from 01/02/2018, its role written ' allocated_case_worker '; I10 W8-P9 from 01/03/2018;
I11 W6-P10 from 01/03/2018.

The workforce snapshots cover January to March 2018, so the workforce KPIs are published for
those three month ends only.
"""

from __future__ import annotations

import pytest

from tests.conftest import query
from tests.test_end_to_end_hand_fixture import FEB, JAN, MAR, kpi


def by_team(warehouse, kpi_id, period_end, period_type):
    return {
        team: (numerator, denominator)
        for team, numerator, denominator in query(
            warehouse,
            "select member, numerator, denominator from marts.kpi_breakdowns where kpi_id = ? "
            "and period_end = ? and period_type = ? and dimension = 'team'",
            [kpi_id, period_end, period_type],
        )
    }


@pytest.mark.parametrize(
    ("kpi_id", "period_end", "expected"),
    [
        # Qualified social workers, senior practitioners and team managers, agency FTE over FTE.
        # W5 ('other', unqualified) and W8 (unqualified) count nowhere; W4's long-term absence
        # keeps the post. January: W1 1.0, W2 0.5 agency, W3 1.0 agency, W4 1.0: 1.5 / 3.5.
        ("kpi_12", JAN, (1.5, 3.5, 1.5 / 3.5 * 100)),
        # February: W6 joins with 0.8 agency: 2.3 / 4.3.
        ("kpi_12", FEB, (2.3, 4.3, 2.3 / 4.3 * 100)),
        # March: W2 goes to 1.0 and W7 (1.0, not agency) joins: (1.0 + 1.0 + 0.8) /
        # (1.0 + 1.0 + 1.0 + 1.0 + 0.8 + 1.0) = 2.8 / 5.8.
        ("kpi_12", MAR, (2.8, 5.8, 2.8 / 5.8 * 100)),
        # Social workers and senior practitioners only (W1, W2, W4, W6): January 0.5 / 2.5;
        # February 1.3 / 3.3; March 1.8 / 3.8.
        ("kpi_12_sw", JAN, (0.5, 2.5, 20.0)),
        ("kpi_12_sw", FEB, (1.3, 3.3, 1.3 / 3.3 * 100)),
        ("kpi_12_sw", MAR, (1.8, 3.8, 1.8 / 3.8 * 100)),
        # Team managers: W3 (agency) alone until W7 joins in March: 1 / 1, then 1 / 2.
        ("kpi_12_tm", JAN, (1.0, 1.0, 100.0)),
        ("kpi_12_tm", FEB, (1.0, 1.0, 100.0)),
        ("kpi_12_tm", MAR, (1.0, 2.0, 50.0)),
    ],
)
def test_kpi_12_agency_share_and_its_splits(hand_fixture_warehouse, kpi_id, period_end, expected):
    assert kpi(hand_fixture_warehouse, kpi_id, period_end, "snapshot") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # Case holders: qualified social workers and senior practitioners not on long-term
        # absence with an open allocated-case-worker involvement at the end of the day; cases are
        # distinct children. 31 January: W1 holds P1 (I3) and P2 (I4); W2 holds P6 (I2; I5 is a
        # supervisor's role); W4 is absent. 3 cases / (1.0 + 0.5) FTE = 2.0.
        (JAN, (3, 1.5, 2.0)),
        # 28 February: W1 holds P1 (I3, and I9 again: one child) and P3 (I1); I4 ended that day,
        # so is closed. W2 P6; W4, back, P7 (I6). W6 holds nothing yet: not a case holder.
        # 4 / (1.0 + 0.5 + 1.0) = 1.6.
        (FEB, (4, 2.5, 1.6)),
        # 31 March: W1 P1 and P3; W2's only case (I2) ended on 20 March: not a case holder; W4
        # P7; W6 (absence blank: not absent) P10 (I11; I8 ends before it starts, open on no
        # day). W8 holds P9 but is unqualified; W3's P8 is a team manager's. 4 / 2.8.
        (MAR, (4, 2.8, 4 / 2.8)),
    ],
)
def test_kpi_14_average_caseload(hand_fixture_warehouse, period_end, expected):
    assert kpi(hand_fixture_warehouse, "kpi_14", period_end, "snapshot") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # Qualified social workers and senior practitioners at work, supervised in the month
        # (ext_supervisions.csv). January: W1 (SV1, 15/01) and W2 (SV2 is dated 31 December: not
        # January's). W4 (SV3) is absent and W3 (SV4) a manager: neither is in the count. 1 of 2.
        (JAN, (1, 2, 50.0)),
        # February: W1, W2, W4, W6; only W2 (SV5). 1 of 4.
        (FEB, (1, 4, 25.0)),
        # March: W1 (SV6, 1 March), W2 (SV7), W6 (SV8 on the 31st); not W4. W7 (a manager) and
        # W8 (unqualified) are not in the count. 3 of 4.
        (MAR, (3, 4, 75.0)),
    ],
)
def test_kpi_15_supervision_in_month(hand_fixture_warehouse, period_end, expected):
    assert kpi(hand_fixture_warehouse, "kpi_15", period_end, "month") == pytest.approx(expected)


# ext_yj_outcomes.csv, by young person (index outcomes: cautions, conditional cautions, court
# sentences and releases from custody; formal outcomes of an offence: the first three):
#   Y1  born 07/05/2002: caution 01/10/2015 (13); sentence 01/07/2016 for an offence of
#       01/05/2016, within 12 months of the caution: a re-offence.
#   Y2  born 01/03/2000: sentence 29/02/2016 (15); caution 10/04/2017 for an offence of
#       28/02/2017: 12 months after 29 February 2016 is 28 February 2017, so a re-offence.
#   Y3  born 12/06/2001: conditional caution 29/02/2016 (14); next offence 01/03/2017, a day
#       past those 12 months: none.
#   Y4  born 20/11/1997: caution 01/02/2016, aged 18: in no cohort.
#   Y5  born 18/06/2000: sentence 30/09/2016 (16); its release from custody (15/01/2017) is no
#       new offence; next offence 01/10/2017, a day past 12 months: none.
#   Y6  born 02/02/2002: caution 01/06/2016 (14); a sentence dated 10/05/2017 for an offence
#       dated after it (15/05/2017): its time cannot be told, no re-offence (audit.kpi_exclusions).
#   Y7  born 03/03/2003: conditional caution 04/04/2016 (13); the re-offence of 01/02/2017 had its
#       outcome on 05/10/2017, a day past 18 months: none.
#   Y8  born 19/01/2005: 'other' (not an index) 01/12/2015; caution 01/07/2017 (12).
#   Y9  born 10/12/2005: caution on his 10th birthday, 10/12/2015 (10: in).
#   Y10 born 01/10/1998: caution 30/09/2016, the day before his 18th birthday (17: in); a second
#       caution on 15/01/2017, for an offence of 01/12/2016: a re-offence (age is tested at the
#       index only).
#   Y11 born 23/01/2001: cautions on 01/05/2015 (14) and 05/01/2016 (14), the second for an
#       offence of 01/12/2015, within 12 months of the first.


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # Cohort for 31 March 2018: first index outcome 01/10/2015 - 30/09/2016, aged 10-17:
        # Y1 (the window's first day), Y2, Y3, Y5 (its last day), Y6, Y7, Y9, Y10 (its last
        # day), Y11 (indexed at its 05/01/2016 caution, the first in the window: nothing after
        # it). Re-offended: Y1, Y2, Y10. 3 of 9.
        (MAR, (3, 9, 100 / 3)),
        # 31 December 2017: 01/07/2015 - 30/06/2016: Y1, Y2, Y3, Y6, Y7, Y9, Y11 (at 05/01/2016);
        # Y5 and Y10 come later. Re-offended: Y1, Y2. 2 of 7.
        ("2017-12-31", (2, 7, 200 / 7)),
        # 30 September 2017, the first cohort the data cover: 01/04/2015 - 31/03/2016: Y1, Y2,
        # Y3, Y9, Y11 (indexed at 01/05/2015, so its 05/01/2016 caution is a re-offence). Y4
        # was 18. Re-offended: Y1, Y2, Y11. 3 of 5.
        ("2017-09-30", (3, 5, 60.0)),
    ],
)
def test_kpi_11_reoffending_cohorts(hand_fixture_warehouse, period_end, expected):
    assert kpi(hand_fixture_warehouse, "kpi_11", period_end, "cohort") == pytest.approx(expected)


def test_kpi_11_is_published_for_the_cohorts_the_data_cover(hand_fixture_warehouse):
    # The data cover April 2015 on: the first cohort window, April 2015 - March 2016, belongs
    # to September 2017 (its 12 months of offending and 6 of outcomes end 18 months later).
    # Every month end to March 2018 has its cohort: 7.
    rows = query(
        hand_fixture_warehouse,
        "select cast(period_end as varchar) from marts.kpi_values "
        "where kpi_id = 'kpi_11' order by period_end",
    )
    assert [r[0] for r in rows] == [
        "2017-09-30", "2017-10-31", "2017-11-30", "2017-12-31", "2018-01-31", "2018-02-28",
        "2018-03-31",
    ]  # fmt: skip


def test_cbp_fte_first_time_entrants_are_found_but_need_8_years_of_history(
    hand_fixture_warehouse,
):
    # First-ever formal outcome (caution, conditional caution or sentence) aged 10-17 on its
    # date: Y1 101, Y2 201, Y3 301, Y5 501, Y6 601, Y7 701, Y8 802 (801 is 'other', not
    # formal), Y9 901 (10 that day), Y10 1001 (17), Y11 1101. Y4 (401) was 18. 10 entrants.
    rows = query(
        hand_fixture_warehouse,
        "select record_id, cast(event_on as varchar) from intermediate.int_kpi_records "
        # Y5 and Y10 share 30/09/2016: ordered by the outcome id as a number.
        "where kpi_id = 'cbp_fte' order by event_on, cast(record_id as integer)",
    )
    assert rows == [
        ("1101", "2015-05-01"), ("101", "2015-10-01"), ("901", "2015-12-10"),
        ("201", "2016-02-29"), ("301", "2016-02-29"), ("701", "2016-04-04"),
        ("601", "2016-06-01"), ("501", "2016-09-30"), ("1001", "2016-09-30"),
        ("802", "2017-07-01"),
    ]  # fmt: skip
    # "First ever" needs the 8 years (96 months) before a window: the fixture's extracts are
    # said to cover April 2015 on (CSC_DATA_FROM), so no window is published and the coverage
    # says why. tests/test_coverage.py builds a youth justice history from 2009 and checks
    # the published rate per 100,000.
    assert query(
        hand_fixture_warehouse,
        "select months_published, reason_not_published from marts.kpi_coverage "
        "where kpi_id = 'cbp_fte'",
    ) == [
        (
            0,
            "no complete rolling_12m window with its 96-month look-back: its sources cover "
            "2015-04 to 2018-03",
        )
    ]


def test_workforce_kpis_are_published_for_the_snapshot_months_only(hand_fixture_warehouse):
    rows = query(
        hand_fixture_warehouse,
        "select kpi_id, period_type, string_agg(cast(period_end as varchar), ' ' "
        "order by period_end) from marts.kpi_values "
        "where kpi_id in ('kpi_12', 'kpi_12_sw', 'kpi_12_tm', 'kpi_14', 'kpi_15') group by all",
    )
    months = f"{JAN} {FEB} {MAR}"
    assert sorted(rows) == [
        ("kpi_12", "snapshot", months), ("kpi_12_sw", "snapshot", months),
        ("kpi_12_tm", "snapshot", months), ("kpi_14", "snapshot", months),
        ("kpi_15", "month", months),
    ]  # fmt: skip


def test_kpi_12_and_kpi_14_by_team(hand_fixture_warehouse):
    # The workforce KPIs take the snapshot's team. kpi_12 in March: CP North W1 1.0, W3 1.0
    # agency (W8 unqualified): 1.0 / 2.0; CP South W2 1.0 agency, W4 1.0, W6 0.8 agency, W7
    # 1.0: 1.8 / 3.8; Front Door (W5) has no one in scope.
    w = hand_fixture_warehouse
    teams = by_team(w, "kpi_12", MAR, "snapshot")
    assert sorted(teams) == ["CP North", "CP South"]
    assert teams["CP North"] == pytest.approx((1.0, 2.0))
    assert teams["CP South"] == pytest.approx((1.8, 3.8))
    # kpi_14 in March: CP North W1 2 cases / 1.0; CP South W4 1 and W6 1 / 1.8.
    teams = by_team(w, "kpi_14", MAR, "snapshot")
    assert sorted(teams) == ["CP North", "CP South"]
    assert teams["CP North"] == pytest.approx((2, 1.0))
    assert teams["CP South"] == pytest.approx((2, 1.8))


def test_kpi_15_exception_list_names_the_workers_not_supervised(hand_fixture_warehouse):
    # March: W4 is the one not supervised (in CP South).
    rows = query(
        hand_fixture_warehouse,
        "select record_id, team from exceptions.exc_missed_measures "
        "where kpi_id = 'kpi_15' and period_end = ? order by record_id",
        [MAR],
    )
    assert rows == [("W4", "CP South")]
