"""The pack as ONE self-contained HTML file: styles inline, charts as inline SVG, no scripts and
no network fetches. One <section class="page"> per page of the pack, each printed on its own A4
page (pdf.py). `kpi_pack.html#kpi_01` shows that page alone (CSS :target), for links and
screenshots."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
from markupsafe import Markup

from orchestration.registry import load_registry
from orchestration.report_pack import revisions as revision_marks
from orchestration.report_pack.breakdowns import characteristics, team_rows
from orchestration.report_pack.commentary import Commentary, paragraphs
from orchestration.report_pack.formatting import (
    MISSING,
    REVISED,
    SUPPRESSED,
    format_bound,
    format_count,
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
from orchestration.report_pack.tables import PackData, Page, records

BENCHMARKS = [
    ("benchmark_national", "National average"),
    ("benchmark_statistical_neighbours", "Statistical neighbours average"),
    ("benchmark_regional", "Regional average"),
    ("benchmark_yot_family", "YOT family"),
    ("benchmark_core_cities", "Core cities"),
]

STYLE = """
@page { size: A4; margin: 12mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt;
  color: #1a1a1a; margin: 0; background: #eef1f5; }
section.page { background: #fff; width: 186mm; margin: 10mm auto; padding: 9mm 10mm;
  box-shadow: 0 1px 4px rgba(0,0,0,.15); }
body:has(section.page:target) section.page:not(:target) { display: none; }
@media print {
  body { background: #fff; }
  section.page { box-shadow: none; margin: 0; padding: 0; width: auto;
    break-after: page; page-break-after: always; break-inside: avoid; }
  section.page:last-of-type { break-after: auto; page-break-after: auto; }
}
header.brand { display: flex; justify-content: space-between; align-items: baseline;
  border-bottom: 3px solid #1f4e79; padding-bottom: 2mm; margin-bottom: 4mm; }
header.brand .org { font-weight: bold; color: #1f4e79; letter-spacing: .04em; font-size: 9pt; }
header.brand .period { color: #555; font-size: 9pt; }
h1 { color: #1f4e79; font-size: 20pt; margin: 8mm 0 2mm; }
h2 { color: #1f4e79; font-size: 14pt; margin: 0 0 2mm; }
h2 .label { display: block; font-size: 9.5pt; color: #555; font-weight: normal;
  text-transform: uppercase; letter-spacing: .05em; }
h3 { color: #1f4e79; font-size: 11pt; margin: 4mm 0 1.5mm; }
.meta { display: flex; flex-wrap: wrap; gap: 2mm 6mm; align-items: center; margin: 2mm 0; }
.meta div { font-size: 9.5pt; } .meta b { color: #1f4e79; }
.definition { font-size: 9pt; color: #444; margin: 1mm 0 3mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 9.5pt; }
th { background: #1f4e79; color: #fff; text-align: left; padding: 1.6mm 2mm; font-weight: bold;
  vertical-align: bottom; }
td { border-bottom: 1px solid #d5dbe3; padding: 1.4mm 2mm; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.suppressed { color: #9c0006; font-weight: bold; }
table.summary { table-layout: fixed; }
table.summary td, table.summary th { font-size: 7.8pt; padding: 1mm 1mm; }
table.summary td.num, table.summary th.num { white-space: normal; }
table.summary col.kpi { width: 7%; } table.summary col.title { width: 25%; }
table.summary col.good { width: 6%; } table.summary col.num { width: 7.5%; }
table.summary col.tol { width: 11%; } table.summary col.status { width: 11%; }
table.summary col.trend { width: 10%; }
table.summary .badge { font-size: 7.5pt; padding: .4mm 1.4mm; white-space: normal; }
.badge { display: inline-block; border-radius: 3mm; padding: .6mm 2.6mm; font-weight: bold;
  font-size: 9pt; white-space: nowrap; }
.badge.green { background: #c6efce; color: #006100; }
.badge.amber { background: #ffeb9c; color: #7a5200; }
.badge.red { background: #ffc7ce; color: #9c0006; }
.badge.none { background: #e7e7e7; color: #444; }
figure.chart { margin: 3mm 0; } figure.chart svg { width: 100%; height: auto; }
ul.benchmarks { list-style: none; padding: 0; margin: 1mm 0; display: flex; flex-wrap: wrap;
  gap: 1mm 8mm; font-size: 9.5pt; }
ul.benchmarks .source { flex-basis: 100%; font-size: 8pt; color: #666; }
.commentary p, .commentary li { margin: 0 0 2mm; line-height: 1.35; }
.commentary-missing { color: #9c0006; font-style: italic; border: 1px dashed #9c0006;
  padding: 2mm 3mm; }
.not-in-mart, .warning { color: #9c0006; font-weight: bold; border: 2px solid #9c0006;
  padding: 2mm 3mm; }
.contents td { padding: .6mm 2mm; font-size: 9pt; }
.notes { font-size: 8.5pt; color: #444; }
sup.revised { font-size: 70%; font-weight: bold; color: #1f4e79; margin-left: .4mm; }
h3 .sub { font-size: 8.5pt; font-weight: normal; color: #555; }
div.teams { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; align-items: start; }
table.team-table { table-layout: fixed; font-size: 7.4pt; margin: 1mm 0; }
table.team-table th, table.team-table td { padding: .6mm 1mm; }
table.team-table th { font-size: 6.4pt; }
table.team-table col.team { width: 38%; } table.team-table col.value { width: 11%; }
table.team-table col.num { width: 17%; } table.team-table col.num + col.num { width: 18.5%; }
table.team-table col.status { width: 15.5%; }
table.team-table td:first-child { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table.team-table .badge { font-size: 6.8pt; padding: .1mm 1.4mm; }
p.team-notes { font-size: 7.5pt; color: #444; margin: .5mm 0 2mm; }
/* The characteristics page is printed A4 landscape: one table, KPIs as rows, the members of
   each characteristic as columns. */
@page landscape { size: A4 landscape; margin: 10mm 10mm 11mm 10mm; }
section.page.landscape { width: 277mm; }
@media print { section.page.landscape { page: landscape; width: auto; } }
table.characteristics { table-layout: fixed; font-size: 6.8pt; margin: 1mm 0; }
table.characteristics th { padding: .6mm .5mm; font-size: 6.2pt; text-align: center;
  vertical-align: bottom; hyphens: manual; }
table.characteristics td { padding: .35mm .6mm; }
table.characteristics col.label { width: 17mm; } table.characteristics col.title { width: 41mm; }
table.characteristics td:first-child { white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
table.characteristics td.title { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table.characteristics .first { border-left: 1.5px solid #1f4e79; }
table.characteristics th.first { border-left: 1.5px solid #fff; }
table.characteristics tr.group td { background: #dde6f0; color: #1f4e79; font-weight: bold;
  padding: .8mm .7mm; }
table.revisions { font-size: 8.2pt; table-layout: fixed; }
table.revisions td, table.revisions th { padding: .8mm 1.2mm; }
table.revisions col.title { width: 27%; } table.revisions col.window { width: 11%; }
table.revisions col.month { width: 7%; } table.revisions col.num { width: 10.5%; }
table.revisions col.when { width: 11.75%; }
"""

# A KPI page's table by team is printed in two columns side by side when it is longer than this,
# so that the page still fits one A4 sheet with its chart and commentary.
TEAM_ROWS_IN_ONE_COLUMN = 8

# The page template, beside this module (the project is installed editable).
TEMPLATE_PATH = Path(__file__).with_name("kpi_pack.html.j2")


def _status_class(status, availability) -> str:
    return status if availability == "available" and status in ("green", "amber", "red") else "none"


def _summary_view(row: dict, revisions: revision_marks.Revisions) -> dict:
    unit, kpi = row["unit"], row["kpi_id"]
    return {
        "revised": revisions.revised(kpi, row["period_type"]) and not row["value_suppressed"],
        "period_type": row["period_type"],
        "kpi_id": kpi,
        "page_label": row["page_label"],
        "title": row["title"],
        "good": good_text(row["polarity"]),
        "target": format_bound(row["target"], unit, kpi),
        "tolerance": tolerance_text(row["tolerance_low"], row["tolerance_high"], unit, kpi),
        "value": format_value(row["value"], unit, kpi, bool(row["value_suppressed"])),
        "comparator_heading": row["comparator_heading"],
        "comparator": format_value(
            row["comparator_value"], unit, kpi, row["comparator_suppressed"]
        ),
        "status": status_text(row["status"], row["outlier"], row["availability"]),
        "status_key": row["status"] or row["availability"],
        "status_class": _status_class(row["status"], row["availability"]),
        "trend": trend_arrow(row["value"], row["previous_value"], row["trend"]),
        "national": format_value(row["benchmark_national"], unit, kpi),
        "availability": row["availability"],
        "availability_reason": row["availability_reason"],
        "benchmark_source": row["benchmark_source"],
    }


def _team_view(page: Page, data: PackData) -> dict | None:
    """The page KPI's table by team: value, numerator, denominator and status (the scorecard's
    badge) per team; a suppressed team reads x throughout."""
    rows = []
    for row in team_rows(page.team_table):
        hidden = bool(row["value_suppressed"])
        availability = "suppressed" if hidden else "available"
        rows.append(
            {
                "member": member_label(row["member"]),
                "value": format_value(row["value"], row["unit"], row["kpi_id"], hidden),
                "numerator": format_count(row["numerator"], hidden),
                "denominator": format_count(row["denominator"], hidden),
                "status": status_text(row["status"], None, availability),
                "status_class": _status_class(row["status"], availability),
                "suppression": row["suppression"] or "",
            }
        )
    if not rows:
        return None
    kpi = next((k for k in load_registry() if k.kpi_id == page.kpi_id), None)
    labels = {r.field: r.measure for r in kpi.page_rows} if kpi else {}
    period_type = page.team_table["period_type"].iloc[0]
    half = (len(rows) + 1) // 2 if len(rows) > TEAM_ROWS_IN_ONE_COLUMN else len(rows)
    key = " ".join(
        f"{name}: {labels[field]}."
        for field, name in (("numerator", "Numerator"), ("denominator", "Denominator"))
        if labels.get(field)
    )
    return {
        "columns": [part for part in (rows[:half], rows[half:]) if part],
        "window": window_label(period_type),
        "key": key,
    }


def _breakable(label: str) -> str:
    """A column heading of the characteristics table with a soft hyphen in the middle of any
    word of 10 letters or more ("Indeterminate"), so the narrow columns can break it."""
    return " ".join(
        word[: len(word) // 2] + "\u00ad" + word[len(word) // 2 :] if len(word) >= 10 else word
        for word in label.split(" ")
    )


def _characteristics_view(page: Page) -> dict:
    layout = characteristics(page.table)
    columns = layout.columns
    firsts = {members[0] for _, _, members in layout.dimensions}
    groups = []
    for group in layout.groups:
        rows = []
        for row in group.rows:
            cells = []
            for column in columns:
                cell = row.cells.get(column)
                if cell is None:
                    text = MISSING
                else:
                    text = format_value(cell.value, cell.unit, row.kpi_id, cell.suppressed)
                cells.append({"text": text, "first": column in firsts})
            rows.append(
                {"kpi_id": row.kpi_id, "label": row.label or "", "title": row.title,
                 "cells": cells}
            )  # fmt: skip
        groups.append({"heading": group.heading, "rows": rows})
    return {
        "dimensions": [
            (_breakable(label), len(members)) for _, label, members in layout.dimensions
        ],
        "members": [(_breakable(c.label), c in firsts) for c in columns],
        "groups": groups,
        "width": 2 + len(columns),
    }


def _revisions_view(data: PackData) -> dict:
    revisions = data.revisions
    return {
        "available": revisions.available,
        "reason": revisions.reason,
        "threshold": revisions.threshold,
        "rows": [revision_marks.describe(r) for r in records(revisions.listed)]
        if revisions.available
        else [],
    }


def render_html(
    data: PackData, commentary: Commentary, charts_svg: dict[str, str], generated_at: dt.datetime
) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)

    def commentary_html(page: dict) -> Markup:
        page_id = page["page_id"]
        text = commentary.text(page_id)
        heading = Markup("<h3>Commentary</h3>")
        if text is None:
            return heading + Markup(
                '<p class="commentary-missing" data-commentary-missing="{0}">No commentary '
                "has been provided for this page this month (expected under <code>{0}</code> "
                "in {1}).</p>"
            ).format(page_id, commentary.where())
        parts = [Markup('<div class="commentary" data-commentary-for="{0}">').format(page_id)]
        for kind, lines in paragraphs(text):
            if kind == "ul":
                items = Markup("").join(Markup("<li>{0}</li>").format(line) for line in lines)
                parts.append(Markup("<ul>{0}</ul>").format(items))
            else:
                parts.append(Markup("<p>{0}</p>").format(lines[0]))
        parts.append(Markup("</div>"))
        return heading + Markup("").join(parts)

    pages = []
    for page in data.pages:
        view = {
            "page_id": page.page_id,
            "page_label": page.page_label,
            "page_kind": page.page_kind,
            "heading": page.heading,
            "title": page.title,
            "definition": page.definition,
            "summary": _summary_view(page.summary, data.revisions) if page.summary else None,
            "rows": [],
            "comparator_heading": None,
            "month_heading": data.month.label,
            "chart_svg": Markup(charts_svg[page.page_id]) if page.page_id in charts_svg else None,
            "benchmarks": [],
            "teams": _team_view(page, data) if page.team_table is not None else None,
            "characteristics": None,
            "revisions": None,
            "revision_notes": [],
        }
        marked: set[tuple[str, str]] = set()
        if page.table is not None and page.page_kind in ("contacts", "kpi", "cbp"):
            table = page.table
            comparator = table["comparator_heading"].dropna()
            month_heading = table["month_heading"].dropna()
            view["comparator_heading"] = comparator.iloc[0] if len(comparator) else None
            view["month_heading"] = (
                month_heading.iloc[0] if len(month_heading) else data.month.label
            )
            for row in records(table):
                figure = revision_marks.figure_of_row(page.table_name, page.page_id, row)
                revised = bool(figure) and not row["month_suppressed"]
                revised = revised and data.revisions.revised(*figure)
                if revised:
                    marked.add(figure[:2])
                view["rows"].append(
                    {
                        "measure": row["measure"],
                        "comparator": format_value(row["comparator_value"], row["unit"],
                                                   row["kpi_id"], row["comparator_suppressed"]),
                        "value": format_value(row["month_value"], row["unit"], row["kpi_id"],
                                              row["month_suppressed"]),
                        "revised": revised,
                    }
                )  # fmt: skip
        if page.summary:
            unit, kpi = page.summary["unit"], page.summary["kpi_id"]
            if view["summary"]["revised"]:
                marked.add((kpi, page.summary["period_type"]))
            view["benchmarks"] = [
                (label, format_value(page.summary[key], unit, kpi))
                for key, label in BENCHMARKS
                if not is_missing(page.summary.get(key))
            ]
        if page.page_kind == "characteristics" and page.table is not None:
            view["characteristics"] = _characteristics_view(page)
        if page.page_kind == "revisions":
            view["revisions"] = _revisions_view(data)
        view["marked"] = marked
        view["revision_notes"] = revision_marks.notes(data.revisions, marked)
        pages.append(view)
    summary = data.tables["rpt_scorecard_summary"]
    summary_rows = [_summary_view(r, data.revisions) for r in records(summary)]
    headline_page = data.page("headline_rates")
    headline = headline_page.table
    headline_rows = []
    headline_marked: set[tuple[str, str]] = set()
    for r in records(headline):
        figure = revision_marks.figure_of_row("rpt_headline_rates", "headline_rates", r)
        revised = bool(figure) and not r["month_suppressed"] and data.revisions.revised(*figure)
        if revised:
            headline_marked.add(figure[:2])
        headline_rows.append(
            {
                "kpi_id": r["kpi_id"],
                "measure": r["measure"],
                "window": r["window_heading"],
                "value": format_value(r["month_value"], "rate_per_10000", None,
                                      r["month_suppressed"]),
                "revised": revised,
                "own": format_value(r["published_own_la"], "rate_per_10000"),
                "sn": format_value(r["published_statistical_neighbours"], "rate_per_10000"),
                "national": format_value(r["published_national"], "rate_per_10000"),
                "regional": format_value(r["published_regional"], "rate_per_10000"),
            }
        )  # fmt: skip
    for view in pages:
        if view["page_kind"] == "headline_rates":
            view["marked"] = headline_marked
            view["revision_notes"] = revision_marks.notes(data.revisions, headline_marked)
        if view["page_kind"] == "summary":
            view["marked"] = {(r["kpi_id"], r["period_type"]) for r in summary_rows if r["revised"]}
    # The cover explains the marker when some page carries it.
    any_revised = any(view["marked"] for view in pages)
    periods = headline["statistics_period"].dropna().unique()
    sources = sorted({s for s in headline["benchmark_source"].dropna()})
    template = env.from_string(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return template.render(
        style=Markup(STYLE),
        month=data.month,
        pages=pages,
        summary_rows=summary_rows,
        headline_rows=headline_rows,
        statistics_period=f" ({', '.join(periods)})" if len(periods) else "",
        headline_source="; ".join(sources),
        first_month=data.data_first_month,
        last_month=data.data_last_month,
        generated_at=generated_at.strftime("%d %B %Y %H:%M"),
        commentary_source=commentary.where(),
        missing=MISSING,
        suppressed=SUPPRESSED,
        revised=REVISED,
        any_revised=any_revised,
        threshold=threshold_text(data.revisions.threshold),
        commentary_html=commentary_html,
    )


def write_html(html_text: str, path: Path) -> Path:
    path.write_text(html_text, encoding="utf-8")
    return path
