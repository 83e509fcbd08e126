"""The as-delivered rule of provisional dates (ground_truth/as_delivered.py), on hand-made truth.

Why without a pipeline: the rule is a function of truth.json `late_deliveries`, the newest loaded
delivery and dbt's lineage; the pipeline test (tests/pipeline/test_day_by_day.py) proves it on
generated data.
"""

from __future__ import annotations

from datetime import date

from ground_truth.as_delivered import delivered_truth, held_items, is_held, upstream_sources
from ground_truth.compare import compare_mart
from ground_truth.marts import MARTS

DAY = date(2026, 10, 21)


def _late(source: str, delivery: str, machine: str | None, whole_file: bool) -> dict:
    return {
        "source": source,
        "delivery_date": delivery,
        "machine_id": machine,
        "whole_file": whole_file,
    }


def test_only_what_is_still_undelivered_is_held() -> None:
    truth = {
        "late_deliveries": [
            _late("qc_checks", "2026-10-22", "SMELTER-01", False),  # delivered by the 22nd
            _late("production_batches", "2026-10-23", "SMELTER-02", False),
        ]
    }
    before = {"late_deliveries": [_late("qc_checks", "2026-10-23", "ASSEMBLER-01", False)]}
    after = {"late_deliveries": [_late("machine_logs", "2026-10-23", "DISPENSER-01", True)]}
    held = held_items(truth, [before, after], newest=date(2026, 10, 22))
    # a late row of the day before is that day's; a late whole file of the day after counts
    assert held == {("production_batches", "SMELTER-02"), ("machine_logs", "DISPENSER-01")}
    assert held_items(truth, [before, after], newest=date(2026, 10, 23)) == set()


def test_a_held_item_holds_its_machine_and_the_rows_of_no_single_machine() -> None:
    held = {("production_batches", "SMELTER-02")}
    assert is_held("kpi_machine_daily", {"machine_id": "SMELTER-02"}, held)
    assert not is_held("kpi_machine_daily", {"machine_id": "SMELTER-01"}, held)
    assert is_held("kpi_plant_daily", {"plant_id": "P1"}, held)
    every_machine = {("production_batches", None)}
    assert is_held("kpi_machine_daily", {"machine_id": "SMELTER-01"}, every_machine)
    assert not is_held("kpi_machine_daily", {"machine_id": "SMELTER-01"}, set())


def test_a_late_source_holds_only_the_marts_downstream_of_it() -> None:
    """dbt's graph says which marts a source feeds: late operator logs hold operator rows, not
    machine rows (without a parsed manifest every mart is held: the safe side)."""
    lineage = upstream_sources()
    held = {("operator_logs", None)}
    row = {"machine_id": "SMELTER-01"}
    assert is_held("kpi_operator_daily", row, held)
    if lineage:  # parsed by any earlier dbt run of this checkout
        assert "operator_logs" not in lineage["kpi_machine_daily"]
        assert not is_held("kpi_machine_daily", row, held)


def test_held_rows_are_neither_compared_nor_missing() -> None:
    """A held row that gold lacks (its rows are not delivered) is no failure; the rest is
    compared exactly."""
    mart = next(m for m in MARTS if m.table == "kpi_machine_daily")
    truth = {
        "machine_daily": [
            {"production_date": "2026-10-21", "machine_id": "SMELTER-01", "produced_qty": 10},
            {"production_date": "2026-10-21", "machine_id": "SMELTER-02", "produced_qty": 7},
        ]
    }
    gold = {"machine_id=SMELTER-01": {"machine_id": "SMELTER-01", "produced_qty": 10}}
    held = {("production_batches", "SMELTER-02")}
    results = compare_mart(mart, truth, DAY, gold, held)
    assert [(r.key, r.passed) for r in results] == [("machine_id=SMELTER-01", True)]
    assert not all(r.passed for r in compare_mart(mart, truth, DAY, gold))  # not held: missing


def test_recall_counts_only_items_in_delivered_files() -> None:
    items = [
        {"name": "timezone_mix", "file": "landing/2026-10-21/qc_checks/a.csv"},
        {"name": "late_arrivals", "file": "landing/2026-10-23/qc_checks/b.csv"},
        {"name": "degradation", "file": None},
    ]
    kept = delivered_truth({"chaos": items}, newest=date(2026, 10, 22))["chaos"]
    assert [i["name"] for i in kept] == ["timezone_mix", "degradation"]
