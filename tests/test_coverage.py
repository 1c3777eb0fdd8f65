"""Which months each KPI is published for, on real-shaped folders: only some extracts, data that
start or stop part-way through a month, with and without CSC_DATA_FROM and CSC_DATA_AS_AT.

Every build is the real `build_everything` job (ingest, dbt build with its tests, analyst
database, exception lists, pack) on a folder made here or in tests/fixtures. Expected values are
worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.conftest import FIXTURES, HAND_FIXTURE_COVERAGE, failures, query, run_build

BIRMINGHAM_10_17_MID_2017 = 119_924  # reference/ons: ONS mid-2017, ages 10-17
CLA_EXTRACTS = (
    "ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status", "ssd_cla_reviews",
    "ssd_permanence", "ssd_person", "ext_care_leaver_outcomes",
)  # fmt: skip


def kpi(warehouse, kpi_id, period_end, period_type):
    rows = query(
        warehouse,
        "select numerator, denominator, value from marts.kpi_values "
        "where kpi_id = ? and period_end = cast(? as date) and period_type = ?",
        [kpi_id, period_end, period_type],
    )
    assert len(rows) == 1, f"{kpi_id} {period_end} {period_type}: {rows}"
    return rows[0]


def published(warehouse, kpi_id, period_type) -> list[str]:
    return [
        row[0]
        for row in query(
            warehouse,
            "select cast(period_end as varchar) from marts.kpi_values "
            "where kpi_id = ? and period_type = ? order by period_end",
            [kpi_id, period_type],
        )
    ]


def reasons(warehouse) -> dict[str, str]:
    return dict(
        query(
            warehouse,
            "select kpi_id, reason_not_published from marts.kpi_coverage "
            "where reason_not_published is not null",
        )
    )


def build(tmp_path_factory, name, source, **settings):
    work = tmp_path_factory.mktemp(name)
    result, warehouse = run_build(source, work, **settings)
    assert result.success, failures(result)
    return work, warehouse


# --- workforce and youth justice only ----------------------------------------------------------


@pytest.fixture(scope="module")
def workforce_yj(tmp_path_factory):
    # tests/fixtures/workforce_yj: workforce snapshots for January-March 2018, allocations,
    # supervisions and a youth justice extract said to cover 2009 on (a youth offending service
    # keeps its history), to 31 March 2018.
    return build(
        tmp_path_factory,
        "workforce_yj",
        FIXTURES / "workforce_yj",
        CSC_DATA_FROM="2009-01-01",
        CSC_DATA_AS_AT="2018-03-31",
    )


@pytest.mark.parametrize(
    ("kpi_id", "period_end", "expected"),
    [
        # Qualified social workers, senior practitioners and team managers, FTE (W5 'other' and
        # unqualified counts nowhere; W4's long-term absence keeps the post). January: W1 1.0,
        # W2 0.5 agency, W3 1.0 agency, W4 1.0 -> 1.5 / 3.5.
        ("kpi_12", "2018-01-31", (1.5, 3.5, 1.5 / 3.5 * 100)),
        # February: W6 joins, 0.8 agency -> 2.3 / 4.3. March: W2 goes to 1.0 -> 2.8 / 4.8.
        ("kpi_12", "2018-02-28", (2.3, 4.3, 2.3 / 4.3 * 100)),
        ("kpi_12", "2018-03-31", (2.8, 4.8, 2.8 / 4.8 * 100)),
        # The splits: social workers and senior practitioners (W1, W2, W4, W6), team managers
        # (W3). January 0.5 / 2.5; March 1.8 / 3.8; W3 is agency throughout: 1.0 / 1.0.
        ("kpi_12_sw", "2018-01-31", (0.5, 2.5, 20.0)),
        ("kpi_12_sw", "2018-03-31", (1.8, 3.8, 1.8 / 3.8 * 100)),
        ("kpi_12_tm", "2018-03-31", (1.0, 1.0, 100.0)),
    ],
)
def test_workforce_agency_share(workforce_yj, kpi_id, period_end, expected):
    _, warehouse = workforce_yj
    assert kpi(warehouse, kpi_id, period_end, "snapshot") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # Case holders among qualified social workers and senior practitioners not on long-term
        # absence, cases = distinct children with an open allocated-case-worker involvement.
        # January: W1 holds P1 (I1) and P2 (I2, ends 28/02); W2 holds P4 (I5 is a supervisor
        # role, not a case); W4 is absent. 3 cases / (1.0 + 0.5) FTE = 2.0.
        ("2018-01-31", (3, 1.5, 2.0)),
        # February: I2 ended on the snapshot day (closed); I9 is P1 again for W1 (one child);
        # W4 is back with P6; W6 holds nothing (I8 ends before it starts). 3 / 2.5 = 1.2.
        ("2018-02-28", (3, 2.5, 1.2)),
        # March: W1 has P1 and P3, W2 (now 1.0 FTE) P4, W4 P6. 4 / 3.0.
        ("2018-03-31", (4, 3.0, 4 / 3)),
    ],
)
def test_kpi_14_caseload(workforce_yj, period_end, expected):
    _, warehouse = workforce_yj
    assert kpi(warehouse, "kpi_14", period_end, "snapshot") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # Qualified social workers and senior practitioners at work: January W1, W2 (W4 absent,
        # W3 a manager): W1 supervised (S1) - W4's S3 and W3's S7 do not count. 1 of 2.
        ("2018-01-31", (1, 2, 50.0)),
        # February: W1, W2, W4, W6; only W2 (S2). 1 of 4.
        ("2018-02-28", (1, 4, 25.0)),
        # March: W1 (S4), W2 (S6), W6 (S5 on the 31st); not W4. 3 of 4.
        ("2018-03-31", (3, 4, 75.0)),
    ],
)
def test_kpi_15_supervision(workforce_yj, period_end, expected):
    _, warehouse = workforce_yj
    assert kpi(warehouse, "kpi_15", period_end, "month") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        # Cohort for 31 March 2018: index outcomes 1 October 2015 - 30 September 2016. Z1
        # (caution 01/10/2015, re-offends: sentence for an offence of 01/05/2016), Z2 (sentence
        # 30/09/2016; its custody release is no re-offence and its next offence, 01/10/2017, is
        # a day past the 12 months), Z4 (its re-offence's outcome 05/10/2017 is a day past the
        # 18 months), Z5 (its later offence is dated after its outcome: no re-offence, listed
        # in audit.kpi_exclusions). Z3 was 18. 1 of 4.
        ("2018-03-31", (1, 4, 25.0)),
        # Cohort for 31 December 2017: 1 July 2015 - 30 June 2016: Z1, Z4, Z5. 1 of 3.
        ("2017-12-31", (1, 3, 100 / 3)),
    ],
)
def test_kpi_11_reoffending(workforce_yj, period_end, expected):
    _, warehouse = workforce_yj
    assert kpi(warehouse, "kpi_11", period_end, "cohort") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("period_end", "entrants"),
    [
        # First-ever formal outcome in the 12 months, aged 10-17 then. January - December 2017:
        # Y1 (caution 10/06/2017, 14), Y6 (31/03/2017, 12), Y8 (25/11/2017, 11; its offence is
        # dated after the outcome, which does not matter here). Not: Y2 (first in 2012), Y3 (18
        # on the day), Y4 (its 2017 outcome is 'other', not formal). 3.
        ("2017-12-31", 3),
        # February 2017 - January 2018: Y4's caution of 15/01/2018 joins. 4.
        ("2018-01-31", 4),
        # April 2017 - March 2018: Y6 drops out, Y5 (31/03/2018, 11) joins. 4.
        ("2018-03-31", 4),
    ],
)
def test_cbp_fte_rate_per_100000(workforce_yj, period_end, entrants):
    _, warehouse = workforce_yj
    # Population: the latest mid-year 10-17 estimate at or before the window end, mid-2017.
    assert kpi(warehouse, "cbp_fte", period_end, "rolling_12m") == pytest.approx(
        (entrants, BIRMINGHAM_10_17_MID_2017, entrants / BIRMINGHAM_10_17_MID_2017 * 100_000)
    )


def test_workforce_and_youth_justice_only_publish_their_kpis(workforce_yj):
    work, warehouse = workforce_yj
    # cbp_fte looks back 8 years ("first ever"): from the data's 2009 start, its first window
    # is January - December 2017. kpi_11's cohorts from June 2011 (January 2009 - December
    # 2009). The workforce KPIs follow the snapshots, January - March 2018.
    assert published(warehouse, "cbp_fte", "rolling_12m") == [
        "2017-12-31", "2018-01-31", "2018-02-28", "2018-03-31",
    ]  # fmt: skip
    assert published(warehouse, "kpi_11", "cohort")[0] == "2011-06-30"
    assert published(warehouse, "kpi_15", "month") == ["2018-01-31", "2018-02-28", "2018-03-31"]
    missing = reasons(warehouse)
    assert missing["kpi_01"] == "no referrals loaded"
    assert missing["contacts"] == "no contacts loaded"
    assert missing["kpi_07"] == (
        "no looked-after episodes loaded; no placements loaded; no legal status spells "
        "loaded; no persons loaded"
    )
    catalogue = {row[0] for row in query(warehouse, "select kpi_id from reference.kpi_catalogue")}
    supported = {"kpi_11", "kpi_12", "kpi_12_sw", "kpi_12_tm", "kpi_14", "kpi_15", "cbp_fte"}
    assert set(missing) == catalogue - supported
    exclusions = query(
        warehouse,
        "select kpi_id, record_id, reason from audit.kpi_exclusions order by kpi_id, record_id",
    )
    assert exclusions == [
        ("kpi_11", "801", "offence dated after its outcome"),
        ("kpi_11", "952", "offence dated after its outcome"),
        ("kpi_14", "I8", "allocation ends before it starts"),
    ]
    # The pack is made for March 2018, the latest month with published figures; the pages of
    # KPIs the folder cannot support say so instead of failing the build.
    html = (work / "exports" / "2018-03" / "kpi_pack.html").read_text(encoding="utf-8")
    assert "Not available from the loaded sources for Mar-18: no referrals loaded." in html
    assert html.count("Not available from the loaded sources") >= 10


# --- looked-after extracts only ---------------------------------------------------------------


@pytest.fixture(scope="module")
def looked_after_only(tmp_path_factory):
    source = tmp_path_factory.mktemp("cla_source")
    for name in CLA_EXTRACTS:
        shutil.copy(FIXTURES / "hand_small" / f"{name}.csv", source / f"{name}.csv")
    return build(tmp_path_factory, "cla_only", source, **HAND_FIXTURE_COVERAGE)


def test_looked_after_extracts_alone_publish_the_looked_after_kpis(looked_after_only):
    _, warehouse = looked_after_only
    # The same rows as the full hand fixture, so the values worked out by hand in
    # tests/test_end_to_end_care.py: kpi_07 at March 2018 2 of 3 (P9, P11 stable; P13 not);
    # rate_cla 6 children; kpi_08 year to date 2 of 4 (RV1, RV2 on time; RV3 and PC11's 4th
    # review RV8 late); kpi_09 2 of 4; kpi_10 (0 + 100) / 2; cbp_a1 (276 + 426 + 122) / 3.
    assert kpi(warehouse, "kpi_07", "2018-03-31", "snapshot") == pytest.approx((2, 3, 200 / 3))
    assert kpi(warehouse, "rate_cla", "2018-03-31", "snapshot")[0] == 6
    assert kpi(warehouse, "kpi_08", "2018-03-31", "ytd") == pytest.approx((2, 4, 50.0))
    assert kpi(warehouse, "kpi_09", "2018-03-31", "ytd") == pytest.approx((2, 4, 50.0))
    assert kpi(warehouse, "kpi_10", "2018-03-31", "3yr") == pytest.approx((100, 2, 50.0))
    assert kpi(warehouse, "cbp_a1", "2018-03-31", "3yr") == pytest.approx((824, 3, 824 / 3))
    # Published: exactly the KPIs whose every source extract is among the looked-after ones
    # (kpi_07-10, cbp_a1, rate_cla, and any the registry adds).
    from orchestration.registry import load_registry

    supported = {k.kpi_id for k in load_registry() if set(k.source_extracts) <= set(CLA_EXTRACTS)}
    assert {"kpi_07", "kpi_08", "kpi_09", "kpi_10", "cbp_a1", "rate_cla"} <= supported
    published_kpis = {row[0] for row in query(warehouse, "select kpi_id from marts.kpi_values")}
    assert published_kpis == supported
    missing = reasons(warehouse)
    assert missing["kpi_01"] == "no referrals loaded"
    assert missing["kpi_13"] == "no CP plans loaded"
    assert missing["kpi_12"] == "no workforce snapshots loaded"


# --- data that start and stop part-way through a month -----------------------------------------


def _daily_contacts(folder, first: dt.date, last: dt.date) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["cont_contact_id,cont_person_id,cont_contact_date"]
    day, n = first, 0
    while day <= last:
        n += 1
        lines.append(f"C{n},P{n},{day.isoformat()} 10:00")
        day += dt.timedelta(days=1)
    (folder / "ssd_contacts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def part_months(tmp_path_factory):
    # One contact a day from Monday 15 January to Thursday 12 April 2018: January holds 17,
    # February 28, March 31, April 12. Nothing else is loaded.
    # Two referrals: R1 received 5 February, decided 3 hours later, but recorded closed on 20
    # January, before it was received; R2 received 10 February, decided within the hour,
    # closed 1 March. Their coverage (from close dates) is February - March.
    source = tmp_path_factory.mktemp("part_months_source")
    _daily_contacts(source, dt.date(2018, 1, 15), dt.date(2018, 4, 12))
    (source / "ssd_cin_episodes.csv").write_text(
        "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_decision_date,"
        "cine_referral_nfa,cine_close_date\n"
        "R1,P1,2018-02-05 09:00,2018-02-05 12:00,N,2018-01-20\n"
        "R2,P2,2018-02-10 09:00,2018-02-10 09:30,N,2018-03-01\n",
        encoding="utf-8",
    )
    inferred = build(tmp_path_factory, "part_months_inferred", source)
    stated = build(
        tmp_path_factory,
        "part_months_stated",
        source,
        CSC_DATA_FROM="2018-01-15",
        CSC_DATA_AS_AT="2018-04-30",
    )
    whole_january = build(tmp_path_factory, "part_months_january", source,
                          CSC_DATA_FROM="2018-01-01")  # fmt: skip
    return inferred[1], stated[1], whole_january[1]


def test_part_months_are_left_out_when_inferred(part_months):
    warehouse, _, _ = part_months
    # The latest event is Thursday 12 April and working days follow it: April is partial.
    # January is dense enough (17 against half the median 28 of the months, 14) but its first
    # contact is on the 15th, after its first working day (2 January): partial too.
    assert published(warehouse, "contacts", "month") == ["2018-02-28", "2018-03-31"]
    assert kpi(warehouse, "contacts", "2018-02-28", "month")[0] == 28
    assert query(
        warehouse, "select cast(as_at as varchar), is_as_at_set from intermediate.int_data_as_at"
    ) == [("2018-04-12", False)]


def test_the_two_settings_say_which_months_are_whole(part_months):
    _, warehouse, whole_january = part_months
    # CSC_DATA_AS_AT 30 April: April is covered, with its 12 contacts. CSC_DATA_FROM 15 January
    # is not a first of the month: the first whole month is February.
    assert published(warehouse, "contacts", "month") == ["2018-02-28", "2018-03-31", "2018-04-30"]
    assert kpi(warehouse, "contacts", "2018-04-30", "month")[0] == 12
    # CSC_DATA_FROM 1 January says January is whole (the extract covers it; there were just no
    # contacts before the 15th): January is published with its 17. Without CSC_DATA_AS_AT,
    # April stays partial.
    assert published(whole_january, "contacts", "month") == [
        "2018-01-31", "2018-02-28", "2018-03-31",
    ]  # fmt: skip
    assert kpi(whole_january, "contacts", "2018-01-31", "month")[0] == 17


def test_a_close_before_receipt_leaves_only_the_open_case_count(part_months):
    warehouse, _, _ = part_months
    # R1 loads (no rejected row) and counts where its dates do not matter: both February
    # decisions were within 24 hours, 2 of 2 for kpi_01. Open as a child in need at 28
    # February needs an interval R1 does not have: only R2, 1 child for kpi_04; R1 is listed
    # as excluded from kpi_04 and rate_cin, and in audit.date_contradictions.
    assert query(warehouse, "select count(*) from audit.rejected_rows") == [(0,)]
    assert kpi(warehouse, "kpi_01", "2018-02-28", "month") == pytest.approx((2, 2, 100.0))
    assert kpi(warehouse, "kpi_04", "2018-02-28", "snapshot")[:2] == (0, 1)
    assert query(
        warehouse,
        "select kpi_id, record_id, cast(period_end as varchar), reason "
        "from audit.kpi_exclusions order by kpi_id",
    ) == [
        ("kpi_04", "R1", "2018-02-28", "closed before the referral was received"),
        ("rate_cin", "R1", "2018-02-28", "closed before the referral was received"),
    ]
    assert query(
        warehouse,
        "select extract, record_id, start_column, end_column, excluded_from "
        "from audit.date_contradictions",
    ) == [("ssd_cin_episodes", "R1", "cine_referral_date", "cine_close_date", "kpi_04 rate_cin")]


def test_the_coverage_model_reads_every_extract_asset():
    # Regression: the model first looped over dbt's `graph`, which is empty when dbt parses, so
    # it had no declared parents and Dagster showed no lineage from the extracts to coverage.
    import dagster as dg

    from orchestration.extracts import EXTRACTS
    from orchestration.prepare import prepare_dbt_manifest

    prepare_dbt_manifest()
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey(["intermediate", "int_source_activity_by_month"])).parent_keys
    assert {dg.AssetKey(["raw", e.name]) for e in EXTRACTS} <= parents
