"""Provisional dates (ground_truth/as_delivered.py): compared against their truth as delivered.

The rule on hand-made truth first (a function of truth.json `as_delivered` and
`late_deliveries`, the newest loaded delivery and dbt's lineage), then on a small pipeline home
whose late batch and QC rows are still due: its provisional dates are compared, pass, and fail
on a wrong gold value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generators.run import generate
from ground_truth.as_delivered import (
    delivered_truth,
    held_items,
    is_held,
    truth_as_delivered,
    upstream_sources,
)
from ground_truth.compare import MetricResult, compare_mart
from ground_truth.gate import run_gate
from ground_truth.marts import MARTS
from ground_truth.outcome import HAS_TRUTH, GateOutcome
from ground_truth.truth import load_truth
from ingestion.warehouse import connect
from tests.homes import build_pipeline, copy_built, truth_dates

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
    """dbt's graph (the manifest the dbt assets are defined from) says which marts a source
    feeds: late operator logs hold operator rows, not machine rows."""
    lineage = upstream_sources()
    held = {("operator_logs", None)}
    row = {"machine_id": "SMELTER-01"}
    assert is_held("kpi_operator_daily", row, held)
    assert "operator_logs" in lineage["kpi_operator_daily"]
    assert "operator_logs" not in lineage["kpi_machine_daily"]
    assert not is_held("kpi_machine_daily", row, held)


def test_rows_the_truth_as_delivered_restates_are_not_held() -> None:
    """Late batch and QC rows are in the truth as delivered (`restated`): nothing to hold, not
    even for a whole late file, of the date itself or of a neighbour."""
    own = _late("production_batches", "2026-10-23", None, True) | {"restated": True}
    after = {"late_deliveries": [_late("qc_checks", "2026-10-23", None, True) | {"restated": True}]}
    assert held_items({"late_deliveries": [own]}, [after], newest=date(2026, 10, 22)) == set()


def test_the_truth_as_delivered_is_the_entry_of_the_newest_delivery() -> None:
    """Each entry holds from its delivery date until the next; the last (everything delivered)
    and a date without late batch or QC rows are the whole truth."""
    whole = {"machine_daily": ["whole"], "quality_daily": ["whole"]}
    truth = whole | {
        "as_delivered": {
            "2026-10-21": {"machine_daily": ["by 21"], "quality_daily": ["by 21"]},
            "2026-10-23": {"machine_daily": ["by 23"]},
            "2026-10-24": {},
        }
    }
    by = {d: truth_as_delivered(truth, date(2026, 10, d)) for d in (21, 22, 23, 24, 30)}
    assert [by[d]["machine_daily"] for d in by] == [
        ["by 21"],
        ["by 21"],
        ["by 23"],
        *[["whole"]] * 2,
    ]
    assert by[23]["quality_daily"] == ["whole"]
    assert truth_as_delivered(whole, DAY) == whole
    assert delivered_truth(truth, date(2026, 10, 22))["machine_daily"] == ["by 21"]


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


# -- on a pipeline home ----------------------------------------------------------------------------
LATE_ONLY = {"late_arrivals": 0.3}  # chaos none otherwise


@pytest.fixture(scope="module")
def morning(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two days with late rows only, generated with --append (rows late past the second day are
    still due, as on any morning), through the pipeline; its truth gate must pass."""
    home = tmp_path_factory.mktemp("morning")
    generate(home, DAY, 2, seed=3, chaos_level="none", overrides=LATE_ONLY, mode="append")
    build_pipeline(home)
    return home


def _gate(home: Path, run_id: str) -> GateOutcome:
    con = connect(home)
    try:
        return run_gate(con, home, truth_dates(home), run_id)
    finally:
        con.close()


@pytest.fixture(scope="module")
def morning_outcome(morning: Path) -> GateOutcome:
    return _gate(morning, "as-delivered")


def _failures(outcome: GateOutcome) -> list[MetricResult]:
    return [f for verdict in outcome.dates for f in verdict.failures]


def _restated(home: Path, outcome: GateOutcome) -> list[tuple[MetricResult, object]]:
    """Compared machine metrics whose truth as delivered differs from the whole truth: each
    result with the whole truth's value."""
    found = []
    for verdict in outcome.dates:
        truth = load_truth(home, verdict.production_date)
        assert truth is not None
        whole = {f"machine_id={r['machine_id']}": r for r in truth["machine_daily"]}
        for r in verdict.results:
            machine = r.mart == "kpi_machine_daily" and r.metric in whole[r.key]
            if machine and r.expected != str(whole[r.key][r.metric]):
                found.append((r, whole[r.key][r.metric]))
    return found


@pytest.mark.xdist_group("morning")  # one worker builds the home, once
def test_provisional_dates_with_batches_still_due_are_compared_and_pass(
    morning: Path, morning_outcome: GateOutcome
) -> None:
    """Every date is provisional and compared (no date has all its metrics held), and on each
    gold matches metrics whose truth as delivered is not the whole truth (rows still due)."""
    outcome = morning_outcome
    assert outcome.passed, _failures(outcome)[:5]
    assert [v.provisional and v.truth_status == HAS_TRUTH for v in outcome.dates] == [True] * 2
    restated = _restated(morning, outcome)
    assert {r.production_date for r, _ in restated} == set(truth_dates(morning))
    assert {r.metric for r, _ in restated} >= {"produced_qty", "batch_count"}
    assert all(r.passed and r.actual == r.expected for r, _ in restated)


@pytest.mark.xdist_group("morning")
def test_a_wrong_gold_value_on_a_provisional_date_fails_the_gate(
    morning: Path, morning_outcome: GateOutcome, tmp_path: Path
) -> None:
    """One compared metric of a provisional date, restated as delivered, set one unit off in
    gold: the gate fails on exactly that metric."""
    result = next(r for r, _ in _restated(morning, morning_outcome) if r.metric == "produced_qty")
    home = copy_built(morning, tmp_path / "home")
    machine = result.key.removeprefix("machine_id=")
    con = connect(home)
    try:
        con.execute(
            "update gold.kpi_machine_daily set produced_qty = produced_qty + 1 "
            "where production_date = ? and machine_id = ?",
            [result.production_date, machine],
        )
    finally:
        con.close()
    outcome = _gate(home, "wrong-value")
    failed = [
        (f.production_date, f.mart, f.key, f.metric) for v in outcome.dates for f in v.failures
    ]
    assert failed == [(result.production_date, "kpi_machine_daily", result.key, "produced_qty")]
