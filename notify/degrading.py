"""When is a machine degrading? The least-squares slope of its daily performance and the
thresholds that flag it: one rule for the dashboard's health light (dashboard/kpi.py) and the
`machine_degrading` alert (notify/alerts.py).

Why here and not in the dashboard: the alert runs in the pipeline, which must not import the
Streamlit app; both now read this module, so a change of threshold changes both.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

MIN_DAYS = 3  # fewer days give no trend
WATCH_PP_PER_DAY = -1.0  # performance falling at least this fast: watch (an alert: warning)
ALERT_PP_PER_DAY = -1.5  # ... at least this fast: action needed (an alert: critical)


def slope_pp_per_day(performance: Iterable[float]) -> float | None:
    """Least-squares slope of consecutive daily performance ratios, in percentage points per
    day (None with fewer than MIN_DAYS values)."""
    ys = [100 * float(v) for v in performance]
    if len(ys) < MIN_DAYS:
        return None
    xs = list(range(len(ys)))
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def performance_trend(daily: pd.DataFrame) -> float | None:
    """The slope of a machine's daily rows (column `performance`, days in order; days without a
    value are left out), in percentage points per day (None if < MIN_DAYS days)."""
    return slope_pp_per_day(daily["performance"].dropna())


def trend_level(slope: float | None) -> str | None:
    """'alert' or 'watch' for a falling trend past its threshold; None otherwise."""
    if slope is None or slope > WATCH_PP_PER_DAY:
        return None
    return "alert" if slope <= ALERT_PP_PER_DAY else "watch"
