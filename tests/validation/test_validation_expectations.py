"""GX suites as Dagster checks: a critical failure blocks downstream assets, a warning does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, AssetSelection, Definitions, asset, define_asset_job

from orchestration.defs.validation.checks import silver_expectations
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


def _home_with_bad_qc(pipeline_home: Path, tmp_path: Path, column: str) -> Path:
    home = tmp_path / "home"
    shutil.copytree(pipeline_home / "warehouse", home / "warehouse")
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"))
    try:
        con.execute("create table silver.qc_copy as select * from silver.stg_mes__qc_checks")
        con.execute("drop view silver.stg_mes__qc_checks")
        con.execute("alter table silver.qc_copy rename to stg_mes__qc_checks")
        con.execute(
            f"update silver.stg_mes__qc_checks set {column} = 'BOGUS' "
            "where check_id = (select min(check_id) from silver.stg_mes__qc_checks)"
        )
    finally:
        con.close()
    return home


@pytest.mark.parametrize(
    ("column", "blocks"),
    [("disposition", True), ("reason_category", False)],  # critical vs warning expectation
)
def test_expectation_severity(pipeline_home: Path, tmp_path: Path, column: str, blocks: bool):
    home = _home_with_bad_qc(pipeline_home, tmp_path, column)
    defs = Definitions(
        assets=[*(_stub(k) for k in SILVER), downstream],
        asset_checks=[silver_expectations],
        jobs=[define_asset_job("j", selection=AssetSelection.all())],
        resources={"warehouse": WarehouseResource(home=str(home))},
    )
    result = defs.resolve_job_def("j").execute_in_process(raise_on_error=False)
    (qc,) = [
        c
        for c in result.get_asset_check_evaluations()
        if c.asset_key.path[-1] == "stg_mes__qc_checks"
    ]
    assert not qc.passed
    assert qc.severity.value == ("ERROR" if blocks else "WARN")
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert (AssetKey(["gold", "downstream"]) in materialized) is not blocks
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:
        failed = con.execute(
            "select column_name, severity from audit.expectation_results where not success"
        ).fetchall()
    finally:
        con.close()
    assert failed == [(column, "critical" if blocks else "warning")]
