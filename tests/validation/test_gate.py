"""The truth gate on built homes: gold equals truth, chaos recall, blocking, atomic publish."""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from ground_truth.gate import run_gate
from ground_truth.outcome import AWAITING, HAS_TRUTH
from ground_truth.recall import chaos_recall
from ground_truth.truth import load_truth
from ingestion.warehouse import connect
from orchestration.defs.serving.publish import connect_serving, publish, serving_path
from orchestration.defs.validation.suites import SUITES
from plants.dbt_vars import lateness_bound_days
from plants.home import Home

# Chaos types whose recall may fall short of 100 % because of a known, reported gold defect.
# None at present (clock skew and misread+double-scan counting were fixed in data_quality_daily).
KNOWN_GOLD_RECALL_GAPS: set[str] = set()


def _warehouse(home: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    return connect(home, read_only=read_only)


def _dates(home: Path) -> list[date]:
    return sorted(date.fromisoformat(p.name) for p in Home(home).ground_truth.iterdir())


def _copy(home: Path, dst: Path) -> Path:
    shutil.copytree(home, dst, ignore=shutil.ignore_patterns("dagster"))
    return dst


def assert_gate_passes(home: Path) -> None:
    """Every truth metric within tolerance; 100 % recall for every countable type."""
    con = _warehouse(home)
    try:
        days = _dates(home)
        truths = {d: load_truth(home, d) for d in days}
        from ground_truth.compare import compare_date

        results = [r for d in days for r in compare_date(con, truths[d], d)]
        recall = chaos_recall(con, truths, home)
    finally:
        con.close()
    failed = [r for r in results if not r.passed]
    # a date with production compares hundreds of metrics; a weekend or holiday has none
    working = [d for d in days if truths[d]["machine_daily"]]
    assert working and len(results) > 500 * len(working)
    assert not failed, "\n".join(map(str, failed[:20]))
    countable = [r for r in recall if r.countable and r.injected > 0]
    assert {r.chaos_type for r in countable} >= {
        "timezone_mix",
        "machine_variants",
        "malformed_lines",
        "duplicate_batches",
    }
    missed = [r for r in countable if r.recall < 1 and r.chaos_type not in KNOWN_GOLD_RECALL_GAPS]
    assert not missed, missed


def test_pipeline_run_validated_and_published(pipeline_home: Path) -> None:
    """`shopfloor run`'s transform job ran the gate and published a passed serving copy."""
    con = connect_serving(pipeline_home)
    try:
        status, dates = con.execute(
            "select validation_status, production_dates from meta.publication "
            "order by published_at desc limit 1"
        ).fetchone()
        checked, failed = con.execute(
            "select count(*), count(*) filter (not passed) from audit.validation_results"
        ).fetchone()
        gx = con.execute(
            "select count(*), count(distinct suite) from audit.expectation_results"
        ).fetchone()
        kpis = con.execute("select count(*) from gold.kpi_machine_daily").fetchone()[0]
    finally:
        con.close()
    assert status == "passed"
    assert sorted(dates) == _dates(pipeline_home)
    assert checked > 2000 and failed == 0
    assert gx[1] == len(SUITES)
    assert kpis == 4 * len(_dates(pipeline_home))
    assert Home(pipeline_home).latest_validation_report.read_text().count("PASSED") == 1


def test_gate_passes_seed_21(pipeline_home: Path) -> None:
    assert_gate_passes(pipeline_home)


GATE_SEEDS = [5, 11, 17]
# Each plant over the days that exercise it (first day, number of days): the default plant
# across the 25 Oct DST change; the second plant (America/Chicago, 2 x 12 h, weekends off) across
# a weekend, Thanksgiving, a machine commissioned on day 3 and one retired on day 9, with extra
# planned stops and breaks worked through.
GATE_PLANTS = {"default": (date(2026, 10, 21), 7), "prairie": (date(2026, 11, 16), 12)}


@pytest.fixture(
    scope="session",
    params=[(plant, seed) for plant in GATE_PLANTS for seed in GATE_SEEDS],
    ids=lambda p: f"{p[0]}-seed{p[1]}",
)
def gate_home(request, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plant's days at default chaos for one seed, through bronze, silver and gold.

    Silver and gold are built the way a plant runs: every day but the last in one run, then the
    last day in its own run for its partition window (incremental models, lookback and all).
    """
    from generators.run import generate
    from plants.home import resolve_plant_path
    from tests.homes import build_pipeline

    plant, seed = request.param
    start, days = GATE_PLANTS[plant]
    home = tmp_path_factory.mktemp(f"{plant}-seed{seed}")
    generate(home, start, days, seed=seed, chaos_level="default",
             plant_path=resolve_plant_path(plant))  # fmt: skip
    build_pipeline(home, bulk_days=days - 1)
    return home


@pytest.mark.slow
def test_gate_passes_for_both_plants_and_three_seeds(gate_home: Path) -> None:
    """Every truth metric and 100 % recall per countable chaos type, for both plant files."""
    assert_gate_passes(gate_home)


def test_no_truth_is_stated_not_silently_passed(pipeline_home: Path, tmp_path: Path) -> None:
    home = _copy(pipeline_home, tmp_path / "home")
    shutil.rmtree(home / "ground_truth")
    con = _warehouse(home, read_only=False)
    try:
        outcome = run_gate(con, home, _dates(pipeline_home), "no-truth-run")
    finally:
        con.close()
    assert outcome.checked == 0
    assert outcome.status == "passed (no truth: expectations only)"
    assert "no truth file: expectation suites only" in outcome.report.read_text()


def test_dates_awaiting_a_landed_delivery_are_not_compared_yet(
    pipeline_home: Path, tmp_path: Path
) -> None:
    """Truth describes a complete date: while a landed folder that can still hold its late rows
    (up to lookback_days later) is not loaded, the date is reported as awaiting, neither failed
    nor passed; older dates are compared as usual."""
    home = _copy(pipeline_home, tmp_path / "home")
    days = _dates(home)
    Home(home).delivery(days[0] + timedelta(days=lateness_bound_days() + 1)).mkdir()
    con = _warehouse(home, read_only=False)
    try:
        outcome = run_gate(con, home, days, "awaiting-run")
    finally:
        con.close()
    assert [v.truth_status for v in outcome.dates] == [HAS_TRUTH] + [AWAITING] * (len(days) - 1)
    assert outcome.dates[0].results and outcome.passed
    awaiting = len(days) - 1
    assert outcome.status == f"passed ({awaiting} date(s) awaiting deliveries, not compared yet)"
    assert "not compared yet" in outcome.report.read_text()


def _gate_job_run(home: Path):
    """Run only the truth checks and publish (not dbt) for the home's dates, in-process."""
    from dagster import AssetKey, AssetSelection, DagsterInstance, Definitions, define_asset_job

    from orchestration.definitions import defs
    from orchestration.defs.validation.checks import truth_gate
    from orchestration.partitions import range_run_tags
    from plants.home import HOME_ENV

    os.environ[HOME_ENV] = str(home)
    job = define_asset_job(
        "gate_only",
        selection=AssetSelection.assets(AssetKey(["serving", "publish"]))
        | AssetSelection.checks(truth_gate),
    )
    merged = Definitions.merge(defs, Definitions(jobs=[job]))
    days = _dates(home)
    return merged.resolve_job_def("gate_only").execute_in_process(
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
        tags=range_run_tags(days[0], days[-1]),
    )


def test_altered_gold_fails_gate_and_keeps_old_serving_copy(
    pipeline_home: Path, tmp_path: Path
) -> None:
    home = _copy(pipeline_home, tmp_path / "home")
    before = serving_path(home).read_bytes()
    con = _warehouse(home, read_only=False)
    con.execute(
        "update gold.kpi_machine_daily set produced_qty = produced_qty + 1 "
        "where machine_id = ? and production_date = ?",
        ["SMELTER-01", _dates(home)[1]],
    )
    con.close()
    result = _gate_job_run(home)
    assert not result.success
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert any(c.asset_key.path == ["gold", "kpi_machine_daily"] for c in failed)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "serving/publish" not in materialized
    assert serving_path(home).read_bytes() == before
    reader = connect_serving(home)
    try:
        assert reader.execute("select count(*) from gold.kpi_machine_daily").fetchone()[0] > 0
    finally:
        reader.close()
    con = _warehouse(home)
    try:
        (row,) = con.execute(
            "select expected, actual from audit.validation_results "
            "where not passed and metric = 'produced_qty' and mart = 'kpi_machine_daily'"
        ).fetchall()
    finally:
        con.close()
    assert int(row[1]) == int(row[0]) + 1


def test_reader_keeps_working_during_publish_and_sees_new_data_on_reconnect(
    pipeline_home: Path, tmp_path: Path
) -> None:
    home = _copy(pipeline_home, tmp_path / "home")
    reader = connect_serving(home)
    try:
        old_runs = reader.execute("select count(*) from meta.publication").fetchone()[0]
        writer = _warehouse(home, read_only=False)
        try:
            publish(writer, home, "second-run", _dates(home), "passed", 1, 0)
        finally:
            writer.close()
        # the open reader still answers from its consistent (old) file
        assert reader.execute("select count(*) from meta.publication").fetchone()[0] == old_runs
        assert reader.execute("select count(*) from gold.kpi_plant_daily").fetchone()[0] > 0
    finally:
        reader.close()
    fresh = connect_serving(home)
    try:
        runs = fresh.execute("select run_id from meta.publication order by published_at").fetchall()
    finally:
        fresh.close()
    assert len(runs) == old_runs + 1 and runs[-1][0] == "second-run"
    assert not list(serving_path(home).parent.glob(".serving.duckdb.*"))  # no temp file left
