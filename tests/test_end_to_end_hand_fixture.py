"""End to end on a hand-made fixture (tests/fixtures/hand_small): every asset is materialised by
the real job, and each KPI value is compared with a figure worked out by hand below.

The fixture's first contact (C000) is in April 2015 and its last on 31 March 2018 (C11; without
it March would be a partial month and left out): that is the month spine, 36 months, so rolling
12-month windows are complete from March 2016 and the 3-year window only at March 2018. The 0-17
population is Birmingham's (LA 330): mid-2017 = 288,082 for every month from June 2017.
"""

from __future__ import annotations

import pytest

from tests.conftest import query

JAN, FEB, MAR = "2018-01-31", "2018-02-28", "2018-03-31"


def kpi(warehouse, kpi_id, period_end, period_type):
    rows = query(
        warehouse,
        "select numerator, denominator, value from marts.kpi_values "
        "where kpi_id = ? and period_end = cast(? as date) and period_type = ?",
        [kpi_id, period_end, period_type],
    )
    assert len(rows) == 1, f"{kpi_id} {period_end} {period_type}: {rows}"
    return rows[0]


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # January: referral 11 decided exactly 24h later (within); 12 at 24h01m (not): 1 of 2.
        (JAN, (1, 2, 50.0)),
        # February: 13 decided after 3h (within); 14's decision predates receipt: excluded.
        (FEB, (1, 1, 100.0)),
        # March: 17 (1h), 99 and 100 (1h) within; 19 took 48h: 3 of 4.
        (MAR, (3, 4, 75.0)),
    ],
)
def test_kpi_01_month(hand_fixture_warehouse, period_end, expected):
    assert kpi(hand_fixture_warehouse, "kpi_01", period_end, "month") == pytest.approx(expected)


def test_kpi_01_rolling_12m(hand_fixture_warehouse):
    # April 2017 - March 2018 holds the seven decisions above: 1 + 1 + 3 within = 5 of 7.
    assert kpi(hand_fixture_warehouse, "kpi_01", MAR, "rolling_12m") == pytest.approx(
        (5, 7, 500 / 7)
    )


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # January: 11 (P1) and 12 (P2) are first referrals: 0 of 2.
        (JAN, (0, 2, 0.0)),
        # February: 13 is P1's second referral within 12 months of 11; 14 is P3's first: 1 of 2.
        (FEB, (1, 2, 50.0)),
        # March: 17 (P5) comes exactly 12 months after 16 (15/03/2017): a re-referral; 19 (P6)
        # comes 12 months and a day after 18: not; 99 and 100 (P7) share a datetime, so 100 is
        # the re-referral by id: 2 of 4.
        (MAR, (2, 4, 50.0)),
    ],
)
def test_kpi_02_month(hand_fixture_warehouse, period_end, expected):
    assert kpi(hand_fixture_warehouse, "kpi_02", period_end, "month") == pytest.approx(expected)


def test_kpi_02_rolling_12m(hand_fixture_warehouse):
    # April 2017 - March 2018: referrals 11, 12, 13, 14, 17, 19, 99, 100; re-referrals 13, 17,
    # 100: 3 of 8.
    assert kpi(hand_fixture_warehouse, "kpi_02", MAR, "rolling_12m") == pytest.approx((3, 8, 37.5))


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # January: A1 same day (0 working days); A2 20/11/2017 -> 25/01/2018 is 8 (Nov) + 19
        # (Dec, less 25 and 26 Dec) + 18 (Jan, less 1 Jan) = 45, within; A3 ends a day later,
        # 46, outside: 2 of 3.
        (JAN, (2, 3, 200 / 3)),
        # February: nothing authorised: no figure.
        (FEB, (0, 0, None)),
        # March: A6 01/02 -> 29/03 = 19 + 21 = 40, within; A5 authorised before it started is
        # excluded: 1 of 1.
        (MAR, (1, 1, 100.0)),
    ],
)
def test_kpi_03_month(hand_fixture_warehouse, period_end, expected):
    numerator, denominator, value = kpi(hand_fixture_warehouse, "kpi_03", period_end, "month")
    assert (numerator, denominator) == expected[:2]
    assert value == (pytest.approx(expected[2]) if expected[2] is not None else None)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # 31 Jan: open non-NFA episodes of P1 (11), P4 (15, from 01/03/2016) and P8 (20, from
        # 01/12/2015, closes 28/02/2018). Only P8 began on or before 31/01/2016: 1 of 3.
        (JAN, (1, 3, 100 / 3)),
        # 28 Feb: P8 closed on the period end, so not open; P1 (11 and 13, counted once), P3
        # (14), P4 (15, not yet 2 years): 0 of 3.
        (FEB, (0, 3, 0.0)),
        # 31 Mar: P1, P3, P4, P5 (17), P6 (19); P4's 01/03/2016 is on or before 31/03/2016: 1 of 5.
        (MAR, (1, 5, 20.0)),
    ],
)
def test_kpi_04_snapshot(hand_fixture_warehouse, period_end, expected):
    assert kpi(hand_fixture_warehouse, "kpi_04", period_end, "snapshot") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # January: K1, S47 started Wed 10/01, held Wed 31/01 = 15 working days: 1 of 1.
        (JAN, (1, 1, 100.0)),
        # March: K2 12/02 -> 06/03 = 16 (late); K3 transfer-in, clock from referral 19
        # (14/03) -> 21/03 = 5 (within); K5 transfer-in with an S47 on 20/02, but the clock
        # starts at its referral on 01/03/2016 (late); K4 has no S47 and no referral: excluded.
        # 1 of 3.
        (MAR, (1, 3, 100 / 3)),
    ],
)
def test_kpi_05_month(hand_fixture_warehouse, period_end, expected):
    assert kpi(hand_fixture_warehouse, "kpi_05", period_end, "month") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "count"),
    # C00 in January 2017; C01-C03 in January 2018; C04 and C05 (written 28/02/2018) in
    # February; C06-C09 and C11 (31 March, so the data cover March to its end) in March. C10
    # (31/02/2018) is rejected at ingest and not counted.
    [("2017-01-31", 1), (JAN, 3), (FEB, 2), (MAR, 5)],
)
def test_contacts(hand_fixture_warehouse, period_end, count):
    assert kpi(hand_fixture_warehouse, "contacts", period_end, "month") == pytest.approx(
        (count, None, count)
    )


@pytest.mark.parametrize(
    ("kpi_id", "period_end", "count"),
    [
        # Referrals received April 2017 - March 2018: 11, 12, 13, 14, 17, 19, 99, 100.
        ("rate_referrals", MAR, 8),
        # March 2017 - February 2018: 16 (15/03/2017), 18 (13/03/2017), 11, 12, 13, 14.
        ("rate_referrals", FEB, 6),
        # Authorised April 2017 - March 2018, A5 excluded: A1, A2, A3, A6.
        ("rate_assessments", MAR, 4),
        ("rate_s47", MAR, 3),
        # ICPCs held, including K4 (no clock, but it was held): K1-K5.
        ("rate_icpc", MAR, 5),
    ],
)
def test_activity_rates_per_10000(hand_fixture_warehouse, kpi_id, period_end, count):
    assert kpi(hand_fixture_warehouse, kpi_id, period_end, "rolling_12m") == pytest.approx(
        (count, 288082, count / 288082 * 10000)
    )


def test_rate_cin_uses_kpi_04_denominator(hand_fixture_warehouse):
    # 5 children in need at 31 March 2018 (see kpi_04).
    assert kpi(hand_fixture_warehouse, "rate_cin", MAR, "snapshot") == pytest.approx(
        (5, 288082, 5 / 288082 * 10000)
    )


def test_rate_uses_the_estimate_in_force_at_the_period_end(hand_fixture_warehouse):
    # January 2017 is before mid-2017: the mid-2016 estimate (286,450) applies; P4 and P8 are
    # the children in need then.
    assert kpi(hand_fixture_warehouse, "rate_cin", "2017-01-31", "snapshot") == pytest.approx(
        (2, 286450, 2 / 286450 * 10000)
    )


def test_partial_rolling_windows_are_not_published(hand_fixture_warehouse):
    # The data start in April 2015, so the first complete rolling 12 months ends March 2016, the
    # first complete rolling 3 months June 2015, and the only complete 3 years March 2018.
    # kpi_11's first cohort, April 2015 - March 2016, is published 18 months after its end, for
    # September 2017 (tests/test_end_to_end_workforce_yj.py).
    rows = query(
        hand_fixture_warehouse,
        "select period_type, cast(min(period_end) as varchar) from marts.kpi_values "
        "group by 1 order by 1",
    )
    assert dict(rows) == {
        "3yr": "2018-03-31",
        "cohort": "2017-09-30",
        "month": "2015-04-30",
        "rolling_12m": "2016-03-31",
        "rolling_3m": "2015-06-30",
        "snapshot": "2015-04-30",
        "ytd": "2015-04-30",
    }


def test_every_month_of_the_spine_has_every_kpi_its_extracts_support(hand_fixture_warehouse):
    # 36 months (April 2015 - March 2018). Every month has every month/snapshot/ytd figure (the
    # first financial year starts with the data); rolling 3 months from the 3rd month (34),
    # rolling 12 months from the 12th (25), 3 years only in the 36th (1). Look-backs start
    # later: kpi_02's 12 months (month from April 2016: 24; rolling 12 months from March 2017:
    # 13), kpi_06's 2 years (tested in test_end_to_end_care.py). kpi_11's cohorts from
    # September 2017 (7 month ends) and the workforce KPIs for the three snapshot month ends,
    # January - March 2018 (tests/test_end_to_end_workforce_yj.py); cbp_fte's 8-year look-back
    # is longer than the data: never.
    months = {"month": 36, "snapshot": 36, "ytd": 36, "rolling_3m": 34, "rolling_12m": 25}
    months |= {"3yr": 1}
    expected = {
        ("contacts", "month"), ("kpi_01", "month"), ("kpi_01", "rolling_12m"),
        ("kpi_03", "month"), ("kpi_03", "rolling_12m"), ("kpi_04", "snapshot"),
        ("kpi_05", "month"), ("kpi_05", "rolling_12m"), ("kpi_07", "snapshot"),
        ("kpi_08", "month"), ("kpi_08", "ytd"), ("kpi_09", "month"), ("kpi_09", "ytd"),
        ("kpi_10", "3yr"), ("kpi_10", "rolling_12m"), ("kpi_13", "month"),
        ("kpi_13", "rolling_3m"), ("cbp_a1", "3yr"), ("rate_assessments", "rolling_12m"),
        ("rate_cin", "snapshot"), ("rate_cla", "snapshot"), ("rate_cp", "snapshot"),
        ("rate_icpc", "rolling_12m"), ("rate_referrals", "rolling_12m"),
        ("rate_s47", "rolling_12m"),
    }  # fmt: skip
    rows = query(
        hand_fixture_warehouse,
        "select kpi_id, period_type, count(distinct period_end) from marts.kpi_values "
        "group by 1, 2",
    )
    found = {(k, t): n for k, t, n in rows}
    for key in expected:
        assert found[key] == months[key[1]], key
    assert found[("kpi_02", "month")] == 24
    assert found[("kpi_02", "rolling_12m")] == 13
    assert found[("kpi_11", "cohort")] == 7
    for workforce in ("kpi_12", "kpi_12_sw", "kpi_12_tm", "kpi_14"):
        assert found[(workforce, "snapshot")] == 3
    assert found[("kpi_15", "month")] == 3
    assert {k for k, _ in expected} | {"kpi_02", "kpi_06"} <= {k for k, _ in found}
    assert "cbp_fte" not in {k for k, _ in found}


def test_exclusions_are_listed_with_reasons(hand_fixture_warehouse):
    rows = query(
        hand_fixture_warehouse,
        "select kpi_id, record_id, cast(period_end as varchar), reason from audit.kpi_exclusions "
        "order by kpi_id",
    )
    assert rows == [
        ("kpi_01", "14", FEB, "decision recorded before the referral was received"),
        ("kpi_03", "A5", MAR, "authorised before the assessment started"),
        (
            "kpi_05",
            "K4",
            MAR,
            "no clock start: no linked S47 enquiry, and no linked referral with a date",
        ),
        # Y6's sentence 602 is dated 10/05/2017 for an offence of 15/05/2017: both in May 2017.
        ("kpi_11", "602", "2017-05-31", "offence dated after its outcome"),
        # Allocation I8 runs from 15/03/2018 to 10/03/2018: March 2018.
        ("kpi_14", "I8", MAR, "allocation ends before it starts"),
    ]


def test_ingest_accounts_for_every_contact_row(hand_fixture_warehouse):
    # 14 data rows: 12 loaded, C10's impossible date rejected, one blank row skipped.
    log = query(
        hand_fixture_warehouse,
        "select rows_read, rows_loaded, rows_rejected, rows_blank from audit.ingest_log "
        "where extract = 'ssd_contacts'",
    )
    assert log == [(14, 12, 1, 1)]
    rejected = query(
        hand_fixture_warehouse,
        "select source_file, source_row, column_name, value from audit.rejected_rows "
        "where extract = 'ssd_contacts'",
    )
    # Header is row 1, so C10 (the 14th record) is spreadsheet row 15.
    assert rejected == [("ssd_contacts.csv", 15, "cont_contact_date", "31/02/2018 10:30")]


def test_missing_extracts_load_as_empty(hand_fixture_warehouse):
    # The hand fixture has no ssd_disability.csv.
    rows = query(
        hand_fixture_warehouse,
        "select status, rows_read from audit.ingest_log where extract = 'ssd_disability'",
    )
    assert rows == [("missing", 0)]
    assert query(hand_fixture_warehouse, "select count(*) from raw.ssd_disability") == [(0,)]


def test_every_catalogue_kpi_is_published_or_says_why(hand_fixture_warehouse):
    # Every id of the catalogue has a row in marts.kpi_coverage: published months, or the
    # reason there are none. Here only cbp_fte has none: its 8-year look-back is longer than
    # the 3 years the fixture covers (tests/test_end_to_end_workforce_yj.py).
    rows = query(
        hand_fixture_warehouse,
        "select kpi_id, months_published, reason_not_published from marts.kpi_coverage "
        "where months_published = 0 order by report_order",
    )
    assert rows == [
        (
            "cbp_fte",
            0,
            "no complete rolling_12m window with its 96-month look-back: its sources cover "
            "2015-04 to 2018-03",
        ),
    ]
    assert query(
        hand_fixture_warehouse,
        "select count(*) from reference.kpi_catalogue "
        "where kpi_id not in (select kpi_id from marts.kpi_coverage)",
    ) == [(0,)]


def test_every_asset_check_of_the_build_ran_and_passed(hand_fixture_build):
    # Every check the build job defines was evaluated once and passed: rows_accounted_for on
    # every extract's ingest asset (loaded + rejected + blank = read, and raw and audit hold
    # exactly that), and every dbt data test, which dagster-dbt turns into an asset check.
    import json

    import dagster as dg

    from orchestration.assets.dbt import dbt_project
    from orchestration.definitions import BUILD_JOB_NAME, defs
    from orchestration.extracts import EXTRACTS

    result, _ = hand_fixture_build
    defined = defs.resolve_job_def(BUILD_JOB_NAME).asset_layer.asset_graph.asset_check_keys
    evaluations = result.get_asset_check_evaluations()
    evaluated = [e.asset_check_key for e in evaluations]
    assert len(evaluated) == len(set(evaluated))
    assert set(evaluated) == set(defined)
    failed = sorted(e.asset_check_key.to_user_string() for e in evaluations if not e.passed)
    assert failed == []
    # The set above is not empty by accident: one rows_accounted_for per extract, and one for
    # audit.source_files (per file: loaded + rejected + blank + not loaded = read) ...
    ingest = {k.asset_key for k in evaluated if k.name == "rows_accounted_for"}
    assert ingest == {dg.AssetKey(["raw", e.name]) for e in EXTRACTS} | {
        dg.AssetKey(["audit", "source_files"])
    }
    # ... and one check per dbt data test of the project.
    manifest = json.loads(dbt_project.manifest_path.read_text())
    tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert {k.name for k in evaluated if k.name != "rows_accounted_for"} == tests
