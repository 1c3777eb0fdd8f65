"""The workbook: a Summary sheet (the scorecard with status colours, targets, tolerances and trend
arrows) and one sheet per page of the pack. Figures are stored as numbers (percentages 0-100, as
in the warehouse) with number formats; a suppressed figure is the text `x`. Header rows are
frozen, columns sized, and each KPI sheet carries its trend chart as an image."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.report_pack.commentary import Commentary, paragraphs
from orchestration.report_pack.errors import ReportPackError
from orchestration.report_pack.formatting import (
    MISSING,
    NOT_AVAILABLE,
    STATUS_COLOURS,
    SUPPRESSED,
    excel_format,
    format_bound,
    format_value,
    good_text,
    is_missing,
    status_text,
    tolerance_text,
    trend_arrow,
)
from orchestration.report_pack.tables import FORMULA_TRIGGERS, PackData, Page, records

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F4E79")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")
# The most characters an Excel cell holds; Excel cuts longer text without a word.
EXCEL_CELL_LIMIT = 32_767


def sheet_name(page: Page) -> str:
    """The page's label as a sheet name: without the characters Excel refuses in one ("CBP: FTE"
    is "CBP FTE"), at most 31 characters."""
    name = "Practice evaluation" if page.page_id == "practice_evaluation" else page.page_label
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return " ".join(name.split())[:31]


def _number(cell, value, unit, kpi_id=None, suppressed=False) -> None:
    """A figure: a number with its format, `x` if suppressed, a dash if there is none."""
    if suppressed:
        cell.value = SUPPRESSED
        cell.alignment = RIGHT
    elif is_missing(value):
        cell.value = MISSING
        cell.alignment = RIGHT
    else:
        cell.value = float(value)
        cell.number_format = excel_format(unit, kpi_id)


def _header(ws: Worksheet, row: int, headings: list[str]) -> None:
    for column, heading in enumerate(headings, start=1):
        cell = ws.cell(row=row, column=column, value=heading)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = BORDER


def _widths(ws: Worksheet, widths: list[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _status_cell(cell, status, outlier, availability) -> None:
    cell.value = status_text(status, outlier, availability)
    if status in STATUS_COLOURS and availability == "available":
        fill, font = STATUS_COLOURS[status]
        cell.fill = PatternFill("solid", fgColor=fill)
        cell.font = Font(bold=True, color=font)


def _summary_sheet(ws: Worksheet, data: PackData) -> None:
    ws.title = "Summary"
    ws["A1"] = f"Contract KPI scorecard – {data.month.label} ({data.month.long_label})"
    ws["A1"].font = TITLE_FONT
    headings = [
        "Page",
        "Indicator",
        "Good =",
        "Target",
        "Tolerance low",
        "Tolerance high",
        data.month.label,
        "Comparator",
        "Comparator value",
        "Status",
        "Trend",
        "National",
        "Stat. neighbours",
    ]
    _header(ws, 3, headings)
    summary = data.tables["rpt_scorecard_summary"]
    for offset, row in enumerate(records(summary)):
        r = 4 + offset
        unit, kpi = row["unit"], row["kpi_id"]
        ws.cell(r, 1, row["page_label"])
        ws.cell(r, 2, row["title"]).alignment = WRAP
        ws.cell(r, 3, good_text(row["polarity"]))
        _number(ws.cell(r, 4), row["target"], unit, kpi)
        _number(ws.cell(r, 5), row["tolerance_low"], unit, kpi)
        _number(ws.cell(r, 6), row["tolerance_high"], unit, kpi)
        _number(ws.cell(r, 7), row["value"], unit, kpi, bool(row["value_suppressed"]))
        ws.cell(r, 8, row["comparator_heading"])
        _number(ws.cell(r, 9), row["comparator_value"], unit, kpi, row["comparator_suppressed"])
        _status_cell(ws.cell(r, 10), row["status"], row["outlier"], row["availability"])
        ws.cell(r, 11, trend_arrow(row["value"], row["previous_value"], row["trend"]))
        _number(ws.cell(r, 12), row["benchmark_national"], unit, kpi)
        _number(ws.cell(r, 13), row["benchmark_statistical_neighbours"], unit, kpi)
        for column in range(1, len(headings) + 1):
            ws.cell(r, column).border = BORDER
    ws.freeze_panes = "C4"
    _widths(ws, [10, 58, 8, 9, 10, 10, 10, 18, 12, 16, 15, 10, 12])
    last = 4 + len(summary)
    ws.cell(last + 1, 1, "x: suppressed (denominator below 5). –: no figure for the month.")
    ws.cell(last + 2, 1, "Status: green on or better than target; amber within tolerance; red "
            "beyond tolerance. Outlier: beyond tolerance on the good side.")  # fmt: skip


def _page_preamble(ws: Worksheet, page: Page, data: PackData) -> int:
    ws["A1"] = f"{page.heading}: {page.title}" if page.kpi_id else page.heading
    ws["A1"].font = TITLE_FONT
    summary = page.summary
    if summary:
        unit, kpi = summary["unit"], summary["kpi_id"]
        value = format_value(summary["value"], unit, kpi, summary["value_suppressed"])
        tolerance = tolerance_text(summary["tolerance_low"], summary["tolerance_high"], unit, kpi)
        trend = trend_arrow(summary["value"], summary["previous_value"], summary["trend"])
        ws["A2"] = (
            f"Good = {good_text(summary['polarity'])} | Target "
            f"{format_bound(summary['target'], unit, kpi)} | Tolerance {tolerance} "
            f"| {data.month.label}: {value} | Trend: {trend}"
        )
        _status_cell(ws["B2"], summary["status"], summary["outlier"], summary["availability"])
        ws["B2"].value = f"Status: {ws['B2'].value}"
    ws["A3"] = page.definition
    ws["A3"].alignment = WRAP
    ws.row_dimensions[3].height = 45
    return 5


def _kpi_table(ws: Worksheet, page: Page, start: int) -> int:
    table = page.table
    show_comparator = table["comparator_heading"].notna().any()
    headings = ["Measure"]
    if show_comparator:
        headings.append(str(table["comparator_heading"].dropna().iloc[0]))
    month_headings = table["month_heading"].dropna()
    headings.append(str(month_headings.iloc[0]) if len(month_headings) else "Month")
    _header(ws, start, headings)
    for offset, row in enumerate(records(table)):
        r = start + 1 + offset
        ws.cell(r, 1, row["measure"]).alignment = WRAP
        column = 2
        if show_comparator:
            _number(ws.cell(r, column), row["comparator_value"], row["unit"], row["kpi_id"],
                    row["comparator_suppressed"])  # fmt: skip
            column += 1
        _number(ws.cell(r, column), row["month_value"], row["unit"], row["kpi_id"],
                row["month_suppressed"])  # fmt: skip
        for c in range(1, len(headings) + 1):
            ws.cell(r, c).border = BORDER
    return start + 1 + len(table)


def _headline_table(ws: Worksheet, page: Page, start: int) -> int:
    table = page.table
    period = table["statistics_period"].dropna()
    published = f" ({period.iloc[0]})" if len(period) else ""
    headings = [
        "Rate per 10,000 children",
        "Window",
        str(table["month_heading"].iloc[0]) if len(table) else "Month",
        f"Own LA published{published}",
        f"Stat. neighbours{published}",
        f"National{published}",
        f"Region{published}",
    ]
    _header(ws, start, headings)
    for offset, row in enumerate(records(table)):
        r = start + 1 + offset
        ws.cell(r, 1, row["measure"])
        ws.cell(r, 2, row["window_heading"])
        _number(ws.cell(r, 3), row["month_value"], "rate_per_10000", None, row["month_suppressed"])
        for column, key in enumerate(
            [
                "published_own_la",
                "published_statistical_neighbours",
                "published_national",
                "published_regional",
            ],
            start=4,
        ):
            _number(ws.cell(r, column), row[key], "rate_per_10000")
        for c in range(1, len(headings) + 1):
            ws.cell(r, c).border = BORDER
    return start + 1 + len(table)


def _benchmarks(ws: Worksheet, page: Page, row: int) -> int:
    summary = page.summary
    if not summary:
        return row
    unit, kpi = summary["unit"], summary["kpi_id"]
    for key, label in BENCHMARK_LABELS:
        if not is_missing(summary.get(key)):
            ws.cell(row, 1, label)
            _number(ws.cell(row, 2), summary[key], unit, kpi)
            row += 1
    if summary.get("benchmark_source"):
        ws.cell(row, 1, f"Source: {summary['benchmark_source']}").font = Font(italic=True, size=9)
        row += 1
    return row


BENCHMARK_LABELS = [
    ("benchmark_national", "National average"),
    ("benchmark_statistical_neighbours", "Statistical neighbours average"),
    ("benchmark_regional", "Regional average"),
    ("benchmark_yot_family", "YOT family"),
    ("benchmark_core_cities", "Core cities"),
]


def _commentary(ws: Worksheet, page: Page, commentary: Commentary, row: int) -> int:
    ws.cell(row, 1, "Commentary").font = Font(bold=True, size=12, color="1F4E79")
    row += 1
    text = commentary.text(page.page_id)
    if text is None:
        cell = ws.cell(row, 1, f"No commentary provided for {page.page_id} ({commentary.where()}).")
        cell.font = Font(italic=True, color="9C0006")
        return row + 1
    for kind, lines in paragraphs(text):
        for line in lines:
            bullet = "• " if kind == "ul" else ""
            # A paragraph longer than a cell holds continues in the cells below, never cut.
            for part in split_for_cells(line, EXCEL_CELL_LIMIT - len(bullet)):
                cell = ws.cell(row, 1, bullet + part)
                cell.alignment = WRAP
                ws.row_dimensions[row].height = min(409, max(15, 15 * (len(part) // 80 + 1)))
                row += 1
                bullet = ""
    return row


def split_for_cells(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, broken at a space where there is one."""
    pieces = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip(" ")
    pieces.append(text)
    return pieces


def written_as_text(workbook: Workbook) -> None:
    """Every text cell is stored as text, never as a formula or an error value: openpyxl would
    make a live formula of commentary starting `=` (a HYPERLINK sent to commissioners) and an
    error of `#N/A`. Text a spreadsheet would read as a formula when edited also gets Excel's
    quote prefix."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(FORMULA_TRIGGERS):
                        cell.quotePrefix = True


def check_cell_lengths(data: PackData) -> None:
    """Stop, naming the page, if a text the workbook would put in one cell is longer than a cell
    holds: openpyxl cuts it to 32,767 characters without a word. (Commentary is split over cells
    instead; this is for everything else: titles, definitions, table text.)"""
    for page in data.pages:
        for name, value in vars(page).items():
            if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
                raise ReportPackError(
                    f"page {page.page_id}: its {name} has {len(value):,} characters, more than "
                    f"the {EXCEL_CELL_LIMIT:,} an Excel cell holds"
                )
    for table, frame in data.tables.items():
        for column in frame.columns:
            longest = frame[column].map(lambda v: len(v) if isinstance(v, str) else 0).max()
            if longest and longest > EXCEL_CELL_LIMIT:
                raise ReportPackError(
                    f"{table}.{column} holds a text of {longest:,} characters, more than the "
                    f"{EXCEL_CELL_LIMIT:,} an Excel cell holds"
                )


def _page_sheet(ws: Worksheet, page: Page, data: PackData, commentary: Commentary,
                chart_png: bytes | None) -> None:  # fmt: skip
    start = _page_preamble(ws, page, data)
    row = start
    if page.page_kind == "headline_rates":
        row = _headline_table(ws, page, start)
        _widths(ws, [40, 18, 12, 18, 18, 14, 14])
    elif page.table is not None:
        row = _kpi_table(ws, page, start)
        _widths(ws, [70, 26, 26])
    else:
        _widths(ws, [110])
    if page.summary and page.summary["availability"] == "not_available":
        reason = page.summary["availability_reason"]
        ws.cell(row + 1, 1, f"{NOT_AVAILABLE} for {data.month.label}: {reason}.").font = Font(
            bold=True, color="9C0006"
        )
        row += 1
    if page.table is not None:
        ws.freeze_panes = ws.cell(start + 1, 1)
    row = _benchmarks(ws, page, row + 1)
    row = _commentary(ws, page, commentary, row + 1)
    if chart_png:
        image = Image(io.BytesIO(chart_png))
        image.width, image.height = image.width * 0.62, image.height * 0.62
        ws.add_image(image, f"A{row + 1}")


def write_workbook(
    data: PackData, commentary: Commentary, charts_png: dict[str, bytes], path: Path
) -> Path:
    check_cell_lengths(data)
    wb = Workbook()
    _summary_sheet(wb.active, data)
    for page in data.pages:
        if page.page_kind in ("cover", "summary"):
            continue
        ws = wb.create_sheet(sheet_name(page))
        _page_sheet(ws, page, data, commentary, charts_png.get(page.page_id))
    wb.properties.title = f"KPI pack {data.month.month}"
    written_as_text(wb)
    wb.save(path)
    return path
