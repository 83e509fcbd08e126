"""GX suites as Dagster checks: a critical failure blocks downstream assets, a warning does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, AssetSelection, Definitions, asset, define_asset_job

from orchestration.defs.validation.checks import TRUTH_CHECK, silver_expectations
from orchestration.defs.validation.suites import SUITES
from orchestration.resources import WarehouseResource

SILVER = [AssetKey(["silver", s.table]) for s in SUITES if s.layer == "silver"]


def _stub(key: AssetKey):
    @asset(key=key)
    def _silver() -> None:
        """Stands in for the dbt model: the check reads the real table in the warehouse."""

    return _silver


@asset(key=AssetKey(["gold", "downstream"]), deps=SILVER)
def downstream() -> None:
    """What a blocking silver check protects."""


def _home_with_changed_model(pipeline_home: Path, tmp_path: Path, model: str, select: str) -> Path:
    """A copy of the warehouse whose silver `model` is a table of `select` over its rows."""
    home = tmp_path / "home"
    shutil.copytree(pipeline_home / "warehouse", home / "warehouse")
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"))
    try:
        con.execute(f"create table silver.changed as {select} from silver.{model}")
        con.execute(f"drop view silver.{model}")
        con.execute(f"alter table silver.changed rename to {model}")
    finally:
        con.close()
    return home


# The suites keep what dbt's row tests do not say (suites.py docstring): a column type and a share
# of missing values.
CASES = {
    "critical": (
        "stg_mes__qc_checks",
        "select * replace (cast(sample_size as double) as sample_size)",
        "sample_size",
    ),
    "warning": (
        "stg_sensors__sensor_readings",
        "select * replace (cast(null as double) as temperature_c)",
        "temperature_c",
    ),
}


@pytest.mark.parametrize("severity", sorted(CASES))
def test_expectation_severity(pipeline_home: Path, tmp_path: Path, severity: str):
    model, select, column = CASES[severity]
    blocks = severity == "critical"
    home = _home_with_changed_model(pipeline_home, tmp_path, model, select)
    defs = Definitions(
        assets=[*(_stub(k) for k in SILVER), downstream],
        asset_checks=[silver_expectations],
        jobs=[define_asset_job("j", selection=AssetSelection.all())],
        resources={"warehouse": WarehouseResource(home=str(home))},
    )
    result = defs.resolve_job_def("j").execute_in_process(raise_on_error=False)
    (judged,) = [c for c in result.get_asset_check_evaluations() if c.asset_key.path[-1] == model]
    assert not judged.passed
    assert judged.severity.value == ("ERROR" if blocks else "WARN")
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert (AssetKey(["gold", "downstream"]) in materialized) is not blocks
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:
        failed = con.execute(
            "select column_name, severity from audit.expectation_results where not success"
        ).fetchall()
    finally:
        con.close()
    assert failed == [(column, severity)]


def test_a_row_rule_dbt_owns_still_blocks_publication(pipeline_home: Path, tmp_path: Path):
    """Row rules moved from the GX suites to dbt tests (more defective units than units made,
    here) still stop the run before publish: the dbt test fails the build step."""
    from cli.run import run_transform

    home = tmp_path / "home"
    shutil.copytree(pipeline_home, home)
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"))
    try:
        first, last = con.execute(
            "select min(production_date), max(production_date) from gold.kpi_machine_daily"
        ).fetchone()
        con.execute(
            "update bronze.production_batches "
            "set units_defective = cast(cast(units_produced as integer) + 1 as varchar) "
            "where batch_id = (select min(batch_id) from bronze.production_batches)"
        )
        published_before = con.execute("select count(*) from audit.publications").fetchone()
    finally:
        con.close()
    outcome = run_transform(home, first, last, echo=lambda _: None, force=True)
    assert not outcome.success
    rule = "expression_is_true_stg_mes__production_batches_units_defective_units_produced"
    assert any(rule in failure for failure in outcome.failures), outcome.failures
    assert not any(TRUTH_CHECK in failure for failure in outcome.failures)  # stopped before it
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from audit.publications").fetchone() == published_before
        failing = con.execute(
            "select count(*) from silver.stg_mes__production_batches "
            "where units_defective > units_produced"
        ).fetchone()
    finally:
        con.close()
    assert failing == (1,)  # the bad row reached silver: the dbt test, not a loader, refused it
