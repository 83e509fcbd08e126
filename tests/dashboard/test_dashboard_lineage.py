"""The reconciliation & lineage page (issue 21 §3-§4) under AppTest: the sources compared per
machine-shift, and a picked machine-day's batches, states and checks with file and line."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dashboard.test_dashboard_app import _app, _dates, _frame, _no_exception

PAGE = "views/lineage.py"


def _serving(home: Path, sql: str, params: list) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_a_picked_machine_day_shows_its_facts_with_file_and_line(serving_home, monkeypatch):
    days = _dates(serving_home)
    day, machine = days[1], "SMELTER-02"
    at = _app(serving_home, monkeypatch, PAGE, dates=(days[0], days[-1]),
              lineage_day=day, lineage_machine=machine)  # fmt: skip
    _no_exception(at)
    where = "where production_date = ? and machine_id = ?"
    for fact, key, order in (
        ("fct_production_batch", "batch_id", "started_at, batch_id"),
        ("fct_machine_state", "state", "started_at, machine_state_id"),
        ("fct_quality_check", "check_id", "checked_at, check_id"),
    ):
        expected = _serving(
            serving_home,
            f"select {key}, source_file, source_row_number from gold.{fact} {where} "
            f"order by {order}",
            [day, machine],
        )
        shown = _frame(at, key, "source_file", "source_row_number")
        assert expected, fact
        assert list(shown[[key, "source_file", "source_row_number"]].itertuples(index=False,
                    name=None)) == expected  # fmt: skip


def test_reconciliation_lists_every_machine_shift_and_counts_those_beyond(
    serving_home, monkeypatch
):
    days = _dates(serving_home)
    at = _app(serving_home, monkeypatch, PAGE, dates=(days[0], days[-1]))
    _no_exception(at)
    ((compared, beyond),) = _serving(
        serving_home,
        "select count(*), count(*) filter (where is_beyond_tolerance) "
        "from gold.kpi_reconciliation_daily where production_date between ? and ?",
        [days[0], days[-1]],
    )
    shown = _frame(at, "batch_units", "counter_units", "qc_units", "counter_difference_cause")
    assert compared > 0 and len(shown) == compared
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Machine-shifts compared"] == f"{compared:,}"
    assert metrics["Beyond tolerance"] == f"{beyond:,}"
