"""Issue 19 on the dashboard: the loss page, targets, the alarm list, finished units and the Excel
downloads, under streamlit.testing (AppTest) on the shared published warehouse and copies of it."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from test_dashboard_app import PAGES, _app, _dates, _no_exception, _table, _texts, finished_units

from dashboard import kpi

LOSSES = "views/losses.py"
LOSS_COLUMNS = [
    "breakdown_loss_s",
    "setup_loss_s",
    "small_stop_loss_s",
    "idle_loss_s",
    "speed_loss_s",
    "scrap_loss_s",
    "rework_loss_s",
    "unrecorded_loss_s",
]


def _read(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _planned_busy(home: Path, start: date, end: date, machines=None, shifts=None) -> float:
    """Planned busy time of the scheduled machine-shifts (gold.kpi_machine_shift, not the loss
    tree): what the waterfall's first bar must show."""
    ((value,),) = _read(
        home,
        """
        select sum(planned_busy_time_s) from gold.kpi_machine_shift
        where production_date between ? and ?
          and (? is null or list_contains(?, machine_id))
          and (? is null or list_contains(?, shift_code))
        """,
        [start, end, machines, machines, shifts, shifts],
    )
    return float(value)


def _steps(at) -> dict[str, float]:
    """The waterfall's bars as the page's data holds them: {loss tree column: seconds}."""
    steps = _table(at, "step", "loss_tree_column", "time_s").value
    return dict(zip(steps["loss_tree_column"], steps["time_s"].astype(float), strict=True))


@pytest.mark.parametrize(
    ("state", "machines", "shifts"),
    [
        ({}, None, None),  # the plant: plant_day rows
        ({"loss_scope": "Machine", "loss_machine": "SMELTER-02"}, ["SMELTER-02"], None),
        ({"loss_scope": "Line"}, "first line", None),  # line_day rows of the first line
        ({"shifts": ["NIGHT"]}, None, ["NIGHT"]),  # some shifts: machine_shift rows
    ],
    ids=["plant", "machine", "line", "night-shift"],
)
def test_loss_waterfall_sums_back_to_planned_busy_time(
    serving_home, monkeypatch, state, machines, shifts
):
    days = _dates(serving_home)
    if machines == "first line":  # the page offers the lines in order and starts at the first
        machines = [r[0] for r in _read(
            serving_home, "select distinct machine_id from gold.dim_machine "
            "where line_id = (select min(line_id) from gold.dim_machine)",
        )]  # fmt: skip
    at = _app(serving_home, monkeypatch, LOSSES, dates=(days[0], days[-1]), **state)
    _no_exception(at)
    bars = _steps(at)
    assert list(bars) == ["planned_busy_time_s", *LOSS_COLUMNS, "fully_productive_time_s"]
    planned = _planned_busy(serving_home, days[0], days[-1], machines, shifts)
    assert bars["planned_busy_time_s"] == pytest.approx(planned, abs=0.01)
    assert sum(bars[c] for c in LOSS_COLUMNS) + bars["fully_productive_time_s"] == pytest.approx(
        planned, abs=0.01
    )
    assert bars["breakdown_loss_s"] > 0 and bars["fully_productive_time_s"] > 0
    # the chart draws the same bars: the last one is the running sum, i.e. what is left
    figure = _figure(at, "loss_waterfall")
    assert figure["data"][0]["measure"][-1] == "total"
    assert figure["data"][0]["y"][0] == pytest.approx(planned / 3600)


def test_pareto_is_ordered_and_its_cumulative_line_reaches_the_total(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, LOSSES, dates=(days[0], days[-1]))
    _no_exception(at)
    pareto = _table(at, "cause_code", "loss_time_s", "cumulative_share").value
    losses = pareto["loss_time_s"].astype(float).tolist()
    assert losses == sorted(losses, reverse=True)
    cumulative = pareto["cumulative_share"].tolist()  # shown as percentages
    assert cumulative == sorted(cumulative) and cumulative[-1] == pytest.approx(100)
    assert cumulative[0] == pytest.approx(100 * losses[0] / sum(losses))
    # every breakdown, small stop and setup of the waterfall is in the Pareto, and only those
    bars = _steps(at)
    downtime = bars["breakdown_loss_s"] + bars["small_stop_loss_s"] + bars["setup_loss_s"]
    assert sum(losses) == pytest.approx(downtime, abs=0.01)
    ((events, failures),) = _read(
        serving_home,
        "select (select sum(event_count) from gold.kpi_downtime_pareto where loss_category = "
        "'breakdown' and production_date between $1 and $2), (select sum(failure_count) from "
        "gold.kpi_machine_shift where production_date between $1 and $2)",
        [days[0], days[-1]],
    )
    shown = pareto[pareto["loss_category"] == "breakdown"]["event_count"].sum()
    assert shown == events == failures
    # MTTR of a cause = its loss time / its events
    first = pareto.iloc[0]
    mttr_s = float(first["loss_time_s"]) / first["event_count"]
    assert first["mttr_min"] == pytest.approx(mttr_s / 60)


def test_shift_comparison_lists_the_plant_shift_codes_and_the_crew(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, LOSSES, dates=(days[0], days[-1]),
              shift_machine="SMELTER-02")  # fmt: skip
    _no_exception(at)
    codes = [r[0] for r in _read(
        serving_home,
        "select shift_code from gold.dim_shift group by shift_code order by min(shift_index)",
    )]  # fmt: skip
    table = _table(at, "shift_code", "oee", "crew").value
    assert table["shift_code"].tolist() == codes
    crews = dict(_read(
        serving_home,
        """
        select o.shift_code, list(distinct d.operator_name order by d.operator_name)
        from gold.kpi_operator_daily as o join gold.dim_operator as d using (operator_id)
        where o.machine_id = 'SMELTER-02' and o.production_date between ? and ?
        group by o.shift_code
        """,
        [days[0], days[-1]],
    ))  # fmt: skip
    assert crews, "no operator signed in on SMELTER-02"
    for code, names in crews.items():
        shown = table.set_index("shift_code").loc[code, "crew"]
        assert all(name in shown for name in names), (code, names, shown)
    # each shift's OEE is gold's ratio of that shift's sums
    ((night,),) = _read(
        serving_home,
        "select sum(fully_productive_time_s) / sum(planned_busy_time_s) from "
        "gold.kpi_machine_shift where machine_id = 'SMELTER-02' and shift_code = ? "
        "and production_date between ? and ?",
        [codes[-1], days[0], days[-1]],
    )
    assert table.set_index("shift_code").loc[codes[-1], "oee"] == pytest.approx(100 * night)


def _figure(at, key: str) -> dict:
    """The plotly figure of the chart whose key contains `key`."""
    return json.loads(next(c for c in at.get("plotly_chart") if key in c.proto.id).proto.spec)


def _shapes_at(at, key: str) -> list[float]:
    """The y of every horizontal line drawn on a chart (targets)."""
    return [s["y0"] for s in _figure(at, key)["layout"].get("shapes", [])]


def test_targets_are_drawn_on_the_oee_charts(serving_home, monkeypatch):
    days = _dates(serving_home)
    targets = {(r[0], r[1]): r[2:] for r in _read(
        serving_home, "select scope, scope_id, oee, availability, performance, quality "
        "from gold.dim_target",
    )}  # fmt: skip
    plant = next(v for (scope, _), v in targets.items() if scope == "plant")
    at = _app(serving_home, monkeypatch, dates=(days[0], days[-1]))
    _no_exception(at)
    assert set(_shapes_at(at, "oee_trend")) == set(plant)  # one line per value
    assert f"Target {kpi.fmt_pct(plant[0])}" in _texts(at)

    at = _app(serving_home, monkeypatch, "views/machines.py", dates=(days[0], days[-1]))
    _no_exception(at)
    machine_oee = {v[0] for (scope, _), v in targets.items() if scope == "machine"}
    assert machine_oee <= set(_shapes_at(at, "factors"))

    at = _app(serving_home, monkeypatch, LOSSES, dates=(days[0], days[-1]),
              shift_machine="SMELTER-02")  # fmt: skip
    ticks = {t["y"][0] for t in _figure(at, "shift_factors")["data"] if t["type"] == "scatter"}
    assert ticks == set(targets[("machine", "SMELTER-02")])


ALERT_COLUMNS = """
    alert_id varchar, run_id varchar, raised_at timestamptz, rule varchar, severity varchar,
    production_date date, machine_id varchar, shift_code varchar, source varchar,
    observed double, threshold double, message varchar, notified boolean
"""


def _alarm_home(src: Path, home: Path, rows: list[tuple] | None) -> list[date]:
    """A copy of `src` whose audit.alerts (the contract's columns) holds `rows`; none when None."""
    (home / "warehouse").mkdir(parents=True)
    path = home / "warehouse" / "serving.duckdb"
    shutil.copy2(src / "warehouse" / "serving.duckdb", path)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists audit")
        con.execute("drop table if exists audit.alerts")
        if rows is not None:
            con.execute(f"create table audit.alerts ({ALERT_COLUMNS})")
        if rows:
            con.executemany(
                "insert into audit.alerts values (?, 'run-1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    finally:
        con.close()
    return _dates(home)


def test_alarm_list_shows_the_selection_newest_first(serving_home, tmp_path, monkeypatch):
    days = _dates(serving_home)
    at_ = [datetime(2026, 10, 27, h, tzinfo=UTC) for h in (5, 6, 7, 8)]
    rows = [
        ("a1", at_[0], "oee_below_target", "warning", days[-1], "SMELTER-02", "NIGHT",
         "gold", 0.55, 0.65, "SMELTER-02 NIGHT OEE 55% below target 65%", True),
        ("a2", at_[1], "machine_degrading", "critical", days[-1], "SMELTER-02", None,
         "gold", -1.8, -1.0, "SMELTER-02 performance falling 1.8 pp/day", True),
        ("a3", at_[2], "source_late", "warning", days[-1], None, None,
         "sensor_logs", 7200.0, 3600.0, "sensor_logs 2 h late", False),
        ("a4", at_[3], "oee_below_target", "warning", days[-1], "DISPENSER-01", "EARLY",
         "gold", 0.5, 0.65, "DISPENSER-01 EARLY OEE below target", True),
        ("a5", at_[3], "oee_below_target", "warning", days[0], "SMELTER-02", "EARLY",
         "gold", 0.5, 0.65, "an alarm of another date", True),
    ]  # fmt: skip
    home = tmp_path / "home"
    _alarm_home(serving_home, home, rows)
    at = _app(home, monkeypatch, dates=(days[-1], days[-1]), machines=["SMELTER-02"])
    _no_exception(at)
    alarms = _table(at, "alert_id", "severity", "message").value
    # newest first; plant-wide alarms (no machine) shown; other machines and dates left out
    assert alarms["alert_id"].tolist() == ["a3", "a2", "a1"]
    assert alarms["message"].iloc[-1] == rows[0][-2]
    assert "3 alarm(s)" in _texts(at)


@pytest.mark.parametrize("rows", [None, []], ids=["no-table", "empty-table"])
def test_no_alarms_recorded(serving_home, tmp_path, monkeypatch, rows):
    _alarm_home(serving_home, tmp_path / "home", rows)
    at = _app(tmp_path / "home", monkeypatch)
    _no_exception(at)
    assert "No alarms recorded" in _texts(at)


def test_units_produced_count_finished_products_only(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, dates=(days[0], days[-1]))
    _no_exception(at)
    cards = {m.label: m for m in at.metric}
    con = duckdb.connect(str(serving_home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        produced, good = finished_units(con, days[0], days[-1])
        ((every_stage,),) = con.execute(
            "select sum(produced_qty) from gold.kpi_plant_daily where production_date between ? "
            "and ?",
            [days[0], days[-1]],
        ).fetchall()
        names = [r[0] for r in con.execute(
            "select product_name from gold.dim_product where product_kind = 'finished'"
        ).fetchall()]  # fmt: skip
    finally:
        con.close()
    assert produced < every_stage  # the intermediate stages' output does not count
    assert cards["Finished units"].value == kpi.fmt_int(produced)
    assert cards["Finished good units"].value == kpi.fmt_int(good)
    assert names and all(name in cards["Finished units"].proto.help for name in names)


@pytest.mark.parametrize("page", PAGES)
def test_every_csv_download_has_an_excel_one_beside_it(serving_home, monkeypatch, page):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, page, dates=(days[0], days[-1]))
    _no_exception(at)
    labels = [b.proto.label for b in at.get("download_button")]
    csv = [label.split("CSV: ")[1] for label in labels if "CSV: " in label]
    excel = [label.split("Excel: ")[1] for label in labels if "Excel: " in label]
    assert csv and csv == excel, labels
