"""The pack as ONE self-contained HTML file: styles inline, charts as inline SVG, no scripts and
no network fetches. One <section class="page"> per page of the pack, each printed on its own A4
page (pdf.py). `kpi_pack.html#kpi_01` shows that page alone (CSS :target), for links and
screenshots."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
from markupsafe import Markup

from orchestration.report_pack.commentary import Commentary, paragraphs
from orchestration.report_pack.formatting import (
    MISSING,
    format_bound,
    format_value,
    good_text,
    is_missing,
    status_text,
    tolerance_text,
    trend_arrow,
)
from orchestration.report_pack.tables import PackData, records

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
.contents td { padding: 1mm 2mm; }
.notes { font-size: 8.5pt; color: #444; }
"""

# The page template, beside this module (the project is installed editable).
TEMPLATE_PATH = Path(__file__).with_name("kpi_pack.html.j2")


def _status_class(status, availability) -> str:
    return status if availability == "available" and status in ("green", "amber", "red") else "none"


def _summary_view(row: dict) -> dict:
    unit, kpi = row["unit"], row["kpi_id"]
    return {
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
            "summary": _summary_view(page.summary) if page.summary else None,
            "rows": [],
            "comparator_heading": None,
            "month_heading": data.month.label,
            "chart_svg": Markup(charts_svg[page.page_id]) if page.page_id in charts_svg else None,
            "benchmarks": [],
        }
        if page.table is not None and page.page_kind in ("contacts", "kpi", "cbp"):
            table = page.table
            comparator = table["comparator_heading"].dropna()
            month_heading = table["month_heading"].dropna()
            view["comparator_heading"] = comparator.iloc[0] if len(comparator) else None
            view["month_heading"] = (
                month_heading.iloc[0] if len(month_heading) else data.month.label
            )
            for row in records(table):
                view["rows"].append(
                    {
                        "measure": row["measure"],
                        "comparator": format_value(row["comparator_value"], row["unit"],
                                                   row["kpi_id"], row["comparator_suppressed"]),
                        "value": format_value(row["month_value"], row["unit"], row["kpi_id"],
                                              row["month_suppressed"]),
                    }
                )  # fmt: skip
        if page.summary:
            unit, kpi = page.summary["unit"], page.summary["kpi_id"]
            view["benchmarks"] = [
                (label, format_value(page.summary[key], unit, kpi))
                for key, label in BENCHMARKS
                if not is_missing(page.summary.get(key))
            ]
        pages.append(view)
    summary = data.tables["rpt_scorecard_summary"]
    summary_rows = [_summary_view(r) for r in records(summary)]
    headline = data.page("headline_rates").table
    headline_rows = [
        {
            "kpi_id": r["kpi_id"],
            "measure": r["measure"],
            "window": r["window_heading"],
            "value": format_value(r["month_value"], "rate_per_10000", None, r["month_suppressed"]),
            "own": format_value(r["published_own_la"], "rate_per_10000"),
            "sn": format_value(r["published_statistical_neighbours"], "rate_per_10000"),
            "national": format_value(r["published_national"], "rate_per_10000"),
            "regional": format_value(r["published_regional"], "rate_per_10000"),
        }
        for r in records(headline)
    ]
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
        commentary_html=commentary_html,
    )


def write_html(html_text: str, path: Path) -> Path:
    path.write_text(html_text, encoding="utf-8")
    return path
