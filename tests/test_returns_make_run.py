"""`CSC_SOURCE_DIR=<folder of SSDA903 CSVs> make run`: the real `python -m orchestration.run` (what
`make run` runs) on Data to Insight's fake 2017-18 SSDA903 tables, in a year folder as several
years' tables would be. It builds the warehouse and a pack whose looked-after pages are filled
and whose other pages are marked not available."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.returns.coverage import return_coverage

REPO = Path(__file__).resolve().parent.parent
FAKE = REPO / "tests" / "fixtures" / "real-format" / "ssda903-d2i-fake"
MARCH_2018 = dt.date(2018, 3, 31)
# The 2017-18 codes for an episode's ending and placement change (the fake return uses 2018-19's
# E45-E48 and CUSTOD in places, which the 2017-18 specification rejects, with their rows).
REC_2017_18 = set("X1 E11 E12 E2 E3 E4A E4B E13 E41 E43 E44 E5 E6 E7 E9 E14 E15 E16 E17 E8".split())
RPC_2017_18 = {"", "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD",
               "LAREQ", "PLACE", "OTHER"}  # fmt: skip


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    work = tmp_path_factory.mktemp("ssda903_make_run")
    year = work / "returns" / "2017-18"
    year.mkdir(parents=True)
    for path in FAKE.glob("*.csv"):
        shutil.copyfile(path, year / path.name)
    env = {
        **os.environ,
        "CSC_SOURCE_DIR": str(work / "returns"),
        "CSC_WAREHOUSE": str(work / "warehouse.duckdb"),
        "CSC_ANALYST_DB": str(work / "analyst.duckdb"),
        "CSC_EXPORT_DIR": str(work / "exports"),
        "CSC_RESTRICTED_DIR": str(work / "restricted"),
        "DAGSTER_HOME": str(work / "dagster_home"),
    }
    for name in ("CSC_REPORT_MONTH", "CSC_COMMENTARY_DIR", "CSC_DATA_AS_AT", "CSC_DATA_FROM"):
        env.pop(name, None)
    process = subprocess.run(
        [sys.executable, "-m", "orchestration.run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=2400,
    )
    assert process.returncode == 0, (process.stdout + process.stderr)[-4000:]
    return work, process.stdout


def query(path: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def test_the_summary_lists_every_file_with_what_it_was_recognised_as(build):
    _, output = build
    assert "2017-18/episodes.csv: SSDA903 table (episodes) 2017-18: loaded: read 5,050" in output
    assert "2017-18/oc2.csv: SSDA903 table (oc2) 2017-18: not loaded: read 2,675" in output
    # A table the 2017-18 specification does not have is refused, saying why.
    assert (
        "2017-18/sw_episodes.csv: SSDA903 table (sw_episodes) 2017-18: failed: the 2017-18 "
        "return has no sw_episodes table" in output
    )


def test_every_row_of_every_file_is_accounted_for(build):
    work, _ = build
    files = query(
        work / "analyst.duckdb",
        "select source_file, rows_read, rows_loaded, rows_rejected, rows_blank, rows_not_loaded "
        "from audit.source_files where rows_read is not null order by 1",
    )
    for name, read, loaded, rejected, blank, not_loaded in files:
        with open(FAKE / Path(name).name, newline="", encoding="utf-8-sig") as handle:
            data_rows = sum(1 for _ in csv.reader(handle)) - 1
        assert read == data_rows == loaded + rejected + blank + not_loaded, name
    assert len(files) == 10  # the 11 tables less sw_episodes, refused for its year


def test_the_warehouse_has_the_children_looked_after_at_31_march_2018(build):
    work, _ = build
    # Independent count with csv: children with an episode open at the end of 31 March 2018
    # whose codes are 2017-18's (an episode with a later year's code is rejected, with its row).
    with open(FAKE / "episodes.csv", newline="", encoding="utf-8-sig") as handle:
        expected = {
            r["CHILD"]
            for r in csv.DictReader(handle)
            if _date(r["DECOM"]) <= MARCH_2018
            and (not r["DEC"] or _date(r["DEC"]) > MARCH_2018)
            and r["REC"] in REC_2017_18 | {""}
            and r["REASON_PLACE_CHANGE"] in RPC_2017_18
        }
    looked_after = query(
        work / "warehouse.duckdb",
        "select distinct person_id from intermediate.int_cla__looked_after_at_month_end "
        "where period_end = '2018-03-31'",
    )
    assert {r[0] for r in looked_after} == expected and len(expected) == 1296


def test_the_pack_has_the_looked_after_pages_filled_and_the_others_not_available(build):
    work, _ = build
    analyst = work / "analyst.duckdb"
    # The return ends on 31 March 2018, so the pack is March 2018's.
    pack = work / "exports" / "2018-03"
    assert (pack / "kpi_pack.html").is_file() and (pack / "kpi_pack.xlsx").is_file()
    pages = dict(
        (kpi, (availability, reason))
        for kpi, availability, reason in query(
            analyst,
            "select kpi_id, availability, availability_reason from "
            "reporting.rpt_scorecard_summary where period_end = '2018-03-31'",
        )
    )
    catalogue = dict(query(analyst, "select kpi_id, source_extracts from marts.kpi_coverage"))
    ssda903 = set(return_coverage()["ssda903"])
    looked_after = {k for k, s in catalogue.items() if set(s.split()) <= ssda903}
    # kpi_07 (placement stability at the month end) and kpi_08 (reviews in time, year to date:
    # April 2017 - March 2018 is one whole year) are computed from one year's return.
    assert pages["kpi_07"][0] == pages["kpi_08"][0] == "available"
    for kpi, (availability, reason) in pages.items():
        if kpi in looked_after and availability != "available":
            # kpi_09's year to date and kpi_10's and cbp_a1's three years need more than the
            # months this one return covers: said so, not left blank.
            assert reason.startswith("no complete "), (kpi, reason)
        elif kpi not in looked_after:
            # Every other page needs an extract no SSDA903 return fills.
            assert availability == "not_available" and " loaded" in reason, (kpi, reason)
    # The headline rate of children looked after is published for March 2018.
    assert (
        query(
            analyst,
            "select count(*) from marts.kpi_values where kpi_id = 'rate_cla' "
            "and period_end = '2018-03-31'",
        )[0][0]
        == 1
    )
    html = (pack / "kpi_pack.html").read_text(encoding="utf-8")
    assert "Not available from the loaded sources for Mar-18: no referrals loaded." in html
