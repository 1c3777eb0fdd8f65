"""How a figure is printed: the same rules for the HTML, the PDF and the workbook's number
formats. Percentages are stored 0-100 (as in the warehouse) and printed with a % sign."""

from __future__ import annotations

import math

SUPPRESSED = "x"
MISSING = "–"
# Beside a figure that differs from the one first published for its month, as ONS marks a
# revised figure.
REVISED = "r"

# Decimal places by unit; a KPI printed otherwise says so in the registry (value_decimals: the
# reference report prints KPI 11 to one place).
_DECIMALS = {
    "percent": 0,
    "count": 0,
    "days": 0,
    "cases": 1,
    "fte": 1,
    "rate_per_10000": 0,
    "rate_per_100000": 0,
}


def decimals(unit: str | None, kpi_id: str | None = None) -> int:
    from orchestration.registry import load_registry

    for kpi in load_registry():
        if kpi.kpi_id == kpi_id and kpi.value_decimals is not None:
            return kpi.value_decimals
    return _DECIMALS.get(unit or "", 1)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value, unit: str | None, kpi_id: str | None = None, suppressed=False) -> str:
    """'77%', '2,482', '16.7', 'x' (suppressed), '–' (no figure)."""
    if suppressed:
        return SUPPRESSED
    if is_missing(value):
        return MISSING
    places = decimals(unit, kpi_id)
    text = f"{float(value):,.{places}f}"
    return f"{text}%" if unit == "percent" else text


def format_count(value, suppressed=False) -> str:
    """A numerator or denominator: '1,234', '12.5' (FTE, cases), 'x' (suppressed), '–'."""
    if suppressed:
        return SUPPRESSED
    if is_missing(value):
        return MISSING
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def format_difference(value, unit: str | None, kpi_id: str | None = None) -> str:
    """A revision: '+10.7 points' (percentages), '+3', '-0.5'; one decimal place at least for a
    percentage, so a change of under a point does not print as '+0'."""
    if is_missing(value):
        return MISSING
    places = max(decimals(unit, kpi_id), 1 if unit == "percent" else 0)
    text = f"{float(value):+,.{places}f}"
    return f"{text} points" if unit == "percent" else text


def format_bound(value, unit: str | None, kpi_id: str | None = None) -> str:
    """A target or tolerance bound: '85%', '240 days', '15'."""
    if is_missing(value):
        return MISSING
    places = 0 if float(value).is_integer() else 1
    text = f"{float(value):,.{places}f}"
    if unit == "percent":
        return f"{text}%"
    return f"{text} days" if unit == "days" else text


def tolerance_text(low, high, unit: str | None, kpi_id: str | None = None) -> str:
    """'75–95%', '220–260 days', '12–20'."""
    if is_missing(low) and is_missing(high):
        return MISSING
    low_text = format_bound(low, None, kpi_id)
    return f"{low_text}–{format_bound(high, unit, kpi_id)}"


def excel_format(unit: str | None, kpi_id: str | None = None) -> str:
    places = decimals(unit, kpi_id)
    body = "#,##0" + ("." + "0" * places if places else "")
    return f'{body}"%"' if unit == "percent" else body


def good_text(polarity: str | None) -> str:
    return {"high": "High", "low": "Low"}.get(polarity or "", "–")


def trend_arrow(value, previous, trend: str | None) -> str:
    """'↑ improving', '↓ declining', '→ unchanged'; the arrow is the direction of the value."""
    if not trend:
        return MISSING
    if trend == "unchanged" or is_missing(value) or is_missing(previous):
        arrow = "→"
    else:
        arrow = "↑" if float(value) > float(previous) else "↓"
    return f"{arrow} {trend}"


STATUS_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
# Fill and text colours for the status (the workbook and the HTML use the same).
STATUS_COLOURS = {
    "green": ("C6EFCE", "006100"),
    "amber": ("FFEB9C", "7A5200"),
    "red": ("FFC7CE", "9C0006"),
}


NOT_AVAILABLE = "Not available from the loaded sources"


def status_text(status: str | None, outlier, availability: str | None = None) -> str:
    if availability == "not_available":
        return NOT_AVAILABLE
    if availability == "suppressed":
        return SUPPRESSED
    if not status:
        return "No status"
    text = STATUS_LABELS.get(status, status)
    return f"{text} (outlier)" if outlier is True else text


# The windows of marts.kpi_values (docs/conventions.md) as the pack names them.
WINDOW_LABELS = {
    "month": "Month",
    "snapshot": "Month end",
    "rolling_3m": "Rolling 3 months",
    "rolling_12m": "Rolling 12 months",
    "ytd": "Year to date",
    "3yr": "3 years",
    "cohort": "Cohort",
}


def window_label(period_type: str | None) -> str:
    return WINDOW_LABELS.get(period_type or "", period_type or MISSING)


# The breakdown dimensions of reporting.rpt_kpi_breakdowns as the pack heads them.
DIMENSION_LABELS = {
    "team": "Team",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity_group": "Ethnic group",
    "disability": "Disability",
}


def member_label(member: str) -> str:
    """A breakdown member as printed: 'female' is 'Female', 'unallocated' 'Unallocated'; team
    names and DfE's group names stand as they are."""
    return member[:1].upper() + member[1:] if member else MISSING


def threshold_text(threshold: float | None) -> str:
    """The revision threshold in words (CSC_REVISION_THRESHOLD, orchestration/revisions.py)."""
    if threshold is None:
        return "the revision threshold (CSC_REVISION_THRESHOLD)"
    amount = f"{threshold:g}"
    point = "point" if threshold == 1 else "points"
    return (
        f"the revision threshold ({amount} percentage {point} for a percentage; {amount}% of the "
        "value first published for any other figure)"
    )
