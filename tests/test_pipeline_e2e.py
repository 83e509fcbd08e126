"""End to end: generate → bronze → silver → gold through the same Dagster code as the CLI, then
gold's headline KPIs against the generator's truth (the full gate is the validation issue)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

DAYS = 4  # the pipeline_home fixture (conftest) builds four days from 2026-10-23
EXACT = [
    "produced_qty",
    "good_qty",
    "scrap_qty",
    "rework_qty",
    "actual_production_time_s",
    "down_time_s",
    "setup_time_s",
    "planned_busy_time_s",
    "failure_count",
    "batch_count",
]
RATIOS = ["availability", "performance", "quality", "oee"]


def _gold(home: Path, sql: str, params: list) -> list[dict]:
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def _truth(home: Path, day: str) -> dict:
    return json.loads((home / "ground_truth" / day / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("machine_id", ["SMELTER-02", "DISPENSER-01"])
def test_gold_machine_day_matches_truth(pipeline_home, machine_id):
    day = "2026-10-24"  # the 25-hour production date of the DST change
    (row,) = _gold(
        pipeline_home,
        "select * from gold.kpi_machine_daily where production_date = ? and machine_id = ?",
        [day, machine_id],
    )
    (expected,) = [
        m for m in _truth(pipeline_home, day)["machine_daily"] if m["machine_id"] == machine_id
    ]
    for metric in EXACT:
        assert row[metric] == expected[metric], metric
    for metric in RATIOS:
        assert row[metric] == pytest.approx(expected[metric], abs=1e-6), metric


def test_smelter_02_degradation_is_visible_in_gold(pipeline_home):
    rows = _gold(
        pipeline_home,
        "select production_date, performance from gold.kpi_machine_daily "
        "where machine_id = ? order by production_date",
        ["SMELTER-02"],
    )
    assert len(rows) >= DAYS - 1
    assert rows[-1]["performance"] < rows[0]["performance"]
