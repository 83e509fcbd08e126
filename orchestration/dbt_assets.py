"""Silver and gold as Dagster assets: dbt models, seeds and tests (tests become asset checks).

Why two sets: incremental facts and KPI marts are partitioned by production date and rebuilt
for the run's partition window (passed to dbt as vars, plus the lookback for late rows); views,
intermediate tables and dimensions are unpartitioned and rebuilt whole. Sources map onto the
bronze assets, so the graph runs landing → bronze → silver → gold without gaps.
"""

import json
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.assets import WRITER_POOL, bronze_key
from orchestration.dbt_project import ensure_manifest, shopfloor_dbt
from orchestration.partitions import delivery_partitions

INCREMENTAL = "config.materialized:incremental"


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
    """Seeds, staging views, intermediate tables and dimensions, rebuilt whole."""
    yield from dbt.cli(["build"], context=context).stream()


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
    """Facts and KPI marts for the run's production-date window (one run for a whole range)."""
    window = context.partition_time_window
    dbt_vars = {
        "min_production_date": window.start.date().isoformat(),
        "max_production_date": (window.end - timedelta(days=1)).date().isoformat(),
    }
    yield from dbt.cli(["build", "--vars", json.dumps(dbt_vars)], context=context).stream()
