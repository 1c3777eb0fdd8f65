"""Trend charts with Altair, rendered to SVG (inlined in the HTML) and PNG (in the workbook) by
vl-convert, which needs no browser: the same chart in both. The line is the headline value for
the month and the 12 before it; the tolerance band is shaded, the target is a dashed line, and
the national and statistical-neighbour averages are dotted lines where known. A suppressed month
is a gap in the line marked x."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert as vlc

from orchestration.report_pack.formatting import (
    format_bound,
    format_value,
    is_missing,
    tolerance_text,
)

WIDTH = 560
HEIGHT = 210
LINE_COLOUR = "#1f4e79"
TARGET_COLOUR = "#2e7d32"
BAND_COLOUR = "#f6c343"
BENCHMARK_COLOUR = "#6d6d6d"


def _axis_title(unit: str | None) -> str:
    return {
        "percent": "%",
        "count": "number",
        "days": "days",
        "cases": "cases per FTE",
        "rate_per_10000": "per 10,000",
        "rate_per_100000": "per 100,000",
    }.get(unit or "", "")


def trend_chart(trend: pd.DataFrame, kpi_id: str | None, title: str) -> alt.LayerChart:
    data = trend.sort_values("period_end").copy()
    data["value"] = data["value"].where(~data["suppressed"].astype(bool))
    data = data[["month_label", "value", "suppressed"]].reset_index(drop=True)
    data["label"] = [
        format_value(v, trend["unit"].iloc[0], kpi_id, bool(s))
        for v, s in zip(data["value"], data["suppressed"], strict=True)
    ]
    unit = trend["unit"].iloc[0]
    current = trend.iloc[-1]
    order = list(data["month_label"])
    x = alt.X("month_label:O", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    levels = [v for v in data["value"] if not is_missing(v)]
    # (label, level, colour, dash): the reference lines, labelled in the right margin.
    references: list[tuple[str, float, str, list[int]]] = []
    if not is_missing(current["target"]):
        target_label = f"Target {format_bound(current['target'], unit)}"
        references.append((target_label, current["target"], TARGET_COLOUR, [6, 4]))
    for column, name in (
        ("benchmark_national", "National"),
        ("benchmark_statistical_neighbours", "Stat. neigh."),
    ):
        if not is_missing(current[column]):
            label = f"{name} {format_value(current[column], unit, kpi_id)}"
            references.append((label, current[column], BENCHMARK_COLOUR, [2, 3]))
    levels += [reference[1] for reference in references]
    has_band = not (is_missing(current["tolerance_low"]) or is_missing(current["tolerance_high"]))
    if has_band:
        levels += [current["tolerance_low"], current["tolerance_high"]]
    low, high = (min(levels), max(levels)) if levels else (0.0, 1.0)
    pad = max((high - low) * 0.12, abs(high) * 0.02, 1.0)
    domain = [max(low - pad, 0.0) if low >= 0 else low - pad, high + pad]
    y_scale = alt.Scale(domain=domain, nice=False, zero=False)
    y = alt.Y("value:Q", title=_axis_title(unit), scale=y_scale)
    layers: list[alt.Chart] = []
    if has_band:
        band = pd.DataFrame(
            {
                "low": [current["tolerance_low"]],
                "high": [current["tolerance_high"]],
                "text": [
                    "Tolerance "
                    + tolerance_text(current["tolerance_low"], current["tolerance_high"], unit)
                ],
            }
        )
        layers.append(
            alt.Chart(band)
            .mark_rect(color=BAND_COLOUR, opacity=0.22)
            .encode(y=alt.Y("low:Q", scale=y_scale, title=_axis_title(unit)), y2="high:Q")
        )
        layers.append(
            alt.Chart(band)
            .mark_text(align="left", baseline="bottom", dx=4, dy=-3, color="#8a6d00", fontSize=10)
            .encode(y=alt.Y("low:Q", scale=y_scale), x=alt.value(0), text="text:N")
        )
    label_y = _label_positions([level for _, level, _, _ in references], domain)
    for (label, level, colour, dash), pixel in zip(references, label_y, strict=True):
        frame = pd.DataFrame({"level": [level], "label": [label]})
        layers.append(
            alt.Chart(frame)
            .mark_rule(color=colour, strokeDash=dash, strokeWidth=1.5)
            .encode(y=alt.Y("level:Q", scale=y_scale))
        )
        layers.append(
            alt.Chart(frame)
            .mark_text(align="left", baseline="middle", dx=6, color=colour, fontSize=10)
            .encode(y=alt.value(pixel), x=alt.value(WIDTH), text="label:N")
        )
    base = alt.Chart(data)
    layers.append(base.mark_line(color=LINE_COLOUR, strokeWidth=2.5).encode(x=x, y=y))
    layers.append(
        base.transform_filter("isValid(datum.value)")
        .mark_point(color=LINE_COLOUR, filled=True, size=45)
        .encode(x=x, y=y, tooltip=["month_label:N", "label:N"])
    )
    layers.append(
        base.transform_filter("datum.suppressed")
        .mark_text(text="x", color="#9c0006", fontSize=13, fontWeight="bold", baseline="bottom")
        .encode(x=x, y=alt.value(HEIGHT - 4))
    )
    return (
        alt.layer(*layers)
        .properties(
            width=WIDTH,
            height=HEIGHT,
            title=alt.Title(title, anchor="start", fontSize=13),
            # Room for the reference lines' labels in the right margin.
            padding={"left": 5, "top": 5, "bottom": 5, "right": 105},
        )
        .configure_view(strokeWidth=0)
        .configure_axis(labelFontSize=10, titleFontSize=11)
    )


def _label_positions(levels: list[float], domain: list[float], gap: float = 12.0) -> list[float]:
    """Pixel heights of the margin labels: at their line, pushed apart to `gap` pixels so that
    lines close together keep readable labels."""
    span = (domain[1] - domain[0]) or 1.0
    pixels = [HEIGHT * (1 - (level - domain[0]) / span) for level in levels]
    order = sorted(range(len(pixels)), key=lambda i: pixels[i])
    placed = list(pixels)
    for before, after in zip(order, order[1:], strict=False):
        placed[after] = max(placed[after], placed[before] + gap)
    return placed


def to_svg(chart: alt.TopLevelMixin) -> str:
    svg = vlc.vegalite_to_svg(chart.to_dict())
    # Inline in HTML: drop the XML prologue if any.
    return svg[svg.index("<svg") :]


def to_png(chart: alt.TopLevelMixin, scale: float = 1.5) -> bytes:
    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)
