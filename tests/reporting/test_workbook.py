"""reporting.workbook: typed cells, units in the headers, a frozen header row."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from reporting.workbook import header, unit, workbook_bytes


def _read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture
def frame() -> pd.DataFrame:
    """A frame shaped like DuckDB's .df(): DATE arrives as datetime64, TIMESTAMPTZ with a zone."""
    return pd.DataFrame(
        {
            "production_date": pd.to_datetime(["2026-10-22", "2026-10-23"]),
            "machine_id": ["M-01", "M-02"],
            "planned_busy_time_s": [28800.5, 27000.0],
            "good_qty": pd.array([120, None], dtype="Int64"),
            "oee": [0.8123, 0.5],
            "energy_kwh": [12.5, 13.0],
            "throughput_per_h": [40.0, 41.5],
            "cycle_time_s_p95": [31.0, 30.0],
            "noted_at": pd.to_datetime(["2026-10-22 07:15:02", "2026-10-23 22:01:00"]).tz_localize(
                "Europe/Berlin"
            ),
            "is_scheduled": [True, False],
            "made_on_machine_ids": [["M-01", "M-02"], []],
        }
    )


def test_sheets_come_in_order_with_units_in_headers_and_a_frozen_header(frame):
    book = _read(workbook_bytes({"kpi_machine_daily": frame, "empty": frame.iloc[0:0]}))
    assert book.sheetnames == ["kpi_machine_daily", "empty"]
    sheet = book["kpi_machine_daily"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [
        "production_date",
        "machine_id",
        "planned_busy_time_s [s]",
        "good_qty [units]",
        "oee [%]",
        "energy_kwh [kWh]",
        "throughput_per_h [per hour]",
        "cycle_time_s_p95 [s]",
        "noted_at [Europe/Berlin]",
        "is_scheduled",
        "made_on_machine_ids",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 3
    assert [cell.value for cell in book["empty"][1]] == headers  # headers even without rows
    assert sheet.column_dimensions["A"].width > 8  # sized to its dates, not Excel's default


def test_cells_are_typed(frame):
    sheet = _read(workbook_bytes({"s": frame}))["s"]
    first = [cell for cell in sheet[2]]
    date, machine, pbt, good, oee, *_rest = first
    assert date.value == dt.datetime(2026, 10, 22) and date.is_date
    assert date.number_format == "yyyy-mm-dd"
    assert machine.value == "M-01" and machine.data_type == "s"
    assert pbt.value == 28800.5 and pbt.data_type == "n"
    assert good.value == 120 and good.data_type == "n"
    assert oee.value == pytest.approx(0.8123) and oee.number_format == "0.0%"
    noted_at, scheduled, made_on = first[8], first[9], first[10]
    # Local wall time of the frame's zone (Excel has none; the header names it).
    assert noted_at.value == dt.datetime(2026, 10, 22, 7, 15, 2) and noted_at.is_date
    assert "hh:mm:ss" in noted_at.number_format
    assert scheduled.value is True and scheduled.data_type == "b"
    assert made_on.value == "M-01, M-02"
    assert sheet["D3"].value is None  # a missing count is an empty cell, not 0 or "nan"


def test_plain_python_dates_are_dates():
    frame = pd.DataFrame({"delivery_date": [dt.date(2026, 10, 22)], "n": [1]})
    cell = _read(workbook_bytes({"s": frame}))["s"]["A2"]
    assert cell.value == dt.datetime(2026, 10, 22) and cell.number_format == "yyyy-mm-dd"


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("availability", "%"),
        ("scrap_ratio", "%"),
        ("first_pass_yield", "%"),
        ("breakdown_loss_s", "s"),
        ("mttr_min", "min"),
        ("temperature_c_max", "°C"),
        ("vibration_mm_s_avg", "mm/s"),
        ("energy_per_good_unit_kwh", "kWh per good unit"),
        ("units_per_worked_h", "per worked hour"),
        ("temperature_c_nulls", None),
        ("machine_id", None),
        ("event_count", None),
    ],
)
def test_units_follow_the_gold_column_names(column, expected):
    assert unit(column) == expected
    assert header(column) == (f"{column} [{expected}]" if expected else column)
