"""The dashboard's formats and chart axes, on small frames (no serving copy, no Streamlit run)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import charts, display, kpi


def _tick_labels(axis) -> list[str]:
    """The labels plotly writes on a linear axis with a fixed dtick, in Python's equal format."""
    low, high = axis.range
    first = axis.tick0 + axis.dtick * -(-(low - axis.tick0) // axis.dtick)
    ticks, value = [], first
    while value <= high + 1e-9:
        ticks.append(format(value, axis.tickformat.lstrip(",")))
        value += axis.dtick
    return ticks


def test_headers_read_as_words_not_snake_case():
    assert display.label("production_date") == "Production date"
    assert display.label("mtbf_h") == "MTBF (h)"
    assert display.label("energy_per_good_unit_kwh") == "Energy per good unit (kWh)"
    assert display.label("processes_per_h") == "Processes per hour"
    assert display.label("produced_qty") == "Produced"
    assert display.label("min_s") == "Minimum (s)"  # a unit only at the end


def test_a_table_shows_plain_dates_percentages_and_separators():
    df = pd.DataFrame(
        {
            "production_date": pd.to_datetime(["2026-10-19", "2026-10-20"]),
            "oee": [0.7123, 0.7],
            "produced_qty": [12345, 678],
            "downtime_h": [1.25, 2.0],
            "quantity": [451.0, 12000.0],  # a sum DuckDB hands over as a float
        }
    )
    shown = display.display_frame(df)
    assert shown["production_date"].tolist() == [date(2026, 10, 19), date(2026, 10, 20)]
    assert shown["oee"].tolist() == pytest.approx([71.23, 70.0])
    config = display.column_config(df)
    assert {c: config[c]["label"] for c in df} == {
        "production_date": "Production date",
        "oee": "OEE",
        "produced_qty": "Produced",
        "downtime_h": "Downtime (h)",
        "quantity": "Quantity",
    }
    formats = {c: config[c].get("type_config", {}).get("format") for c in df}
    assert formats == {
        "production_date": None,
        "oee": "%.1f%%",  # the cards' format: 71.2%
        "produced_qty": "%,.0f",
        "downtime_h": "%,.2f",
        "quantity": "%,.0f",
    }
    # a page's own format keeps the readable label
    config = display.column_config(df, {"downtime_h": {"label": None, "type_config": {}}})
    assert config["downtime_h"]["label"] == "Downtime (h)"
    # the CSV keeps names and unscaled ratios, with plain dates
    assert display.plain_dates(df)["production_date"].tolist()[0] == date(2026, 10, 19)


def test_one_percent_format_on_cards_tables_and_charts():
    assert kpi.fmt_pct(0.97123) == "97.1%"
    assert format(0.97123, display.PLOTLY_PERCENT) == "97.1%"  # d3 and Python agree on ".1%"
    assert display.TABLE_PERCENT % 97.123 == "97.1%"
    assert kpi.fmt_pct(None) == "n/a"


@pytest.mark.parametrize(
    "values",
    [[0.965, 0.968, 0.972, 0.975], [0.45, 0.99], [0.0, 0.02], [0.999, 1.0], [0.5]],
)
def test_ratio_axes_have_unique_ticks_and_a_steady_range(values):
    axis = charts.go.layout.YAxis(charts.ratio_axis(values))
    labels = _tick_labels(axis)
    assert len(labels) == len(set(labels)), labels  # never two "97%" ticks
    low, high = axis.range
    assert low <= min(values) and high >= max(values)
    assert high - low >= 0.1  # ±1 pp is at most a tenth of the height


def _daily(days: int) -> pd.DataFrame:
    dates = pd.date_range("2026-10-19", periods=days)
    rows = []
    for m in ("M-1", "M-2"):
        for i, d in enumerate(dates):
            rows.append(
                {
                    "production_date": d,
                    "machine_id": m,
                    "oee": 0.70 + 0.001 * i,
                    "availability": 0.8,
                    "performance": 0.93 + 0.002 * i,
                    "quality": 0.968 + 0.001 * (i % 3),
                    "good_qty": 1000 + i,
                }
            )
    return pd.DataFrame(rows)


def test_machine_factor_panels_use_ratio_axes_and_day_ticks():
    fig = charts.factors_by_machine(_daily(3))
    yaxes = [fig.layout[k] for k in fig.layout if k.startswith("yaxis")]
    assert len(yaxes) == 4
    for axis in yaxes:
        labels = _tick_labels(axis)
        assert len(labels) == len(set(labels)), labels
    xaxes = [fig.layout[k] for k in fig.layout if k.startswith("xaxis")]
    assert {axis.dtick for axis in xaxes} == {charts.DAY_MS}  # no 12:00 tick between dates


def test_oee_trend_and_sparklines_are_not_auto_scaled():
    daily = _daily(5)
    fig = charts.oee_trend(daily[daily["machine_id"] == "M-1"])
    assert fig.layout.yaxis.range is not None and fig.layout.yaxis.tickformat == ".0%"
    spark = charts.sparkline([0.968, 0.975, 0.971], ratio=True)
    low, high = spark.layout.yaxis.range
    assert high - low >= 0.1
    amounts = charts.sparkline([1000, 1010, 995], ratio=False)
    assert amounts.layout.yaxis.range[0] == 0


def test_a_heatmap_of_dates_is_on_a_date_axis_with_a_tick_per_day():
    df = pd.DataFrame(
        {
            "production_date": pd.to_datetime(["2026-10-19", "2026-10-20", "2026-10-20"]),
            "source_name": ["plc", "plc", "mes"],
            "items_found": [3, 1200, 2],
        }
    )
    fig = charts.heatmap(df, "production_date", "source_name", "items_found", "t")
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.xaxis.dtick == charts.DAY_MS
    assert fig.layout.xaxis.tickformat == "%a %d %b"
    categories = charts.heatmap(df, "source_name", "production_date", "items_found", "t")
    assert categories.layout.xaxis.type == "category"


def test_date_axes_thin_out_long_ranges():
    assert charts.date_axis(3)["dtick"] == charts.DAY_MS
    assert charts.date_axis(60)["dtick"] == 7 * charts.DAY_MS
    assert charts.date_axis(365)["dtick"] == "M1"
