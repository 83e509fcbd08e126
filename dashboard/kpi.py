"""KPIs as the dashboard shows them: gold's ratios read into one record, formatting, health.

Why no KPI arithmetic here: dbt owns every formula (macros/kpi.sql); gold.kpi_selection applies
it to whatever the sidebar selects, so a number on screen is the number in gold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.display import fmt_pct
from notify.degrading import performance_trend, trend_level  # noqa: F401 (the dashboard's API)


def ratio(num, den) -> float | None:
    """num / den, or None when either side is missing or the denominator is 0."""
    if num is None or den is None:
        return None
    try:
        num, den = float(num), float(den)
    except (TypeError, ValueError):
        return None
    if math.isnan(num) or math.isnan(den) or den == 0:
        return None
    return num / den


def _value(x) -> float | None:
    """A number from a query row, or None for SQL null (NaN in pandas)."""
    if x is None:
        return None
    value = float(x)
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class Kpis:
    """One row of the data.SQL_*_KPIS queries: ratios as gold.kpi_selection computed them (dbt,
    macros/kpi.sql), None where undefined (never 0 %). Nothing here computes a KPI."""

    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None
    produced_qty: float | None
    good_qty: float | None
    scrap_qty: float | None
    rework_qty: float | None
    scrap_rate: float | None
    downtime_h: float | None
    energy_per_good_unit_kwh: float | None
    failure_count: float | None
    mtbf_h: float | None
    mttr_min: float | None

    @property
    def empty(self) -> bool:
        """Nothing was selected (a selection that produced nothing still has its 0 units)."""
        return self.produced_qty is None and self.availability is None

    @classmethod
    def of(cls, rows: pd.DataFrame) -> Kpis:
        """The KPIs of a one-row result, or EMPTY when nothing was selected (no row)."""
        if rows.empty:
            return EMPTY
        row = rows.iloc[0]
        return cls(**{name: _value(row[name]) for name in cls.__dataclass_fields__})


EMPTY = Kpis(*([None] * len(Kpis.__dataclass_fields__)))


# ----------------------------------------------------------------------------- formatting


def fmt_int(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.0f}"


def fmt_num(x: float | None, digits: int = 2, unit: str = "") -> str:
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}{' ' + unit if unit else ''}"


def delta_pp(cur: float | None, prev: float | None) -> str | None:
    """Change of a ratio in percentage points, or None when either side is undefined."""
    if cur is None or prev is None:
        return None
    return f"{100 * (cur - prev):+.1f} pp"


def delta_rel(cur: float | None, prev: float | None) -> str | None:
    """Relative change of an amount, or None when undefined (no previous value or it is 0)."""
    r = ratio(None if cur is None or prev is None else cur - prev, prev)
    return None if r is None else f"{100 * r:+.1f}%"


# ----------------------------------------------------------------------------- health


@dataclass(frozen=True)
class Health:
    level: str  # "good" | "watch" | "alert" | "unknown"
    reasons: tuple[str, ...]


HEALTH_COLOURS = {"good": "#1b7f3b", "watch": "#c47f00", "alert": "#b3261e", "unknown": "#6b7280"}
HEALTH_LABELS = {
    "good": "Healthy",
    "watch": "Watch",
    "alert": "Action needed",
    "unknown": "No data",
}


# gold.kpi_machine_health_daily's status (its yml owns the score and the thresholds) → light
GOLD_HEALTH_LEVELS = {"good": "good", "watch": "watch", "poor": "alert"}


def health(latest: Mapping[str, Any] | None) -> Health:
    """Traffic light for a machine: gold's health score of its latest date in the period."""
    if latest is None:
        return Health("unknown", ("no production data in the period",))
    reasons = [f"health {latest['health_score']:.0f}/100 on {latest['production_date']:%d %b}"]
    if latest.get("oee_target") is not None and latest.get("oee") is not None:
        reasons.append(f"OEE {fmt_pct(latest['oee'])} vs target {fmt_pct(latest['oee_target'])}")
    opened = int(latest.get("open_warnings") or 0) + int(latest.get("open_criticals") or 0)
    if opened:
        reasons.append(f"{opened} anomal{'y' if opened == 1 else 'ies'} vs baseline")
    return Health(GOLD_HEALTH_LEVELS[latest["health_status"]], tuple(reasons))


def _rank(level: str) -> int:
    return {"unknown": -1, "good": 0, "watch": 1, "alert": 2}[level]
