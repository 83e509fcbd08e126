"""The dashboard's pages under streamlit.testing (AppTest) on small published warehouses."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, kpi
from ground_truth import audit
from plants.home import HOME_ENV

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = [
    "views/overview.py",
    "views/machines.py",
    "views/losses.py",
    "views/flow.py",
    "views/process.py",
    "views/quality.py",
    "views/monitoring.py",
    "views/data_quality.py",
    "views/lineage.py",
]


def _app(home: Path, monkeypatch, page: str | None = None, **state) -> AppTest:
    monkeypatch.setenv(HOME_ENV, str(home))
    monkeypatch.delenv(data.SERVING_ENV, raising=False)
    at = AppTest.from_file(str(APP), default_timeout=120)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.info, *at.warning, *at.error, *at.success)]
    parts += [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _dates(home: Path) -> list[date]:
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "select distinct production_date from gold.kpi_plant_daily order by 1"
        ).fetchall()]  # fmt: skip
    finally:
        con.close()


def finished_units(con, start: date, end: date) -> tuple[float, float]:
    """Produced and good units of the finished products (plant file kind 'finished') in a
    period, from gold.kpi_product_daily."""
    return con.execute(
        """
        select sum(k.produced_qty), sum(k.good_qty)
        from gold.kpi_product_daily as k
        join gold.dim_product as p using (product_id)
        where p.product_kind = 'finished' and k.production_date between ? and ?
        """,
        [start, end],
    ).fetchone()


def _independent_kpis(home: Path, start: date, end: date) -> dict:
    """The plant KPIs of a period straight from gold.kpi_plant_daily (ratios of sums)."""
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        row = con.execute(
            """
            select sum(actual_production_time_s) / sum(planned_busy_time_s),
                   sum(ideal_production_time_s) / sum(actual_production_time_s),
                   sum(fully_productive_time_s) / sum(ideal_production_time_s),
                   sum(scrap_qty) / sum(produced_qty),
                   sum(down_time_s) / 3600, sum(energy_kwh)::double / sum(good_qty)
            from gold.kpi_plant_daily
            where production_date between ? and ?
            """,
            [start, end],
        ).fetchone()
        produced, good = finished_units(con, start, end)
    finally:
        con.close()
    a, p, q, scrap, down_h, energy = row
    return {
        "_oee": a * p * q,
        "OEE": kpi.fmt_pct(a * p * q),
        "Availability": kpi.fmt_pct(a),
        "Performance": kpi.fmt_pct(p),
        "Quality": kpi.fmt_pct(q),
        "Finished units": kpi.fmt_int(produced),
        "Finished good units": kpi.fmt_int(good),
        "Scrap rate": kpi.fmt_pct(scrap),
        "Downtime": kpi.fmt_num(down_h, 1, "h"),
        "Energy per good unit": kpi.fmt_num(energy, 3, "kWh"),
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(serving_home, monkeypatch, page):
    at = _app(serving_home, monkeypatch, page)
    _no_exception(at)
    assert at.title, "page has no title"
    assert not at.error, [e.value for e in at.error]


def test_kpi_cards_equal_an_independent_query(serving_home, monkeypatch):
    days = _dates(serving_home)
    assert len(days) >= 4
    start, end = days[-2], days[-1]
    at = _app(serving_home, monkeypatch, dates=(start, end))
    _no_exception(at)
    cards = {m.label: m for m in at.metric}
    expected = _independent_kpis(serving_home, start, end)
    assert {k: cards[k].value for k in expected if k[0] != "_"} == {
        k: v for k, v in expected.items() if k[0] != "_"
    }
    # the change against the previous period (the two days before), in percentage points
    prev = _independent_kpis(serving_home, days[-4], days[-3])
    assert cards["OEE"].delta == kpi.delta_pp(expected["_oee"], prev["_oee"])
    assert re.fullmatch(r"[+-]\d+\.\d pp", cards["OEE"].delta)


def test_kpi_cards_of_the_whole_range_have_no_previous_period(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, dates=(days[0], days[-1]))
    _no_exception(at)
    cards = {m.label: m for m in at.metric}
    assert cards["OEE"].value == _independent_kpis(serving_home, days[0], days[-1])["OEE"]
    assert not cards["OEE"].delta  # no previous data: no change shown, never a fake 0
    assert "No data for the previous period" in _texts(at)


def test_shift_and_machine_filters_use_ratios_of_sums(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, dates=(days[0], days[-1]), shifts=["NIGHT"],
              machines=["SMELTER-02"])  # fmt: skip
    _no_exception(at)
    con = duckdb.connect(str(serving_home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        a, p, q = con.execute(
            """
            select sum(actual_production_time_s) / sum(planned_busy_time_s),
                   sum(ideal_production_time_s) / sum(actual_production_time_s),
                   sum(fully_productive_time_s) / sum(ideal_production_time_s)
            from gold.kpi_machine_shift
            where machine_id = 'SMELTER-02' and shift_code = 'NIGHT'
            """
        ).fetchone()
    finally:
        con.close()
    cards = {m.label: m.value for m in at.metric}
    assert cards["OEE"] == kpi.fmt_pct(a * p * q)


def test_machine_page_makes_smelter_02_degradation_obvious(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, "views/machines.py", dates=(days[0], days[-1]))
    _no_exception(at)
    assert "SMELTER-02" in _texts(at)
    assert "SMELTER-02 is degrading" in _texts(at)


def test_every_page_on_an_empty_serving_copy_says_so(empty_serving_home, monkeypatch):
    at = _app(empty_serving_home, monkeypatch)
    _no_exception(at)
    assert "no production dates" in _texts(at)
    assert not at.metric  # no 0 % cards


def test_empty_range_and_missing_machine_give_messages(serving_home, monkeypatch):
    days = _dates(serving_home)
    for page in PAGES:
        # a machine that produces nothing that page could show, on one shift only
        at = _app(serving_home, monkeypatch, page, dates=(days[0], days[0]),
                  machines=["DISPENSER-01"], shifts=["NIGHT"])  # fmt: skip
        _no_exception(at)
    for page in ("views/process.py", "views/flow.py"):
        at = _app(serving_home, monkeypatch, page, machines=["SMELTER-01"])
        _no_exception(at)
    at = _app(serving_home, monkeypatch, "views/process.py", machines=["SMELTER-01"])
    assert "No process cycles" in _texts(at)


def test_no_serving_copy_is_a_clear_message(tmp_path, monkeypatch):
    at = _app(tmp_path, monkeypatch)
    _no_exception(at)
    assert "No published serving copy" in _texts(at)


def test_all_null_sensor_day_is_a_message_not_a_chart(null_sensor_home, monkeypatch):
    days = _dates(null_sensor_home)
    at = _app(null_sensor_home, monkeypatch, "views/machines.py", dates=(days[-1], days[-1]))
    _no_exception(at)
    assert "null" in _texts(at)
    assert "nothing to chart" in _texts(at)


def test_missing_audit_and_meta_degrade_gracefully(bare_serving_home, monkeypatch):
    at = _app(bare_serving_home, monkeypatch, "views/data_quality.py")
    _no_exception(at)
    text = _texts(at)
    assert "no publication record" in text
    assert "No validation results" in text


def test_validation_status_per_date(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, "views/data_quality.py", dates=(days[0], days[-1]))
    _no_exception(at)
    text = _texts(at)
    # the fixture's own records all pass; a real gate's records may say which dates failed
    assert f"All {len(days)} production dates passed" in text or "failed validation" in text


def _frame(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page that has all these columns."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def rerun_validation(src: Path, home: Path) -> list[date]:
    """A copy of `src` validated by two runs. The older run checked every date and failed the
    first; the newer one (whose run id sorts first) re-checked the first two dates, passing the
    first and failing the second."""
    (home / "warehouse").mkdir(parents=True)
    path = home / "warehouse" / "serving.duckdb"
    shutil.copy2(src / "warehouse" / "serving.duckdb", path)
    days = _dates(home)
    runs = [
        ("run-b-older", datetime(2026, 10, 27, 6, tzinfo=UTC), days, (days[0], "oee")),
        ("run-a-newer", datetime(2026, 10, 28, 6, tzinfo=UTC), days[:2], (days[1], "good_qty")),
    ]
    con = duckdb.connect(str(path))
    try:
        con.execute("drop table if exists audit.validation_results")
        con.execute("drop table if exists audit.validation_runs")
        audit.ensure_audit(con)
        for run_id, validated_at, run_days, failing in runs:
            for day in run_days:
                checks = [(m, (day, m) != failing) for m in ("oee", "produced_qty", "good_qty")]
                for metric, ok in checks:
                    con.execute(
                        "insert into audit.validation_results values "
                        "(?, ?, 'kpi_plant_daily', 'PLANT', ?, '1', ?, 0, ?)",
                        [run_id, day, metric, "1" if ok else "0.5", ok],
                    )
                passed = sum(ok for _, ok in checks)
                con.execute(
                    "insert into audit.validation_runs values (?, ?, ?, 'truth', 3, ?, ?, ?)",
                    [run_id, validated_at, day, passed, 3 - passed, passed == 3],
                )
    finally:
        con.close()
    return days


def test_only_the_latest_run_per_date_counts(serving_home, tmp_path, monkeypatch):
    days = rerun_validation(serving_home, tmp_path / "home")
    at = _app(tmp_path / "home", monkeypatch, "views/data_quality.py", dates=(days[0], days[-1]))
    _no_exception(at)
    assert [e.value for e in at.error] == ["1 production date(s) failed validation."]
    per_day = _frame(at, "production_date", "checks", "status")
    assert list(per_day.columns) == ["production_date", "checks", "passed", "failed", "status"]
    assert per_day.to_dict("list") == {
        "production_date": days,
        "checks": [3] * len(days),
        "passed": [3, 2] + [3] * (len(days) - 2),
        "failed": [0, 1] + [0] * (len(days) - 2),
        "status": ["passed", "FAILED"] + ["passed"] * (len(days) - 2),
    }
    # the older run's failure of the first date was overruled by the newer run
    failures = _frame(at, "run_id", "metric", "actual")
    assert failures[["run_id", "metric", "actual", "passed"]].values.tolist() == [
        ["run-a-newer", "good_qty", "0.5", "False"]
    ]
    assert failures["production_date"].iloc[0].startswith(str(days[1]))


def test_results_without_runs_all_count_and_bad_dates_are_undated(
    serving_home, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    days = rerun_validation(serving_home, home)
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"))
    try:
        con.execute("drop table audit.validation_runs")
        con.execute("alter table audit.validation_results alter production_date type varchar")
        con.execute(
            "insert into audit.validation_results values "
            "('run-c', 'not a date', 'kpi_plant_daily', 'PLANT', 'oee', '1', '0', 0, false)"
        )
    finally:
        con.close()
    at = _app(home, monkeypatch, "views/data_quality.py", dates=(days[0], days[-1]))
    _no_exception(at)
    text = _texts(at)
    assert "2 production date(s) failed validation." in text  # both runs' failures count
    assert "1 further results are not tied to a production date." in text
    assert _frame(at, "production_date", "checks", "status")["checks"].tolist()[:3] == [6, 6, 3]
    failures = _frame(at, "run_id", "metric", "actual")
    assert failures[["run_id", "metric"]].values.tolist() == [
        ["run-b-older", "oee"],
        ["run-a-newer", "good_qty"],
    ]  # in the table's order; the undated failure is outside every date window


def test_new_publication_is_picked_up_without_restart(serving_home, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    target = home / "warehouse" / "serving.duckdb"
    shutil.copy2(serving_home / "warehouse" / "serving.duckdb", target)
    days = _dates(home)
    at = _app(home, monkeypatch, dates=(days[0], days[-1]))
    before = {m.label: m.value for m in at.metric}["Downtime"]
    # publish: a new file renamed over the old one, while the app keeps running
    staged = home / "warehouse" / "serving.next.duckdb"
    shutil.copy2(target, staged)
    con = duckdb.connect(str(staged))
    con.execute("update gold.kpi_machine_shift set down_time_s = down_time_s + 3600")
    con.close()
    staged.replace(target)
    at.run()
    _no_exception(at)
    after = {m.label: m.value for m in at.metric}["Downtime"]
    assert after != before


def test_filters_cannot_inject_sql(serving_home, monkeypatch):
    f = data.Filters(
        start=date(2026, 10, 23),
        end=date(2026, 10, 26),
        machines=("x'); drop table gold.kpi_machine_shift; --",),
    )
    path = serving_home / "warehouse" / "serving.duckdb"
    assert data.query(path, data.SQL_PERIOD_KPIS, f.params()).empty  # the id matched no row
    assert not data.query(path, "select * from gold.kpi_machine_shift limit 1").empty


def test_publication_record_shows_the_dates_as_a_span():
    import numpy as np

    from dashboard.ui import publication_record

    days = np.array(["2026-10-21", "2026-10-19", "2026-10-20"], dtype="datetime64[us]")
    record = publication_record({
        "run_id": "r1", "production_dates": days, "tables": 12,
        "covered_from": pd.Timestamp("2026-10-19"),
        "published_at": pd.Timestamp("2026-10-22 06:30", tz="UTC"), "metrics_checked": 3820,
    })  # fmt: skip
    assert record == {
        "run_id": "r1",
        "production_dates": "2026-10-19 .. 2026-10-21 (3 dates)",
        "tables": "12",
        "covered_from": "2026-10-19",
        "published_at": "2026-10-22 06:30:00 UTC",
        "metrics_checked": "3,820",
    }
    assert publication_record({"production_dates": []})["production_dates"] == "none"


def test_refused_rows_are_listed_with_file_line_and_reason(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, "views/data_quality.py", dates=(days[0], days[-1]))
    _no_exception(at)
    con = duckdb.connect(str(serving_home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        (expected,) = con.execute(
            "select count(*) from gold.fct_row_rejects where production_date between ? and ?",
            [days[0], days[-1]],
        ).fetchone()
    finally:
        con.close()
    assert expected > 0  # the fixture's chaos (malformed lines) leaves refused rows
    assert f"{expected:,} row(s) refused" in _texts(at)
    rows = _frame(at, "source_file", "line", "reason")
    assert len(rows) == min(expected, 500)
    assert rows["source_file"].str.startswith("landing/").all()
    assert rows["reason"].str.len().gt(0).all()


def test_a_publication_without_the_kpi_function_asks_for_a_new_one(
    serving_home, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    path = home / "warehouse" / "serving.duckdb"
    shutil.copy2(serving_home / "warehouse" / "serving.duckdb", path)
    con = duckdb.connect(str(path))
    con.execute("drop macro table gold.kpi_selection")  # as published before the function existed
    con.close()
    at = _app(home, monkeypatch)
    _no_exception(at)
    assert "Run the pipeline to publish again" in _texts(at)
    assert not at.metric


def test_replay_button_offers_play_again_after_the_last_day(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, dates=(days[0], days[-1]), replay_on=True,
              replay_playing=True, replay_pos=len(days))  # fmt: skip
    _no_exception(at)
    assert "Play" in at.button(key="replay_toggle").label  # not "Pause": nothing is playing
    assert at.session_state["replay_playing"] is False
    at = _app(serving_home, monkeypatch, dates=(days[0], days[-1]), replay_on=True,
              replay_playing=True, replay_pos=1)  # fmt: skip
    assert "Pause" in at.button(key="replay_toggle").label  # mid-replay it still pauses


def _table(at: AppTest, *columns: str):
    """The first table element on the page that has all these columns."""
    return next(d for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_tables_show_dates_labels_and_percentages_in_the_house_format(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, dates=(days[0], days[-1]))
    _no_exception(at)
    element = _table(at, "production_date", "oee", "finished_produced_qty")
    shown = element.value
    assert shown["production_date"].tolist() == days  # dates, never "… 00:00:00"
    config = json.loads(element.proto.columns)
    assert config["production_date"]["label"] == "Production date"
    assert config["oee"]["label"] == "OEE"
    assert config["oee"]["type_config"]["format"] == "%.1f%%"
    assert config["finished_produced_qty"]["type_config"]["format"] == "%,.0f"
    # the table's OEE is the card's: one percent format, the same number
    assert {m.label: m.value for m in at.metric}["OEE"] == kpi.fmt_pct(
        _independent_kpis(serving_home, days[0], days[-1])["_oee"]
    )
    assert shown["oee"].iloc[0] == pytest.approx(100 * _plant_oee(serving_home, days[0]))
    # the cards' trend lines are charts on a fixed range (charts.sparkline), never st.metric's
    # own sparkline, which scales to its data
    assert not any(m.proto.chart_data for m in at.metric)
    sparks = [c for c in at.get("plotly_chart") if c.proto.id and "spark" in c.proto.id]
    assert sparks, "no trend line on the cards"


def _plant_oee(home: Path, day: date) -> float:
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        return con.execute(
            "select oee from gold.kpi_plant_daily where production_date = ?", [day]
        ).fetchone()[0]
    finally:
        con.close()


def test_product_scrap_rate_is_gold_product_daily_ratio(serving_home, monkeypatch):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, "views/flow.py", dates=(days[0], days[-1]))
    _no_exception(at)
    shown = _table(at, "product_id", "scrap_rate").value.set_index("product_id")
    con = duckdb.connect(str(serving_home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        per_product = dict(con.execute(
            "select product_id, sum(scrap_qty) / sum(produced_qty) from gold.kpi_product_daily "
            "where production_date between ? and ? group by product_id",
            [days[0], days[-1]],
        ).fetchall())  # fmt: skip
    finally:
        con.close()
    assert set(shown.index) == set(per_product)
    for product, ratio in per_product.items():
        assert shown.loc[product, "scrap_rate"] == pytest.approx(100 * ratio)
