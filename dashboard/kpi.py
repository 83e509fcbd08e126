"""KPI arithmetic for the dashboard: ratios of sums, with None (never 0 %) when undefined."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd


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


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


@dataclass(frozen=True)
class Kpis:
    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None
    produced_qty: float | None
    good_qty: float | None
    scrap_rate: float | None
    downtime_h: float | None
    energy_per_good_unit_kwh: float | None
    failure_count: float | None
    mtbf_h: float | None
    mttr_min: float | None

    @property
    def empty(self) -> bool:
        return self.produced_qty is None and self.availability is None


EMPTY = Kpis(*([None] * 12))


def from_sums(row: Mapping) -> Kpis:
    """KPIs of a period from summed ISO 22400 times and quantities (one row of *_SUMS).

    Quality is weighted by ideal cycle time (fully productive / ideal production time), as in
    gold, so OEE = fully productive time / planned busy time for any selection of machines,
    shifts and days; units of different products are never added as if alike."""
    if not row or not _num(row.get("row_count")):
        return EMPTY
    pbt = _num(row.get("planned_busy_time_s"))
    apt = _num(row.get("actual_production_time_s"))
    ideal = _num(row.get("ideal_production_time_s"))
    produced = _num(row.get("produced_qty"))
    good = _num(row.get("good_qty"))
    a = ratio(apt, pbt)
    p = ratio(ideal, apt)
    q = ratio(row.get("fully_productive_time_s"), ideal)
    oee = a * p * q if None not in (a, p, q) else None
    down = _num(row.get("down_time_s"))
    failures = _num(row.get("failure_count"))
    mtbf = ratio(apt, failures)
    mttr = ratio(down, failures)
    return Kpis(
        availability=a,
        performance=p,
        quality=q,
        oee=oee,
        produced_qty=produced,
        good_qty=good,
        scrap_rate=ratio(row.get("scrap_qty"), produced),
        downtime_h=None if down is None else down / 3600,
        energy_per_good_unit_kwh=ratio(row.get("energy_kwh"), good),
        failure_count=failures,
        mtbf_h=None if mtbf is None else mtbf / 3600,
        mttr_min=None if mttr is None else mttr / 60,
    )


def add_ratios(df: pd.DataFrame) -> pd.DataFrame:
    """Per-row ratios for a frame of *_SUMS rows (e.g. one row per day or machine)."""
    out = df.copy()
    rows = [from_sums(r) for r in df.to_dict("records")]
    for name in ("availability", "performance", "quality", "oee", "scrap_rate"):
        out[name] = [getattr(k, name) for k in rows]
    out["downtime_h"] = [k.downtime_h for k in rows]
    out["mtbf_h"] = [k.mtbf_h for k in rows]
    out["mttr_min"] = [k.mttr_min for k in rows]
    out["energy_per_good_unit_kwh"] = [k.energy_per_good_unit_kwh for k in rows]
    return out


# ----------------------------------------------------------------------------- formatting


def fmt_pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


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
    return None if r is None else f"{100 * r:+.1f} %"


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


def performance_trend(daily: pd.DataFrame) -> float | None:
    """Least-squares slope of daily performance, in percentage points per day (None if < 3 days)."""
    d = daily.dropna(subset=["performance"])
    if len(d) < 3:
        return None
    xs = list(range(len(d)))
    ys = [100 * float(v) for v in d["performance"]]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def health(k: Kpis, slope_pp_per_day: float | None) -> Health:
    """Traffic light for a machine: OEE level, availability, and a falling performance trend."""
    if k.oee is None and k.availability is None:
        return Health("unknown", ("no production data in the period",))
    reasons: list[str] = []
    level = "good"
    if k.oee is not None and k.oee < 0.60:
        level = "alert"
        reasons.append(f"OEE {fmt_pct(k.oee)} below 60 %")
    elif k.oee is not None and k.oee < 0.75:
        level = "watch"
        reasons.append(f"OEE {fmt_pct(k.oee)} below 75 %")
    if slope_pp_per_day is not None and slope_pp_per_day <= -1.0:
        level = "alert" if slope_pp_per_day <= -1.5 else max(level, "watch", key=_rank)
        reasons.append(f"performance falling {slope_pp_per_day:+.1f} pp/day")
    if k.availability is not None and k.availability < 0.70:
        level = max(level, "watch", key=_rank)
        reasons.append(f"availability {fmt_pct(k.availability)}")
    return Health(level, tuple(reasons) or ("within targets",))


def _rank(level: str) -> int:
    return {"unknown": -1, "good": 0, "watch": 1, "alert": 2}[level]
