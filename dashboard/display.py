"""How the dashboard writes numbers, dates and column names: one format for each kind of value.

Why its own module: every page and chart shows the same percent, count and date formats, and a
table's column headers are read from its (snake_case) column names in one place. Ratios (0..1)
read as "97.1%" on cards, in tables and in chart hovers, with "97%" on axis ticks; counts carry
thousands separators; production dates read as plain dates, never "2026-10-19 00:00:00".
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from reporting.workbook import is_ratio  # which columns are ratios: one rule for both

PERCENT_DIGITS = 1  # cards, tables and hovers: "97.1%"
PLOTLY_PERCENT_TICK = ".0%"  # axis ticks: "97%" (ratio_axis keeps them at whole percents)
PLOTLY_PERCENT = f".{PERCENT_DIGITS}%"
PLOTLY_COUNT = ",~f"  # "12,345" and "0.5": separators, never "12.3k", no padded decimals
TABLE_PERCENT = f"%.{PERCENT_DIGITS}f%%"  # on the ×100 values of display_frame
TABLE_COUNT = "%,.0f"  # also for counts DuckDB hands over as floats (sums of integers)
# Columns that count things, by name: shown as counts even when their dtype is float.
COUNT_COLUMNS = frozenset({"quantity", "items_found", "failures", "checks", "passed", "failed"})
COUNT_SUFFIXES = ("_qty", "_count")
TABLE_NUMBER = "%,.2f"

# Words of a column name that are written otherwise in a header; a unit comes last ("mtbf_h").
_WORDS = {
    "oee": "OEE",
    "mtbf": "MTBF",
    "mttr": "MTTR",
    "id": "ID",
    "qty": "",
    "pp": "pp",
    "p50": "median",
    "p95": "95th pct",
    "avg": "average",
    "min": "minimum",
    "max": "maximum",
    "stddev": "std. dev.",
}
_UNITS = {"kwh": "(kWh)", "h": "(h)", "s": "(s)", "min": "(min)"}
_PER = {"h": "hour", "s": "second", "min": "minute", "day": "day"}  # "per_h" → "per hour"


def fmt_pct(x: float | None) -> str:
    """A ratio as a percentage, "97.1%"; "n/a" when undefined."""
    return "n/a" if x is None or _nan(x) else f"{100 * x:.{PERCENT_DIGITS}f}%"


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def label(column: str) -> str:
    """A readable header for a column name: "mtbf_h" → "MTBF (h)", "production_date" →
    "Production date"."""
    parts = column.split("_")
    words = []
    for i, word in enumerate(parts):
        if i and parts[i - 1] == "per":
            words.append(_PER.get(word, word))
        elif i and i == len(parts) - 1 and word in _UNITS:
            words.append(_UNITS[word])
        else:
            words.append(_WORDS.get(word, word))
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


def is_plain_date(series: pd.Series) -> bool:
    """A naive timestamp column whose values are all midnights: a date column as pandas reads it."""
    if not pd.api.types.is_datetime64_any_dtype(series) or getattr(series.dt, "tz", None):
        return False
    values = series.dropna()
    return (values == values.dt.normalize()).all()


def plain_dates(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with its date columns as dates (shown "2026-10-19", no midnight time)."""
    dates = [c for c in df.columns if is_plain_date(df[c])]
    if not dates:
        return df
    return df.assign(**{c: df[c].dt.date for c in dates})


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame a table shows: plain dates, and ratios as percentages (×100, TABLE_PERCENT)."""
    out = plain_dates(df)
    ratios = [c for c in out.columns if is_ratio(str(c))]
    return out.assign(**{c: pd.to_numeric(out[c]) * 100 for c in ratios}) if ratios else out


def column_config(df: pd.DataFrame, overrides: dict | None = None) -> dict:
    """Streamlit column configs for every column of `df`: a readable label, and the house format
    by kind (percent, count with separators, number); `overrides` (column → config) win, and get
    the readable label when they name none."""
    overrides = overrides or {}
    out: dict = {}
    for col in df.columns:
        name = str(col)
        given = overrides.get(name)
        if given is not None:
            out[name] = given | {"label": given.get("label") or label(name)}
            continue
        fmt = _number_format(name, df[col])
        if fmt is None:
            out[name] = st.column_config.Column(label(name))
        else:
            out[name] = st.column_config.NumberColumn(label(name), format=fmt)
    return out


def _number_format(name: str, series: pd.Series) -> str | None:
    if is_ratio(name):
        return TABLE_PERCENT
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series) or name in COUNT_COLUMNS:
        return TABLE_COUNT
    if name.endswith(COUNT_SUFFIXES):
        return TABLE_COUNT
    return TABLE_NUMBER
