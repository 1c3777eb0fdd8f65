"""The workbook: a Summary sheet (the scorecard with status colours, targets, tolerances and trend
arrows) and one sheet per page of the pack. Figures are stored as numbers (percentages 0-100, as
in the warehouse) with number formats; a suppressed figure is the text `x`; a revised figure stays
a number whose format shows ` r` after it. Header rows are frozen, columns sized, and each KPI
sheet carries its table by team below its table, and its trend chart as an image."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.registry import load_registry
from orchestration.report_pack import revisions as revision_marks
from orchestration.report_pack.breakdowns import characteristics, team_rows
from orchestration.report_pack.commentary import Commentary, paragraphs
from orchestration.report_pack.errors import ReportPackError
from orchestration.report_pack.formatting import (
    MISSING,
    NOT_AVAILABLE,
    REVISED,
    STATUS_COLOURS,
    SUPPRESSED,
    decimals,
    excel_format,
    format_bound,
    format_value,
    good_text,
    is_missing,
    member_label,
    status_text,
    threshold_text,
    tolerance_text,
    trend_arrow,
    window_label,
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


def _number(cell, value, unit, kpi_id=None, suppressed=False, revised=False) -> None:
    """A figure: a number with its format, `x` if suppressed, a dash if there is none. A
    revised figure stays a number; its format prints ` r` after it."""
    if suppressed:
        cell.value = SUPPRESSED
        cell.alignment = RIGHT
    elif is_missing(value):
        cell.value = MISSING
        cell.alignment = RIGHT
    else:
        cell.value = float(value)
        cell.number_format = excel_format(unit, kpi_id) + (f' "{REVISED}"' if revised else "")


def _count(cell, value, suppressed=False) -> None:
    """A numerator or denominator: whole numbers without decimals, FTE and cases to one."""
    if suppressed or is_missing(value):
        _number(cell, value, None, None, suppressed)
        return
    cell.value = float(value)
    cell.number_format = "#,##0" if float(value).is_integer() else "#,##0.0"


def _notes(ws: Worksheet, row: int, lines: list[str]) -> int:
    for line in lines:
        cell = ws.cell(row, 1, line)
        cell.font = Font(italic=True, size=9)
        row += 1
    return row


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
    marked: set[tuple[str, str]] = set()
    for offset, row in enumerate(records(summary)):
        r = 4 + offset
        unit, kpi = row["unit"], row["kpi_id"]
        ws.cell(r, 1, row["page_label"])
        ws.cell(r, 2, row["title"]).alignment = WRAP
        ws.cell(r, 3, good_text(row["polarity"]))
        _number(ws.cell(r, 4), row["target"], unit, kpi)
        _number(ws.cell(r, 5), row["tolerance_low"], unit, kpi)
        _number(ws.cell(r, 6), row["tolerance_high"], unit, kpi)
        revised = data.revisions.revised(kpi, row["period_type"]) and not row["value_suppressed"]
        marked |= {(kpi, row["period_type"])} if revised else set()
        _number(ws.cell(r, 7), row["value"], unit, kpi, bool(row["value_suppressed"]), revised)
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
    if marked:
        ws.cell(last + 3, 1, REVISION_KEY.format(month=data.month.label))


REVISION_KEY = (
    f"{REVISED}: revised - the figure differs from the one first published for {{month}} "
    "(figures move when events are recorded late); the Revisions sheet lists the revisions over "
    "the threshold."
)
TEAM_KEY = (
    "x: suppressed - a denominator below 5, and the next smallest team wherever one team alone "
    "could be worked out from the total (secondary suppression). Status against the KPI's "
    "target, as on the scorecard."
)


def _page_preamble(ws: Worksheet, page: Page, data: PackData, marked: set) -> int:
    ws["A1"] = f"{page.heading}: {page.title}" if page.kpi_id else page.heading
    ws["A1"].font = TITLE_FONT
    summary = page.summary
    if summary:
        unit, kpi = summary["unit"], summary["kpi_id"]
        value = format_value(summary["value"], unit, kpi, summary["value_suppressed"])
        if data.revisions.revised(kpi, summary["period_type"]) and not summary["value_suppressed"]:
            value = f"{value} {REVISED}"
            marked.add((kpi, summary["period_type"]))
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


def _kpi_table(ws: Worksheet, page: Page, data: PackData, start: int, marked: set) -> int:
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
        figure = revision_marks.figure_of_row(page.table_name, page.page_id, row)
        revised = bool(figure) and not row["month_suppressed"] and data.revisions.revised(*figure)
        if revised:
            marked.add(figure[:2])
        _number(ws.cell(r, column), row["month_value"], row["unit"], row["kpi_id"],
                row["month_suppressed"], revised)  # fmt: skip
        for c in range(1, len(headings) + 1):
            ws.cell(r, c).border = BORDER
    return start + 1 + len(table)


def _team_table(ws: Worksheet, page: Page, data: PackData, start: int) -> int:
    """The page KPI's figures by team for the month, below the page's table."""
    rows = team_rows(page.team_table)
    window = window_label(page.team_table["period_type"].iloc[0])
    ws.cell(start, 1, f"By team - {data.month.label}, {window.lower()}").font = Font(
        bold=True, size=12, color="1F4E79"
    )
    kpi = next((k for k in load_registry() if k.kpi_id == page.kpi_id), None)
    labels = {r.field: r.measure for r in kpi.page_rows} if kpi else {}
    headings = ["Team", "Value", "Numerator", "Denominator", "Status"]
    _header(ws, start + 1, headings)
    r = start + 1
    for r, row in enumerate(rows, start=start + 2):
        hidden = bool(row["value_suppressed"])
        ws.cell(r, 1, member_label(row["member"]))
        _number(ws.cell(r, 2), row["value"], row["unit"], row["kpi_id"], hidden)
        _count(ws.cell(r, 3), row["numerator"], hidden)
        _count(ws.cell(r, 4), row["denominator"], hidden)
        _status_cell(ws.cell(r, 5), row["status"], None, "suppressed" if hidden else "available")
        for c in range(1, len(headings) + 1):
            ws.cell(r, c).border = BORDER
    key = [f"{name}: {labels[f]}." for f, name in (("numerator", "Numerator"),
           ("denominator", "Denominator")) if labels.get(f)]  # fmt: skip
    return _notes(ws, r + 1, [" ".join(key)] if key else []) if key else r + 1


def _headline_table(ws: Worksheet, page: Page, data: PackData, start: int, marked: set) -> int:
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
        figure = revision_marks.figure_of_row("rpt_headline_rates", page.page_id, row)
        revised = bool(figure) and not row["month_suppressed"] and data.revisions.revised(*figure)
        if revised:
            marked.add(figure[:2])
        _number(ws.cell(r, 3), row["month_value"], "rate_per_10000", None,
                row["month_suppressed"], revised)  # fmt: skip
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


def _characteristics_sheet(ws: Worksheet, page: Page, data: PackData, start: int) -> int:
    """KPIs as rows, the members of each characteristic as columns (under a heading row of the
    characteristics), grouped as the HTML page is."""
    layout = characteristics(page.table)
    columns = layout.columns
    ws.cell(start, 1, "Page")
    ws.cell(start, 2, "Indicator")
    c = 3
    for _, label, members in layout.dimensions:
        ws.cell(start, c, label)
        if len(members) > 1:
            ws.merge_cells(start_row=start, start_column=c, end_row=start,
                           end_column=c + len(members) - 1)  # fmt: skip
        c += len(members)
    _header(ws, start + 1, ["", ""] + [column.label for column in columns])
    for column in range(1, 3 + len(columns)):
        cell = ws.cell(start, column)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
    r = start + 2
    for group in layout.groups:
        ws.cell(r, 1, group.heading).font = Font(bold=True, color="1F4E79")
        r += 1
        for row in group.rows:
            ws.cell(r, 1, row.label or "")
            ws.cell(r, 2, row.title).alignment = WRAP
            for offset, column in enumerate(columns, start=3):
                cell = row.cells.get(column)
                if cell is None:
                    _number(ws.cell(r, offset), None, None)
                else:
                    _number(ws.cell(r, offset), cell.value, cell.unit, row.kpi_id, cell.suppressed)
                ws.cell(r, offset).border = BORDER
            ws.cell(r, 1).border = ws.cell(r, 2).border = BORDER
            r += 1
    _widths(ws, [14, 60] + [11] * len(columns))
    ws.freeze_panes = ws.cell(start + 2, 3)
    return _notes(ws, r, [
        f"Each KPI in its headline window, for {data.month.label}. x: suppressed - a "
        "denominator below 5, or a count of 1 to 4 where there is only a count, and then the "
        "next smallest figure of the same characteristic wherever one figure alone could be "
        "worked out from the total (secondary suppression). –: no records.",
        "Numerators and denominators: tables/rpt_kpi_breakdowns.csv in the pack folder.",
    ])  # fmt: skip


def _difference_format(unit: str | None, kpi_id: str | None) -> str:
    """A revision as a signed number: '+10.7 points' for a percentage (at least one decimal
    place), '+3' otherwise, as the HTML prints it (format_difference)."""
    places = max(decimals(unit, kpi_id), 1 if unit == "percent" else 0)
    body = "#,##0" + ("." + "0" * places if places else "")
    suffix = ' "points"' if unit == "percent" else ""
    return f"+{body}{suffix};-{body}{suffix};0{suffix}"


def _revisions_sheet(ws: Worksheet, data: PackData, start: int) -> int:
    revisions = data.revisions
    threshold = threshold_text(revisions.threshold)
    if not revisions.available:
        return _notes(ws, start, [f"No revisions can be shown: {revisions.reason}."])
    listed = records(revisions.listed)
    if not listed:
        return _notes(ws, start, [
            f"There are no revisions to list: no figure for {data.month.label} or the months "
            f"before it differs from the value first published for its month by at least "
            f"{threshold}."
        ])  # fmt: skip
    headings = ["Indicator", "Window", "Month", "First published", "First published on", "Now",
                "Difference", "Changed"]  # fmt: skip
    _header(ws, start, headings)
    r = start
    for r, row in enumerate(listed, start=start + 1):
        shown = revision_marks.describe(row)
        unit, kpi = row["unit"], row["kpi_id"]
        either = bool(row["first_suppressed"] or row["now_suppressed"])
        ws.cell(r, 1, row["title"]).alignment = WRAP
        ws.cell(r, 2, shown["window"])
        ws.cell(r, 3, shown["month"])
        _number(ws.cell(r, 4), row["first_value"], unit, kpi, bool(row["first_suppressed"]))
        ws.cell(r, 5, shown["first_published"])
        _number(ws.cell(r, 6), row["value"], unit, kpi, bool(row["now_suppressed"]))
        _number(ws.cell(r, 7), row["difference"], unit, kpi, either)
        if not either and not is_missing(row["difference"]):
            ws.cell(r, 7).number_format = _difference_format(unit, kpi)
        ws.cell(r, 8, shown["changed"])
        for c in range(1, len(headings) + 1):
            ws.cell(r, c).border = BORDER
    ws.freeze_panes = ws.cell(start + 1, 1)
    return _notes(ws, r + 1, [
        f"Listed: a change of at least {threshold} against the value first published for the "
        "month. Difference: now less first published. x: suppressed, the denominator is below 5. "
        "Every revision is in tables/kpi_revisions.csv and the analyst database "
        "(marts.kpi_revisions)."
    ])  # fmt: skip


def _page_sheet(ws: Worksheet, page: Page, data: PackData, commentary: Commentary,
                chart_png: bytes | None) -> None:  # fmt: skip
    marked: set[tuple[str, str]] = set()
    start = _page_preamble(ws, page, data, marked)
    row = start
    if page.page_kind == "headline_rates":
        row = _headline_table(ws, page, data, start, marked)
        _widths(ws, [40, 18, 12, 18, 18, 14, 14])
    elif page.page_kind == "characteristics":
        row = _characteristics_sheet(ws, page, data, start) if page.table is not None else row
    elif page.page_kind == "revisions":
        row = _revisions_sheet(ws, data, start)
        _widths(ws, [60, 18, 10, 16, 20, 12, 14, 20])
    elif page.table is not None:
        row = _kpi_table(ws, page, data, start, marked)
        _widths(ws, [70, 26, 26, 16, 18])
    else:
        _widths(ws, [110])
    if page.team_table is not None and not (
        page.summary and page.summary["availability"] == "not_available"
    ):
        row = _team_table(ws, page, data, row + 1)
        row = _notes(ws, row, [TEAM_KEY])
    if marked:
        row = _notes(ws, row, [REVISION_KEY.format(month=data.month.label),
                               *revision_marks.notes(data.revisions, marked)])  # fmt: skip
    if page.summary and page.summary["availability"] == "not_available":
        reason = page.summary["availability_reason"]
        ws.cell(row + 1, 1, f"{NOT_AVAILABLE} for {data.month.label}: {reason}.").font = Font(
            bold=True, color="9C0006"
        )
        row += 1
    if page.table is not None and page.page_kind not in ("characteristics", "revisions"):
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
