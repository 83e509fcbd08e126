"""Days the simulator never writes, fed through the real landing path: production logged on a
weekend the shift model leaves off is reported in its own columns and as a finding, never counted
as planned time, and it blocks nothing (the weekdays still match truth and the run publishes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from generators.run import generate
from plants.home import resolve_plant_path

pytestmark = pytest.mark.xdist_group("weekend_pipeline")  # its pipeline fixture runs once

SATURDAY = "2026-11-21"
SATURDAY_LOG = f"""\
{SATURDAY}T08:00:00-06:00 [INFO] PR1: Shift DAY started, state RUNNING
{SATURDAY}T08:00:00-06:00 [INFO] PR1: Production running, product TINE
{SATURDAY}T10:00:00-06:00 [INFO] PR1: Idle - no orders
"""
SATURDAY_BATCH = (
    "batch_id,machine_id,product,operator_id,start_time,end_time,units_produced,"
    "units_defective,energy_kwh\n"
    f"B261121-PR1-0001,Press 1,TINE,OP-001,{SATURDAY}T08:00:00-06:00,"
    f"{SATURDAY}T10:00:00-06:00,300,0,100.0\n"
)


@pytest.fixture(scope="session")  # built once per worker, however tests interleave
def weekend_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The second plant Monday to Friday (simulated, with truth), plus a Saturday delivery of a
    machine log and a batch written by hand (a real plant's weekend overtime: no truth)."""
    from cli.run import run_partitions, run_transform

    home = tmp_path_factory.mktemp("weekend")
    generate(home, date(2026, 11, 16), 5, seed=3, chaos_level="none",
             plant_path=resolve_plant_path("prairie"))  # fmt: skip
    landing = home / "landing" / SATURDAY
    (landing / "machine_logs").mkdir(parents=True)
    (landing / "machine_logs" / f"PR1__{SATURDAY}.log").write_text(SATURDAY_LOG, encoding="utf-8")
    (landing / "production_batches").mkdir()
    (landing / "production_batches" / f"production_batches__{SATURDAY}.csv").write_text(
        SATURDAY_BATCH, encoding="utf-8"
    )
    days = sorted(date.fromisoformat(p.name) for p in (home / "landing").iterdir())
    assert all(o.success for o in run_partitions(home, days, echo=lambda _: None))
    outcome = run_transform(home, days[0], days[-1], echo=lambda _: None)
    assert outcome.success, outcome.failures
    return home


def _serving(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)


@pytest.mark.slow
def test_weekend_production_is_reported_not_planned(weekend_home: Path) -> None:
    con = _serving(weekend_home)
    try:
        row = con.execute(
            "select shift_time_s, planned_busy_time_s, actual_production_time_s, produced_qty, "
            "availability, unscheduled_running_s, unscheduled_state_s, unscheduled_produced_qty "
            "from gold.kpi_machine_daily where machine_id = 'PRESS-01' and production_date = ?",
            [SATURDAY],
        ).fetchone()
        finding = con.execute(
            "select items_found from gold.data_quality_daily "
            "where chaos_type = 'production_outside_schedule' and production_date = ?",
            [SATURDAY],
        ).fetchone()
        batch = con.execute(
            "select shift_key, is_scheduled from gold.fct_production_batch "
            "where batch_id = 'B261121-PR1-0001'"
        ).fetchone()
        saturday_shifts = con.execute(
            "select count(*) from gold.dim_shift where production_date = ?", [SATURDAY]
        ).fetchone()[0]
    finally:
        con.close()
    # 08:00-10:00 running, then idle until the production date ends (Sunday 06:00): 22 h logged
    assert row == (0, 0, 0, 0, None, 7200, 79200, 300)
    assert finding == (1,)
    assert batch == (None, False)  # a weekend batch has no shift instance
    assert saturday_shifts == 0  # weekends off in the plant file


@pytest.mark.slow
def test_weekdays_still_match_truth_and_the_run_publishes(weekend_home: Path) -> None:
    con = _serving(weekend_home)
    try:
        status, checked, failed = con.execute(
            "select validation_status, metrics_checked, metrics_failed from meta.publication"
        ).fetchone()
        friday = con.execute(
            "select sum(unscheduled_running_s) from gold.kpi_machine_daily "
            "where production_date = '2026-11-20'"
        ).fetchone()[0]
    finally:
        con.close()
    assert status == "passed" and checked > 0 and failed == 0
    assert friday == 0
