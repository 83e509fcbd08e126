"""Silver and gold as Dagster assets: dbt models, seeds and tests (tests become asset checks).

Why two sets: the incremental models (silver's event-level intermediates, the facts and the KPI
marts) are partitioned by production date and rebuilt for the run's partition window (passed to
dbt as vars, plus the lookback for late rows), so a daily run costs the same whatever the
history; seeds, staging views, the small reference-like intermediate tables and dimensions are
unpartitioned and rebuilt whole. dbt owns the window rule (dbt_project/macros/run_window.sql):
this module only passes the partition bounds, as dagster-open-platform's `_partitioned_dbt_vars`
does. Sources map onto the bronze assets, so the graph runs landing →
bronze → silver → gold without gaps. dbt unit tests run in CI (tests/), not in production runs,
as dbt recommends: they test the SQL, not the data.
"""

import json
import os
from collections.abc import Iterator, Mapping
from datetime import date, timedelta

from dagster import AssetExecutionContext, AssetObservation, BackfillPolicy, TimeWindow
from dagster_dbt import DbtCliResource, dbt_assets

from ingestion.warehouse import dbt_env
from orchestration.defs.dbt.build_inputs import (
    FORCE_TAG,
    build_fingerprint,
    published_build,
    record_build,
    record_gold_only_build,
)
from orchestration.defs.dbt.project import (
    dbt_output_to,
    ensure_manifest,
    invocation_target,
    keep_partial_parse,
    reuse_partial_parse,
    shopfloor_dbt,
    vars_key,
)
from orchestration.defs.dbt.translator import ShopfloorTranslator
from orchestration.instance import WRITER_POOL
from orchestration.partitions import production_date_partitions, run_partition_dates
from orchestration.resources import WarehouseResource
from orchestration.spark.engine import SPARK, run_engine
from plants.dbt_vars import dbt_vars
from plants.home import Home, home_plant

INCREMENTAL = "config.materialized:incremental"
# No colour codes: dbt's output goes to a log file (Home.dbt_log), not a terminal.
BUILD = ["build", "--no-use-colors", "--exclude", "resource_type:unit_test"]
# Metadata key of the observation the first build step logs on each of its assets when it builds
# nothing (a published build already holds these inputs): the run summary reads it (cli/run.py).
KEPT_AS_PUBLISHED = "kept_as_published_by_run"


def window_vars(dates: tuple[date, date] | None) -> dict[str, str]:
    """The dbt vars of a run's first and last production date (none: all history). dbt derives
    from them what it rebuilds, reads and tests (dbt_project/macros/run_window.sql)."""
    if dates is None:
        return {}
    return {
        "min_production_date": dates[0].isoformat(),
        "max_production_date": dates[1].isoformat(),
    }


def partition_dates(time_window: TimeWindow) -> tuple[date, date]:
    """The first and last production date of a partition time window (its end is exclusive)."""
    return time_window.start.date(), (time_window.end - timedelta(days=1)).date()


def _dbt_build(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    window_vars: Mapping[str, str],
) -> Iterator:
    """One `dbt build` for the step with the home's plant facts (macros/plant.sql) and the
    window as vars, in a target folder of its own that replaces the step's previous one
    (orchestration/defs/dbt/project.py: target/ must not grow with every run).

    dbt parses the whole project again (≈10 s) whenever the vars differ from those of the parse
    state it starts from. A windowed invocation keeps its state under its own vars: both steps
    of a run pass the same vars, so the second starts from the first's state, and a run
    repeated for the same dates parses nothing. Only invocations without a window replace the
    shared state."""
    if run_engine(context.run.tags) == SPARK:  # `shopfloor run --engine spark`
        from orchestration.spark.steps import spark_dbt_step

        yield from spark_dbt_step(context, warehouse.home_path, window_vars)
        return
    build_vars = json.dumps(
        {**dbt_vars(home_plant(warehouse.home_path)), **window_vars}, sort_keys=True
    )
    state_key = vars_key(build_vars, warehouse.home_path) if window_vars else None
    step = context.op_execution_context.op.name
    log = Home(warehouse.home_path).dbt_log
    context.log.info(f"dbt's output: {log}")
    os.environ.update(dbt_env())  # dbt's connect waits for a reader as long as our writers do
    with invocation_target(step) as target, dbt_output_to(log, f"run {context.run.run_id}, {step}"):
        if state_key:
            reuse_partial_parse(target, state_key)
        invocation = dbt.cli([*BUILD, "--vars", build_vars], context=context, target_path=target)
        yield from invocation.stream()
        keep_partial_parse(invocation.target_path, state_key)


MANIFEST = ensure_manifest()
TRANSLATOR = ShopfloorTranslator()


def _start_build(context: AssetExecutionContext, warehouse: WarehouseResource) -> bool:
    """Record what this run builds from; False when a published build already holds exactly
    these inputs for the run's production dates (nothing new landed, same code): the run then
    builds nothing, says so on each of the step's assets (an observation with
    KEPT_AS_PUBLISHED), and Dagster skips every step downstream (expectations, truth gate,
    publish)."""
    dates = run_partition_dates(context.op_execution_context)
    con = warehouse.connect()
    try:
        fingerprint = build_fingerprint(con, warehouse.home_path)
        forced = context.run.tags.get(FORCE_TAG) == "true"
        done = None if forced or not dates else published_build(con, fingerprint, *dates)
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
        for asset_key in sorted(context.selected_asset_keys):
            context.log_event(
                AssetObservation(
                    asset_key=asset_key,
                    metadata={
                        KEPT_AS_PUBLISHED: done.run_id,
                        "published_at": str(done.published_at),
                        "production_dates": f"{done.first} .. {done.last}",
                    },
                )
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
    tests check only the window's rows (macros/run_window.sql), so dbt gets the window of the
    run's partition tags. This first step of a build also decides whether there is anything to
    build (_start_build).
    """
    if not _start_build(context, warehouse):
        return
    yield from _dbt_build(
        context, dbt, warehouse, window_vars(run_partition_dates(context.op_execution_context))
    )


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
    con = warehouse.connect()
    try:
        record_gold_only_build(con, context.run.run_id, warehouse.home_path)
    finally:
        con.close()
    dates = partition_dates(context.partition_time_window)
    yield from _dbt_build(context, dbt, warehouse, window_vars(dates))
