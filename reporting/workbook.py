"""An .xlsx workbook from named frames: one sheet each, typed cells, units in the headers.

Why its own module: the daily report and the dashboard's downloads write the same workbook, and a
column's unit is read from its name in one place (the gold marts' naming conventions, see
dbt_project/models/marts/*/_*__models.yml): `*_s` seconds, `*_kwh` kWh, `*_qty` units,
`*_per_h` per hour, ratios (OEE and its factors, `*_ratio`, `first_pass_yield`) as fractions
shown as percentages. XlsxWriter writes the cells with explicit types (a pandas `to_excel` would
leave dates as text-like datetimes and cannot put units in headers without renaming columns).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from decimal import Decimal

import numpy as np
import pandas as pd
import xlsxwriter

# Ratio columns (0..1) by name; written as fractions with a percent number format.
RATIO_COLUMNS = frozenset(
    {"oee", "availability", "performance", "quality", "first_pass_yield", "share"}
)
_RATIO_SUFFIXES = ("_ratio", "_rate", "_share")
# Trailing statistic words that leave a column's unit unchanged: "cycle_time_s_p95" is in s.
_STATISTICS = re.compile(r"_(avg|min|max|max_abs|p50|p95|stddev|sum|mean|median)$")
# (name pattern, unit), first match wins: the longer, more specific suffixes come first.
_UNIT_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), unit)
    for pattern, unit in (
        (r"_mm_s$", "mm/s"),
        (r"_per_good_unit_kwh$", "kWh per good unit"),
        (r"_kwh$", "kWh"),
        (r"_kw$", "kW"),
        (r"_bar$", "bar"),
        (r"(^|_)temperature_c$", "°C"),
        (r"_per_worked_h$", "per worked hour"),
        (r"_per_h$", "per hour"),
        (r"_s$", "s"),
        (r"_h$", "h"),
        (r"_min$", "min"),
        (r"_qty$", "units"),
    )
)
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MAX_COLUMN_WIDTH_PX = 320  # a long text column (notes, messages) stays on one screen


def is_ratio(column: str) -> bool:
    """Whether a column holds a fraction 0..1 (shown as a percentage); the dashboard asks too.
    A target is a ratio when what it targets is (`oee_target`)."""
    column = column.removesuffix("_target")
    return column in RATIO_COLUMNS or column.endswith(_RATIO_SUFFIXES)


def unit(column: str) -> str | None:
    """The unit a column's name says it holds ("%", "s", "kWh", ...), None for none."""
    if is_ratio(column):
        return "%"
    if column.endswith("_nulls"):
        return None  # a count of missing readings, whatever the reading's unit
    # "cycle_time_s_min" is in s (a statistic of a time); "mttr_min" is in minutes.
    for name in (_STATISTICS.sub("", column), column):
        for pattern, symbol in _UNIT_RULES:
            if pattern.search(name):
                return symbol
    return None


def header(column: str, fallback: str | None = None) -> str:
    """The header of a column: its name, then its unit in brackets (else `fallback`: a
    timestamp's time zone, a duration's "s")."""
    suffix = unit(column) or fallback
    return f"{column} [{suffix}]" if suffix else column


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx file holding one sheet per frame, in the mapping's order."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "header": book.add_format({"bold": True, "bottom": 1, "text_wrap": False}),
        "percent": book.add_format({"num_format": PERCENT_FORMAT}),
        "date": book.add_format({"num_format": DATE_FORMAT}),
        "datetime": book.add_format({"num_format": DATETIME_FORMAT}),
    }
    for name, frame in sheets.items():
        _write_sheet(book.add_worksheet(name), frame, formats)
    book.close()
    return buffer.getvalue()


def _write_sheet(sheet, frame: pd.DataFrame, formats: dict) -> None:
    for col, column in enumerate(frame.columns):
        values = frame[column]
        kind, timezone = _kind(values)
        fallback = "s" if kind == "timedelta" else timezone
        sheet.write_string(0, col, header(str(column), fallback), formats["header"])
        cell_format = formats.get("percent" if kind == "number" and is_ratio(str(column)) else kind)
        if kind in ("date", "datetime"):
            values = _naive(values)
        for row, value in enumerate(values, start=1):
            _write_cell(sheet, row, col, value, kind, cell_format)
    sheet.freeze_panes(1, 0)
    sheet.autofit(MAX_COLUMN_WIDTH_PX)


def _kind(values: pd.Series) -> tuple[str, str | None]:
    """How a column is written: number, bool, date, datetime or text (and a timestamp's zone).

    DuckDB hands DATE columns to pandas as datetime64, so a datetime column whose every value
    is a midnight is written as dates (its values are the same either way; only the display
    differs).
    """
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool", None
    if pd.api.types.is_datetime64_any_dtype(dtype):
        timezone = str(dtype.tz) if isinstance(dtype, pd.DatetimeTZDtype) else None
        present = values.dropna()
        if timezone is None and len(present) and (present == present.dt.normalize()).all():
            return "date", None
        return "datetime", timezone
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "timedelta", None
    if pd.api.types.is_numeric_dtype(dtype):
        return "number", None
    present = values.dropna()
    if len(present) and all(_is_plain_date(v) for v in present):
        return "date", None
    if len(present) and all(isinstance(v, dt.datetime) for v in present):
        zones = {str(v.tzinfo) for v in present if v.tzinfo is not None}
        return "datetime", (zones.pop() if len(zones) == 1 else None)
    if len(present) and all(isinstance(v, bool | np.bool_) for v in present):
        return "bool", None
    if len(present) and all(isinstance(v, int | float | Decimal | np.number) for v in present):
        return "number", None
    return "text", None


def _is_plain_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _naive(values: pd.Series) -> pd.Series:
    """Timestamps in their own zone without the zone (Excel has none; the header names it).
    Excel keeps a time to the millisecond: microseconds do not survive the workbook."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_localize(None)
    return values


def _write_cell(sheet, row: int, col: int, value, kind: str, cell_format) -> None:
    if _missing(value):
        return  # an empty cell, not a zero or the text "nan"
    if kind == "bool":
        sheet.write_boolean(row, col, bool(value))
    elif kind == "date":
        day = value.date() if isinstance(value, dt.datetime) else value
        sheet.write_datetime(row, col, dt.datetime.combine(day, dt.time()), cell_format)
    elif kind == "datetime":
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        sheet.write_datetime(row, col, stamp.to_pydatetime(), cell_format)
    elif kind == "timedelta":
        sheet.write_number(row, col, pd.Timedelta(value).total_seconds())
    elif kind == "number":
        sheet.write_number(row, col, float(value), cell_format)
    else:
        sheet.write_string(row, col, _text(value))


def _missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _text(value) -> str:
    """Lists and arrays (DuckDB LIST columns) as comma-separated text; the rest as str()."""
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    return str(value)
