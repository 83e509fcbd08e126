"""Every gold KPI mart against every row and metric of its truth.json section, on pipeline_home.

The marts, their keys and the tolerances (data contract §9) are the gate's own
(ground_truth/marts.py, tolerances.py); the comparison is the gate's (compare_mart): every truth
row must be in gold within tolerance, and gold must have no row truth lacks. One test per mart,
so a failure names the mart.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ground_truth.compare import ROW, compare_mart, gold_rows_by_date
from ground_truth.marts import MARTS, Mart
from ground_truth.truth import load_truth
from ingestion.warehouse import connect
from plants.home import Home


def _truths(home: Path) -> dict[date, dict]:
    folders = Home(home).ground_truth.glob("*/truth.json")
    days = sorted(date.fromisoformat(path.parent.name) for path in folders)
    return {day: load_truth(home, day) for day in days}


@pytest.mark.parametrize("mart", MARTS, ids=lambda mart: mart.section)
def test_kpi_mart_equals_truth(pipeline_home: Path, mart: Mart):
    truths = _truths(pipeline_home)
    con = connect(pipeline_home, read_only=True)  # the gate's connection (UTC)
    try:
        gold = gold_rows_by_date(con, mart, sorted(truths))
    finally:
        con.close()
    results = [
        result
        for day, truth in truths.items()
        for result in compare_mart(mart, truth, day, gold.get(day, {}))
    ]
    problems = [
        f"{r.production_date} {r.key} {r.metric}: truth={r.expected} gold={r.actual}"
        for r in results
        if not r.passed
    ]
    assert any(r.metric != ROW for r in results), "no metric compared"
    assert not problems, "\n".join(problems[:40])
