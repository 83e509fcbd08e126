"""The two dbt steps of the transform job when the run's engine is Spark (engine.py).

Each step builds on Spark the same dbt nodes its DuckDB twin builds (orchestration/defs/dbt/
assets.py): the first the seeds, staging views, intermediate tables and dimensions (after
exporting bronze and registering it as Spark's sources; DuckDB then gets its seeds and staging
views, which the silver expectations read), the second the incremental models for
the run's window, after which Spark's gold replaces the warehouse's gold (build.py) so that the
truth gate and publish read it as they read DuckDB's. Each step then reports its assets
materialized, as dagster-dbt would; dbt's tests run on Spark inside the build and fail it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from graphlib import TopologicalSorter
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult

from orchestration.spark import build

INCREMENTAL = "config.materialized:incremental"
FIRST_STEP = "silver_and_dimensions"


def spark_dbt_step(
    context: AssetExecutionContext, home, window_vars: Mapping[str, str]
) -> Iterator:
    """Run this step's dbt nodes on Spark, then report its selected assets materialized."""
    step = context.op_execution_context.op.name
    home = Path(home).resolve()
    dbt_vars_json = build.build_vars_json(home, dict(window_vars))
    if step == FIRST_STEP:
        sources = build.export_sources(home)
        context.log.info(f"bronze for Spark: {len(sources)} relations as Parquet")
        build.run_dbt(home, ["run-operation", "register_lake_sources", "--vars", dbt_vars_json])
        build.run_dbt(home, [*build.BUILD, "--exclude", INCREMENTAL, "--vars", dbt_vars_json])
        build.duckdb_staging_views(home, dbt_vars_json)
    else:
        build.run_dbt(home, [*build.BUILD, "--select", INCREMENTAL, "--vars", dbt_vars_json])
        tables = build.export_gold(home)
        build.import_gold(home, tables)
        build.import_baselines(home, dbt_vars_json)
        context.log.info(f"Spark's gold ({len(tables)} tables) replaced the warehouse's gold")
    for asset_key in in_dependency_order(context):
        yield MaterializeResult(asset_key=asset_key, metadata={"engine": "spark"})


def in_dependency_order(context: AssetExecutionContext) -> list:
    """The step's selected assets, each after the ones it depends on (Dagster requires a
    multi-asset to report its assets in that order)."""
    selected = set(context.selected_asset_keys)
    deps = context.assets_def.asset_deps
    sorter = TopologicalSorter({key: deps.get(key, set()) & selected for key in sorted(selected)})
    return list(sorter.static_order())
