"""Build one month's pack from the warehouse into CSC_EXPORT_DIR/<YYYY-MM>/:

    kpi_pack.xlsx   the workbook (summary sheet and one sheet per page)
    kpi_pack.html   one self-contained file, a section per page
    kpi_pack.pdf    printed from the HTML by headless Chromium (A4, a page per section)
    tables/         each report table of the month as CSV (suppressed cells read x) and Parquet,
                    with the month's breakdowns and the revisions (from the analyst database)
    manifest.json   month, files with sizes and SHA-256, pages, commentary, warnings

The folder is written beside the old one and swapped in when complete, so a failed build leaves
the previous pack as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.permissions import apply_mode, dir_mode_for
from orchestration.report_pack import charts, pdf, tables
from orchestration.report_pack.commentary import check_no_identifiers, load_commentary
from orchestration.report_pack.errors import ReportPackError
from orchestration.report_pack.html import render_html, write_html
from orchestration.report_pack.revisions import read_revisions
from orchestration.report_pack.workbook import write_workbook


@dataclass
class PackResult:
    month: str
    folder: Path
    workbook: Path
    html: Path
    pdf: Path | None
    tables: list[Path]
    manifest: Path
    pages: int
    commentary: Path | None
    missing_commentary: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [p for p in (self.workbook, self.html, self.pdf, self.manifest) if p] + self.tables


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _swap_in(staging: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def build_pack(
    con: duckdb.DuckDBPyConnection,
    export_dir: Path,
    requested_month: str | None,
    commentary_folders: list[Path],
    *,
    make_pdf: bool = True,
    chromium: str | None = None,
    log: Callable[[str], None] = print,
    file_mode: int | None = None,
    analyst_db: Path | None = None,
    revision_threshold: float | None = None,
) -> PackResult | None:
    """The pack of `requested_month` (YYYY-MM), or of the latest complete month in the data.
    None when no month is complete (nothing is written). Raises ReportPackError for input to
    fix (an unknown month, bad commentary). `file_mode` (CSC_EXPORT_MODE) is given to every file
    written, and to its folders (with x where r is), whatever the umask. `analyst_db`
    (CSC_ANALYST_DB) holds the revision history the pack marks and lists revisions from; without
    it the Revisions page says there is no history to read. `revision_threshold`
    (CSC_REVISION_THRESHOLD) is only quoted: the history has applied it."""
    if not tables.reporting_available(con):
        raise ReportPackError("the reporting tables are not built: run dbt build first")
    month = tables.resolve_report_month(con, requested_month)
    if month is None:
        log("no complete month in the data: no pack written")
        return None
    revisions = read_revisions(con, analyst_db, month.period_end, revision_threshold)
    data = tables.load_pack_data(con, month, revisions)
    warnings: list[str] = []
    if analyst_db is not None and not revisions.available:
        warnings.append(f"no revisions shown: {revisions.reason}")
    if not month.is_complete:
        warnings.append(f"{month.month} is not complete in the data: the pack is provisional")
    known_ids = [page.page_id for page in data.pages if page.page_kind != "cover"]
    commentary = load_commentary(month.month, commentary_folders, known_ids)
    check_no_identifiers(commentary, lambda tokens: tables.find_identifiers(con, tokens))
    missing = [page_id for page_id in known_ids if commentary.text(page_id) is None]
    if commentary.path is None:
        warnings.append(f"no commentary file for {month.month} ({commentary.where()})")

    charts_svg: dict[str, str] = {}
    charts_png: dict[str, bytes] = {}
    for page in data.pages:
        if page.trend is None or page.trend["value"].isna().all():
            continue
        chart = charts.trend_chart(
            page.trend, page.kpi_id, f"{page.page_label}: trend, 13 months to {month.label}"
        )
        charts_svg[page.page_id] = charts.to_svg(chart)
        charts_png[page.page_id] = charts.to_png(chart)

    if not export_dir.exists():
        export_dir.mkdir(parents=True)
        if file_mode is not None:
            os.chmod(export_dir, dir_mode_for(file_mode))
    target = export_dir / month.month
    staging = export_dir / f".{month.month}.partial-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        written_tables = tables.write_tables(data.tables, staging / "tables")
        workbook = write_workbook(data, commentary, charts_png, staging / "kpi_pack.xlsx")
        html_text = render_html(data, commentary, charts_svg, dt.datetime.now())
        html_path = write_html(html_text, staging / "kpi_pack.html")
        pdf_path: Path | None = None
        if make_pdf:
            try:
                pdf_path = pdf.print_pdf(html_path, staging / "kpi_pack.pdf", chromium)
            except pdf.ChromiumError as exc:
                warnings.append(f"no PDF: {exc}")
        files = [p for p in (workbook, html_path, pdf_path) if p] + written_tables
        manifest = {
            "month": month.month,
            "period_end": month.period_end.isoformat(),
            "complete_month": month.is_complete,
            "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
            "pages": [page.page_id for page in data.pages],
            "commentary": str(commentary.path) if commentary.path else None,
            "pages_without_commentary": missing,
            "warnings": warnings,
            "files": [
                {
                    "path": str(p.relative_to(staging)),
                    "bytes": p.stat().st_size,
                    "sha256": _sha256(p),
                }
                for p in files
            ],
        }
        manifest_path = staging / "manifest.json"
        manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if file_mode is not None:
            apply_mode(staging, file_mode)
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    moved = lambda p: target / p.relative_to(staging)  # noqa: E731
    for warning in warnings:
        log(f"warning: {warning}")
    return PackResult(
        month=month.month,
        folder=target,
        workbook=moved(workbook),
        html=moved(html_path),
        pdf=moved(pdf_path) if pdf_path else None,
        tables=[moved(p) for p in written_tables],
        manifest=moved(manifest_path),
        pages=len(data.pages),
        commentary=commentary.path,
        missing_commentary=missing,
        warnings=warnings,
    )
