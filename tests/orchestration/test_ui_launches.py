"""Dagster as its users drive it: partitions from the first landed date, one asset or a range
materialized on its own as the UI launches it, singular dbt tests shown as asset checks.

The UI materializes an asset by launching the code location's implicit asset job subset to the
selection (with the selected assets' checks); a backfill of a `single_run` policy launches one
run with the range's tags. These tests do the same through Dagster's API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, SkipReason, build_sensor_context

from orchestration.definitions import defs
from orchestration.defs.dbt.project import shopfloor_dbt
from orchestration.defs.landing.sensors import landing_sensor
from orchestration.defs.validation.checks import TRUTH_CHECK
from orchestration.partitions import FIRST_DATE, FIRST_DATE_ENV, range_run_tags
from tests.bronze_fixtures import QC_HEADER, land
from tests.homes import REPO, copy_built, truth_dates

MART = AssetKey(["gold", "kpi_plant_daily"])
PUBLISH = AssetKey(["serving", "publish"])


def _first_partition(home: Path, declared: str | None = None) -> tuple[str, str, str]:
    """(first partition, today's partition, a refusal of 2023-12-31) of a code location
    loaded for `home`, in a process of its own (the partitions are computed when it loads)."""
    code = (
        "from datetime import date; from orchestration import partitions as p; "
        "print(p.delivery_date_partitions.get_first_partition_key(), "
        "p.production_date_partitions.get_last_partition_key(), "
        "p.refusal(date(2023, 12, 31)), sep='|')"
    )
    env = {k: v for k, v in os.environ.items() if k != FIRST_DATE_ENV}
    env |= {"SHOPFLOOR_HOME": str(home), **({FIRST_DATE_ENV: declared} if declared else {})}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO,
                         capture_output=True, text=True, check=True)  # fmt: skip
    first, last, refusal = out.stdout.strip().split("|")
    return first, last, refusal


def test_partitions_begin_at_the_first_landed_date(default_home: Path, tmp_path: Path) -> None:
    """A landed home's partitions begin at its oldest folder (not years before it); an empty
    home's at today; a declared first date wins; an older folder is refused with the remedy."""
    landed = sorted(p.name for p in (default_home / "landing").iterdir())
    first, today, refusal = _first_partition(default_home)
    assert first == landed[0]
    assert "dated before the first delivery partition" in refusal and "Reload" in refusal
    assert _first_partition(tmp_path)[0] == today  # nothing landed: today, in the plant's zone
    declared, _, declared_refusal = _first_partition(default_home, "2023-12-01")
    assert (declared, declared_refusal) == ("2023-12-01", "None")  # 2023-12-31 is a partition


def test_the_sensor_names_a_folder_older_than_the_first_partition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder dated before the code location's first partition is not loaded, and the
    sensor's tick says why and what to do, instead of skipping it without a word."""
    older = FIRST_DATE - timedelta(days=1)
    land(tmp_path, "qc_checks", f"qc_checks__{older}.csv", QC_HEADER + b"\n", day=older)
    monkeypatch.setenv("SHOPFLOOR_HOME", str(tmp_path))
    tick = landing_sensor(build_sensor_context())
    assert isinstance(tick, SkipReason)
    assert f"landing/{older}/ dated before the first delivery partition" in tick.skip_message
    assert "Reload" in tick.skip_message


@pytest.fixture(scope="module")
def ui_home(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the built pipeline home, for runs launched as the UI launches them."""
    return copy_built(pipeline_home, tmp_path_factory.mktemp("ui") / "home")


def _launch(home: Path, monkeypatch: pytest.MonkeyPatch, days: list[date], key: AssetKey = MART):
    """The UI's launch for one asset alone: the implicit asset job subset to it (its checks come
    with it), for one partition or, as a single-run backfill does, a range in one run."""
    monkeypatch.setenv("SHOPFLOOR_HOME", str(home))
    job = defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection={key})
    if len(days) == 1:
        kwargs = {"partition_key": days[0].isoformat()}
    else:
        kwargs = {"tags": range_run_tags(days[0], days[-1])}
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, raise_on_error=False, **kwargs)


def test_one_gold_asset_materializes_alone_with_its_checks(
    ui_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backfill of one mart over two dates: only the mart is built, its dbt tests (value
    ranges included) and its truth check run, and truth gives one verdict per production date
    (a single date takes the same path with a partition key: publish's test below)."""
    days = truth_dates(ui_home)[1:3]
    result = _launch(ui_home, monkeypatch, days)
    assert result.success, [e.step_key for e in result.get_step_failure_events()]
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert built == {MART}
    checks = result.get_asset_check_evaluations()
    assert {c.asset_key for c in checks} == {MART} and all(c.passed for c in checks)
    names = {c.check_name for c in checks}
    assert "accepted_range_kpi_plant_daily_oee__1__0" in names
    truth = sorted((c.partition, c.passed) for c in checks if c.check_name == TRUTH_CHECK)
    assert truth == [(day.isoformat(), True) for day in days]


def test_publish_alone_runs_the_gate_and_names_the_dates_it_published(
    ui_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publish materialized on its own judges its dates first (it never copies unjudged gold),
    and its partition's materialization says which dates analysts now see."""
    day = truth_dates(ui_home)[2]
    result = _launch(ui_home, monkeypatch, [day], PUBLISH)
    assert result.success, [e.step_key for e in result.get_step_failure_events()]
    [event] = result.get_asset_materialization_events()
    assert event.partition == day.isoformat()
    metadata = event.materialization.metadata
    assert metadata["validation_status"].value == "passed"
    assert metadata["published_dates"].value == [day.isoformat()]
    assert "provisional_dates" in metadata  # a list once gold.dim_date_status is built


def test_every_singular_dbt_test_is_an_asset_check() -> None:
    """dagster-dbt makes a singular test a check only when it refs one model or names one in
    `meta.dagster.ref`; any other runs as an observation, outside the checks of its asset."""
    manifest = json.loads(shopfloor_dbt.manifest_path.read_text(encoding="utf-8"))
    singular = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and not node.get("attached_node")
    }
    checks = {key.name for key in defs.get_repository_def().asset_graph.asset_check_keys}
    assert singular and singular <= checks, sorted(singular - checks)
