"""Days the simulator never writes, fed through the real landing path: production logged on a
weekend the shift model leaves off is reported in its own columns and as a finding, never counted
as planned time, and it blocks nothing (the weekdays still match truth and the run publishes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.homes import query
from tests.pipeline.weekend import SATURDAY, SATURDAY_BATCH_ID


@pytest.mark.slow
def test_weekend_production_is_reported_not_planned(prairie_week: Path) -> None:
    [row] = query(
        prairie_week,
        "select shift_time_s, planned_busy_time_s, actual_production_time_s, produced_qty, "
        "availability, unscheduled_running_s, unscheduled_state_s, unscheduled_produced_qty "
        "from gold.kpi_machine_daily where machine_id = 'PRESS-01' and production_date = ?",
        [SATURDAY],
        serving=True,
    )
    finding = query(
        prairie_week,
        "select items_found from gold.data_quality_daily "
        "where chaos_type = 'production_outside_schedule' and production_date = ?",
        [SATURDAY],
        serving=True,
    )
    batch = query(
        prairie_week,
        "select shift_key, is_scheduled from gold.fct_production_batch where batch_id = ?",
        [SATURDAY_BATCH_ID],
        serving=True,
    )
    saturday_shifts = query(
        prairie_week,
        "select count(*) from gold.dim_shift where production_date = ?",
        [SATURDAY],
        serving=True,
    )
    # 08:00-10:00 running, then idle until the production date ends (Sunday 06:00): 22 h logged
    assert row == (0, 0, 0, 0, None, 7200, 79200, 300)
    assert finding == [(1,)]
    assert batch == [(None, False)]  # a weekend batch has no shift instance
    assert saturday_shifts == [(0,)]  # weekends off in the plant file


@pytest.mark.slow
def test_weekdays_still_match_truth_and_the_run_publishes(prairie_week: Path) -> None:
    [(status, checked, failed)] = query(
        prairie_week,
        "select validation_status, metrics_checked, metrics_failed from meta.publication",
        serving=True,
    )
    [(friday,)] = query(
        prairie_week,
        "select sum(unscheduled_running_s) from gold.kpi_machine_daily "
        "where production_date = '2026-11-20'",
        serving=True,
    )
    assert status == "passed" and checked > 0 and failed == 0
    assert friday == 0
