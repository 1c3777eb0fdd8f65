"""End to end on the hand fixture (tests/fixtures/hand_small): child protection, children in
care, reviews, care leavers and adoption. Expected values are worked out by hand below from the
fixture's rows; the build is the real `build_everything` job (shared session fixture)."""

from __future__ import annotations

import pytest

from tests.conftest import query
from tests.test_end_to_end_hand_fixture import FEB, MAR, kpi

POPULATION_2017 = 288082


@pytest.mark.parametrize(
    ("period_end", "period_type", "expected"),
    [
        # kpi_06 counts the children who became the subject of a plan of this authority in the
        # window (other-LA CP6 and CP10 left out). March 2018: P1's CP2 began 31/03/2018,
        # exactly 2 years after CP1 ended (31/03/2016): a repeat; P2's CP4 began 2 years and a
        # day after CP3 ended (30/03/2016): not. 1 of 2.
        (MAR, "month", (1, 2, 50.0)),
        # February 2018: no plan began: no figure.
        (FEB, "month", (0, 0, None)),
        # January 2018: P5's CP7 (15/01/2018), a first plan: 0 of 1.
        ("2018-01-31", "month", (0, 1, 0.0)),
        # April 2017 - March 2018: CP8 (P6, October), CP5 (P3, November), CP9 (P7, December),
        # CP7 (P5, January), CP2 and CP4 (March): 6 children, of whom P1 is a repeat. 1 of 6.
        (MAR, "rolling_12m", (1, 6, 100 / 6)),
    ],
)
def test_kpi_06_children_becoming_subject_of_a_plan(hand_fixture_warehouse, period_end,
                                                    period_type, expected):  # fmt: skip
    numerator, denominator, value = kpi(hand_fixture_warehouse, "kpi_06", period_end, period_type)
    assert (numerator, denominator) == expected[:2]
    assert value == (pytest.approx(expected[2]) if expected[2] is not None else None)


def test_kpi_06_waits_for_its_2_year_look_back(hand_fixture_warehouse):
    # The fixture covers April 2015 on: a month's look-back of 2 years is covered from April
    # 2017, the 12 months to March 2018 (from April 2017) only at March 2018.
    rows = query(
        hand_fixture_warehouse,
        "select period_type, cast(min(period_end) as varchar), count(*) from marts.kpi_values "
        "where kpi_id = 'kpi_06' group by 1 order by 1",
    )
    assert rows == [("month", "2017-04-30", 12), ("rolling_12m", "2018-03-31", 1)]


def test_rate_cp_counts_children_on_plans_at_the_month_end(hand_fixture_warehouse):
    # 31 Mar 2018: CP2 (P1) and CP4 (P2) began that day, CP5 (P3) is open; CP7 and CP9 ended
    # in March, CP8 in January; CP6 is another authority's. 3 children.
    assert kpi(hand_fixture_warehouse, "rate_cp", MAR, "snapshot") == pytest.approx(
        (3, POPULATION_2017, 3 / POPULATION_2017 * 10000)
    )


@pytest.mark.parametrize(
    ("period_end", "period_type", "expected"),
    [
        # January-March 2018: CP7 (15/01 -> 15/03, within 3 months), CP8 (15/10 -> 16/01/2018,
        # 3 months and a day: not), CP9 (20/12 -> 20/03, exactly 3 months: within). Other-LA
        # CP10 is left out. 2 of 3.
        (MAR, "rolling_3m", (2, 3, 200 / 3)),
        (MAR, "month", (2, 2, 100.0)),
        # December 2017 - February 2018: CP8 only: 0 of 1.
        (FEB, "rolling_3m", (0, 1, 0.0)),
    ],
)
def test_kpi_13_plans_ending_within_3_months(hand_fixture_warehouse, period_end, period_type,
                                             expected):  # fmt: skip
    assert kpi(hand_fixture_warehouse, "kpi_13", period_end, period_type) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # 31 Mar 2018 (-30 months = 30/09/2015; -2 years = 31/03/2016). In scope: P9 (in care
        # from 30/09/2015 exactly; placement from 31/03/2016: stable), P11 (placed for adoption
        # 01/01/2017 after a placement from 01/01/2015: stable), P13 (placement from
        # 01/04/2016: not stable). Out: P10 (29 months), P12 (16 that day), P14 (V3 short
        # breaks), P15 (left care that day), P16 (in care since 2017). 2 of 3.
        (MAR, (2, 3, 200 / 3)),
        # 28 Feb 2018 (-30 months = 28/08/2015; -2 years = 28/02/2016): P11 (stable), P12 (15,
        # placement from 2014: stable), P13 (not). P9's period began after 28/08/2015. 2 of 3.
        (FEB, (2, 3, 200 / 3)),
    ],
)
def test_kpi_07_placement_stability(hand_fixture_warehouse, period_end, expected):
    assert kpi(hand_fixture_warehouse, "kpi_07", period_end, "snapshot") == pytest.approx(expected)


def test_rate_cla_excludes_short_breaks_and_leavers(hand_fixture_warehouse):
    # Looked after at the end of 31 March 2018: P9, P10, P11, P12, P13, P16. P14 is on V3; P15
    # left care that day; the adopted children's periods ended earlier. 6 children.
    assert kpi(hand_fixture_warehouse, "rate_cla", MAR, "snapshot") == pytest.approx(
        (6, POPULATION_2017, 6 / POPULATION_2017 * 10000)
    )


@pytest.mark.parametrize(
    ("period_end", "period_type", "expected"),
    [
        # PC8 began Thursday 01/06/2017: the 1st review is due on the 20th working day after,
        # 29/06/2017 (no bank holiday in June 2017); RV1 held that day: on time. RV2 due 3
        # months later, 29/09/2017, held that day: on time. RVX was cancelled. RV3 due 6 months
        # after RV2, 29/03/2018, held 30/03/2018: late. RV4 was held under V3: excluded.
        # Year to date (April 2017 - March 2018): 2 of 3.
        (MAR, "ytd", (2, 3, 200 / 3)),
        (MAR, "month", (0, 1, 0.0)),
        # Year to date at September 2017: RV1 and RV2, both on time.
        ("2017-09-30", "ytd", (2, 2, 100.0)),
    ],
)
def test_kpi_08_reviews_on_time(hand_fixture_warehouse, period_end, period_type, expected):
    assert kpi(hand_fixture_warehouse, "kpi_08", period_end, period_type) == pytest.approx(expected)


def test_review_due_date_disagreement_is_listed(hand_fixture_warehouse):
    # RV3's extract says due 28/03/2018; regulation 33 gives 29/03/2018.
    rows = query(
        hand_fixture_warehouse,
        "select record_id, detail from audit.cla_data_quality "
        "where check_name = 'review_due_date_disagrees'",
    )
    assert rows == [("RV3", "recorded due 2018-03-28, computed due 2018-03-29")]


def test_kpi_09_care_leavers_in_eet(hand_fixture_warehouse):
    # Birthdays 01/04/2017 - 31/03/2018 at 19-21: P20 (19 on 01/04/2017, F1: EET), P21 (21 on
    # 31/03/2018, G4: not), P23 (20, not in touch: stays in, not EET), P27 (19, P4: EET). P22's
    # birthday was 31/03/2017; P24 died; P25 returned home (RHOM); P26 was 18. 2 of 4.
    assert kpi(hand_fixture_warehouse, "kpi_09", MAR, "ytd") == pytest.approx((2, 4, 50.0))


@pytest.mark.parametrize(
    ("kpi_id", "period_type", "expected"),
    [
        # Adopted 01/04/2015 - 31/03/2018 with a placement order: AD1 (matched 5 days before the
        # order: 0 days) and AD2 (order 01/01/2017, match 11/04/2017: 100 days). AD3 is special
        # guardianship; AD4 had no placement order. (0 + 100) / 2 = 50 days.
        ("kpi_10", "3yr", (100, 2, 50.0)),
        # Adopted 01/04/2017 - 31/03/2018: AD2 only.
        ("kpi_10", "rolling_12m", (100, 1, 100.0)),
        # A1, entering care to placed for adoption: AD1 01/05/2015 -> 01/02/2016 = 276 days;
        # AD2 01/03/2016 -> 01/05/2017 = 426; AD4 01/06/2017 -> 01/10/2017 = 122. 824 / 3.
        ("cbp_a1", "3yr", (824, 3, 824 / 3)),
    ],
)
def test_adoption_timeliness(hand_fixture_warehouse, kpi_id, period_type, expected):
    assert kpi(hand_fixture_warehouse, kpi_id, MAR, period_type) == pytest.approx(expected)


def test_periods_of_care_chain_episodes(hand_fixture_warehouse):
    # P9's two episodes (E1 ends X1 on 31/03/2016, E2 starts that day) are one period from
    # 30/09/2015, still open; the fixture has no contradictions besides RV3's due date.
    rows = query(
        hand_fixture_warehouse,
        "select cast(started_on as varchar), ended_on, episode_count "
        "from intermediate.int_cla__periods_of_care where period_of_care_id = 'PC1'",
    )
    assert rows == [("2015-09-30", None, 2)]
    checks = query(hand_fixture_warehouse, "select distinct check_name from audit.cla_data_quality")
    assert checks == [("review_due_date_disagrees",)]


@pytest.mark.parametrize(("period_end", "children"), [(MAR, 6), ("2017-01-31", 7)])
def test_short_term_stability(hand_fixture_warehouse, period_end, children):
    # Looked after at the end of 31 March 2018 (short breaks out): P9, P10, P11, P12, P13, P16
    # (P14 is on V3; P15 left that day; P31 and P33 were adopted earlier). Placements open in
    # April 2017 - March 2018: P9 PL2, P10 PL3, P11 PL5 (PL4 ended on 1 January 2017, before the
    # 12 months), P12 PL6, P13 PL8, P16 PL11: one each, none with three: 0 of 6. At 31 January
    # 2017 (February 2016 - January 2017): P9, P10, P11, P12, P13, P15 and P31 (in care until
    # November 2017; P16 not yet in care); P9 (PL1 to 31 March 2016, PL2), P11 (PL4 to 1 January
    # 2017, PL5) and P13 (PL7 to 1 April 2016, PL8) had two, the rest one: 0 of 7.
    assert kpi(hand_fixture_warehouse, "stability_short_term", period_end, "snapshot") == (
        pytest.approx((0, children, 0.0))
    )
