"""Silver and gold as Dagster assets: dbt models, seeds and tests (tests become asset checks).

Why two sets: the incremental models (silver's event-level intermediates, the facts and the KPI
marts) are partitioned by production date and rebuilt for the run's partition window (passed to
dbt as vars, plus the lookback for late rows), so a daily run costs the same whatever the
history; seeds, staging views, the small reference-like intermediate tables and dimensions are
unpartitioned and rebuilt whole. Sources map onto the bronze assets, so the graph runs landing →
bronze → silver → gold without gaps. dbt unit tests run in CI (tests/), not in production runs,
as dbt recommends: they test the SQL, not the data.
"""

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.assets import WRITER_POOL, bronze_key
from orchestration.dbt_project import ensure_manifest, keep_partial_parse, shopfloor_dbt
from orchestration.partitions import delivery_partitions
from orchestration.run_window import RunWindow, run_window, window_environment

INCREMENTAL = "config.materialized:incremental"
BUILD = ["build", "--exclude", "resource_type:unit_test"]


class ShopfloorTranslator(DagsterDbtTranslator):
    """dbt sources are the bronze assets; models group by layer (silver, gold, reference)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            if dbt_resource_props["source_name"] == "bronze":  # manifest and rejects tables
                return AssetKey(["bronze", "bookkeeping", dbt_resource_props["name"]])
            return bronze_key(dbt_resource_props["name"])
        schema = dbt_resource_props.get("config", {}).get("schema") or "reference"
        return AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema") or "reference"


MANIFEST = ensure_manifest()
TRANSLATOR = ShopfloorTranslator()


@dbt_assets(
    manifest=MANIFEST,
    project=shopfloor_dbt,
    exclude=INCREMENTAL,
    name="silver_and_dimensions",
    dagster_dbt_translator=TRANSLATOR,
    pool=WRITER_POOL,
)
def silver_and_dimensions(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator:
    """Seeds, staging views, intermediate tables and dimensions, rebuilt whole.

    The models here read all history, but in a run for a partition window the staging views'
    tests check only that window's deliveries (macros/run_window.sql), so dbt gets the window.
    """
    with window_environment(run_window(context.run.tags)):
        invocation = dbt.cli(BUILD, context=context)
    yield from invocation.stream()
    keep_partial_parse(invocation.target_path)


@dbt_assets(
    manifest=MANIFEST,
    project=shopfloor_dbt,
    select=INCREMENTAL,
    name="gold_by_production_date",
    partitions_def=delivery_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
    pool=WRITER_POOL,
)
def gold_by_production_date(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator:
    """Incremental silver, facts and KPI marts for the run's production-date window (one run for
    a whole range)."""
    time_window = context.partition_time_window
    window = RunWindow(time_window.start.date(), (time_window.end - timedelta(days=1)).date())
    with window_environment(window):
        invocation = dbt.cli(BUILD, context=context)
    yield from invocation.stream()
    keep_partial_parse(invocation.target_path)
