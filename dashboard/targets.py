"""The plant's KPI targets as published (gold.dim_target), looked up for a plant or a machine.

Why its own module: every chart and card that shows OEE or A/P/Q draws the same target, read
from one place; a publication older than gold.dim_target simply has none (nothing is drawn).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dashboard import data, ui

FACTORS = ("oee", "availability", "performance", "quality")


@dataclass(frozen=True)
class Target:
    """Effective targets (fractions, None where the plant file sets none) and where they come
    from ('plant' | 'line' | 'machine')."""

    oee: float | None
    availability: float | None
    performance: float | None
    quality: float | None
    defined_at: str

    def get(self, factor: str) -> float | None:
        return getattr(self, factor) if factor in FACTORS else None

    def factors(self) -> dict[str, float | None]:
        """{factor: target} as the charts take it."""
        return {f: self.get(f) for f in FACTORS}


def table() -> pd.DataFrame:
    """Every published target row (empty when the serving copy has no gold.dim_target)."""
    if not ui.has_table("gold.dim_target"):
        return pd.DataFrame(columns=["scope", "scope_id", *FACTORS, "defined_at"])
    return ui.q(data.SQL_TARGETS)


def _value(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def of(scope: str, scope_id: str | None = None) -> Target | None:
    """The target of a scope ('plant' | 'line' | 'machine'); the plant needs no id."""
    df = table()
    rows = df[df["scope"] == scope]
    if scope_id is not None:
        rows = rows[rows["scope_id"] == scope_id]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return Target(*(_value(r[f]) for f in FACTORS), defined_at=str(r["defined_at"]))


def plant() -> Target | None:
    return of("plant")


def machines(ids: list[str] | tuple[str, ...]) -> dict[str, dict[str, float | None]]:
    """{machine: {factor: target}} for those of `ids` that have one."""
    out = {m: of("machine", m) for m in ids}
    return {m: t.factors() for m, t in out.items() if t is not None}
