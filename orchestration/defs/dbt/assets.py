"""Silver and gold as Dagster assets: dbt models, seeds and tests (tests become asset checks).

Why two sets: the incremental models (silver's event-level intermediates, the facts and the KPI
marts) are partitioned by production date and rebuilt for the run's partition window (passed to
dbt as vars, plus the lookback for late rows), so a daily run costs the same whatever the
history; seeds, staging views, the small reference-like intermediate tables and dimensions are
unpartitioned and rebuilt whole. Sources map onto the bronze assets, so the graph runs landing →
bronze → silver → gold without gaps. dbt unit tests run in CI (tests/), not in production runs,
as dbt recommends: they test the SQL, not the data.
"""

from collections.abc import Iterator
from datetime import timedelta

from dagster import AssetExecutionContext, BackfillPolicy
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.dbt.build_inputs import (
    FORCE_TAG,
    build_fingerprint,
    published_build,
    record_build,
    record_gold_only_build,
)
from orchestration.defs.dbt.project import (
    ensure_manifest,
    invocation_target,
    keep_partial_parse,
    shopfloor_dbt,
)
from orchestration.defs.dbt.run_window import RunWindow, run_window, window_environment
from orchestration.defs.dbt.translator import ShopfloorTranslator
from orchestration.instance import WRITER_POOL
from orchestration.partitions import production_date_partitions
from orchestration.resources import WarehouseResource
from plants.dbt_vars import dbt_vars_arg
from plants.home import home_plant

INCREMENTAL = "config.materialized:incremental"
BUILD = ["build", "--exclude", "resource_type:unit_test"]


def _build_args(warehouse: WarehouseResource) -> list[str]:
    """`dbt build` with the home's plant facts as vars (macros/plant.sql)."""
    return [*BUILD, *dbt_vars_arg(home_plant(warehouse.home_path))]


def _dbt_build(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    window: RunWindow | None,
) -> Iterator:
    """One `dbt build` for the step, in a target folder of its own that replaces the step's
    previous one (orchestration/defs/dbt/project.py: target/ must not grow with every run)."""
    with invocation_target(context.op_execution_context.op.name) as target:
        with window_environment(window):
            invocation = dbt.cli(_build_args(warehouse), context=context, target_path=target)
        yield from invocation.stream()
        keep_partial_parse(invocation.target_path)


MANIFEST = ensure_manifest()
TRANSLATOR = ShopfloorTranslator()


def _start_build(
    context: AssetExecutionContext, warehouse: WarehouseResource, window: RunWindow | None
) -> bool:
    """Record what this run builds from; False when a published build already holds exactly
    these inputs for the run's window (nothing new landed, same code): the run then builds
    nothing, and Dagster skips every step downstream (expectations, truth gate, publish)."""
    con = warehouse.connect()
    try:
        fingerprint = build_fingerprint(con, warehouse.home_path)
        forced = context.run.tags.get(FORCE_TAG) == "true"
        done = (
            None
            if forced or window is None
            else published_build(con, fingerprint, window.first, window.last)
        )
        if done is None:
            record_build(con, context.run.run_id, fingerprint)
    finally:
        con.close()  # before dbt starts: DuckDB allows one writer process
    if done is not None:
        context.log.info(
            f"Nothing new since run {done.run_id} (published {done.published_at} for "
            f"{done.first} .. {done.last}): same bronze files, truth and code. Silver and gold "
            f"are kept as published; tag the run {FORCE_TAG}=true to rebuild anyway."
        )
    return done is None


@dbt_assets(
    manifest=MANIFEST,
    project=shopfloor_dbt,
    exclude=INCREMENTAL,
    name="silver_and_dimensions",
    dagster_dbt_translator=TRANSLATOR,
    pool=WRITER_POOL,
)
def silver_and_dimensions(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator:
    """Seeds, staging views, intermediate tables and dimensions, rebuilt whole.

    The models here read all history, but in a run for a partition window the staging views'
    tests check only that window's deliveries (macros/run_window.sql), so dbt gets the window.
    This first step of a build also decides whether there is anything to build (_start_build).
    """
    window = run_window(context.run.tags)
    if not _start_build(context, warehouse, window):
        return
    yield from _dbt_build(context, dbt, warehouse, window)


@dbt_assets(
    manifest=MANIFEST,
    project=shopfloor_dbt,
    select=INCREMENTAL,
    name="gold_by_production_date",
    partitions_def=production_date_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
    pool=WRITER_POOL,
)
def gold_by_production_date(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator:
    """Incremental silver, facts and KPI marts for the run's production-date window (one run for
    a whole range)."""
    time_window = context.partition_time_window
    window = RunWindow(time_window.start.date(), (time_window.end - timedelta(days=1)).date())
    con = warehouse.connect()
    try:
        record_gold_only_build(con, context.run.run_id, warehouse.home_path)
    finally:
        con.close()
    yield from _dbt_build(context, dbt, warehouse, window)
