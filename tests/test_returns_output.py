"""The shape handed to the ingest (DuckDB tables of VARCHAR contract columns plus provenance),
and the coverage data (which columns each return fills, which KPIs each supports) held to the
mappings, the contract and the KPI catalogue."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from orchestration import extracts as x
from orchestration.returns.annex_a import read_annex_a
from orchestration.returns.cin_census import read_cin_census
from orchestration.returns.coverage import kpi_support, return_coverage
from orchestration.returns.csww import read_csww
from orchestration.returns.ssda903_read import read_ssda903_tables, read_ssda903_xml
from orchestration.returns.tables_out import write_rejections, write_tables

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "real-format"


@pytest.fixture(scope="module")
def samples():
    fake = FIXTURES / "ssda903-d2i-fake"
    return [
        read_ssda903_tables(sorted(fake.glob("*.csv"))),
        read_ssda903_xml(fake / "fake_903.xml"),
        read_cin_census(FIXTURES / "cin-census-liia-sample" / "BAR_cin_2022.xml"),
        read_csww(FIXTURES / "csww-liia-sample" / "social_work_workforce_2022.xml"),
        read_annex_a(FIXTURES / "annex-a-liia-sample" / "Annex_A_2024_Jan.xlsx"),
    ]


def test_duckdb_tables_have_the_contract_columns_as_varchar_then_provenance(samples):
    con = duckdb.connect()
    written = write_tables(con, samples[0].tables)
    assert "returns.ssd_cla_episodes" in written
    described = con.execute("describe returns.ssd_cla_episodes").fetchall()
    names = [d[0] for d in described]
    contract = list(x.EXTRACTS_BY_NAME["ssd_cla_episodes"].column_names)
    assert names == contract + [
        "_source_file",
        "_source_row",
        "_source_ref",
        "_source_return",
        "_source_year",
    ]
    types = dict((d[0], d[1]) for d in described)
    assert {types[c] for c in contract} == {"VARCHAR"} and types["_source_row"] == "BIGINT"
    count = con.execute("select count(*) from returns.ssd_cla_episodes").fetchone()[0]
    assert count == len(samples[0].tables["ssd_cla_episodes"])
    write_rejections(con, samples[0].rejections)
    reasons = con.execute(
        "select column_name, count(*) from returns.rejected_rows where source_file = "
        "'episodes.csv' group by 1 order by 1"
    ).fetchall()
    # episodes.csv: 226 REC and 216 REASON_PLACE_CHANGE codes of later years (442 rows).
    assert reasons == [("REASON_PLACE_CHANGE", 216), ("REC", 226)]


def test_every_sample_row_is_accounted_for(samples):
    for result in samples:
        for account in result.files:
            assert account.balanced, account.summary()


def test_coverage_names_only_contract_columns():
    for return_name, extracts in return_coverage().items():
        for extract, columns in extracts.items():
            assert columns <= set(x.EXTRACTS_BY_NAME[extract].column_names), (return_name, extract)


def test_mappings_fill_only_the_columns_the_coverage_lists(samples):
    coverage = return_coverage()
    for result in samples:
        for extract, rows in result.tables.items():
            filled = {c for row in rows for c, v in row.items() if v is not None and c[0] != "_"}
            assert filled <= coverage[result.return_name][extract], (result.return_name, extract)


def test_kpi_support_covers_the_catalogue_and_agrees_with_the_coverage():
    with open(REPO / "seeds" / "kpi_catalogue.csv", newline="", encoding="utf-8") as handle:
        catalogue = {r["kpi_id"]: set(r["source_extracts"].split()) for r in csv.DictReader(handle)}
    support = kpi_support()
    assert {r["kpi_id"] for r in support} == set(catalogue)
    coverage = return_coverage()
    for row in support:
        returns = row["source_returns"].split()
        assert row["support"] in ("full", "partial", "none")
        assert (row["support"] == "none") == (not returns), row
        filled = {e for r in returns for e in coverage[r]}
        # A return that supports a KPI fills every extract the KPI is computed from.
        assert catalogue[row["kpi_id"]] <= filled or not returns, row


def test_mapped_values_are_what_the_contract_parsers_accept(samples):
    # Every value the readers produce parses under the contract's own cell parsers (the ingest's
    # validation), so what validation rejects later is a contract rule, not a format slip. The
    # one gap on these samples: workers in post with no OrgRole (the census does not require one
    # of agency workers), where the contract's snapshot requires a role; counted with etree.
    import xml.etree.ElementTree as ET

    from orchestration.ingest.parse import CellError, parse_cell

    failures = {}
    for result in samples:
        for extract, rows in result.tables.items():
            for column in x.EXTRACTS_BY_NAME[extract].columns:
                for row in rows:
                    try:
                        parse_cell(column, row[column.name])
                    except CellError as exc:
                        key = (extract, column.name, str(exc))
                        failures[key] = failures.get(key, 0) + 1
    root = ET.parse(FIXTURES / "csww-liia-sample" / "social_work_workforce_2022.xml").getroot()
    no_role = [
        w
        for w in root.findall("CSWWWorker")
        if (w.findtext("RoleEndDate") or "9999") > "2022-09-30" and w.find("OrgRole") is None
    ]
    assert failures == {
        ("ext_workforce_snapshots", "role", "required value is blank"): len(no_role)
    }
    assert len(no_role) == 13
