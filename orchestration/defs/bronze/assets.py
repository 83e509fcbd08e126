"""Bronze assets: one per raw source plus the stray-file sweep, partitioned by delivery date.

Why: each source is its own asset so that its lineage (landing folder → bronze table), its
partitions and its checks show separately in the UI; all of them run the same loader code the
CLI uses. The Dagster run id is the load id, so bronze rows point back to the run that wrote them.
Each source asset's key is the one dbt's source for its table declares (bronze_key): spelled once.
A run may cover a range of delivery dates (`BackfillPolicy.single_run`): each asset then loads
every date of the range in one step on one connection, so a year costs one run's overhead.
"""

import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    BackfillPolicy,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ingestion.contracts import SOURCES, SourceSpec
from ingestion.landing import STRAY
from ingestion.loader import PartitionReport, load_partition, sweep_strays
from ingestion.manifest import DUPLICATE, QUARANTINED
from orchestration.defs.dbt.sources import source_asset_key
from orchestration.instance import WRITER_POOL
from orchestration.partitions import delivery_date_partitions, run_dates
from orchestration.progress import date_loaded
from orchestration.resources import WarehouseResource
from plants.home import home_plant
from plants.model import NOT_DELIVERED

BRONZE_GROUP = "bronze"
LANDING_GROUP = "landing"
STRAY_ASSET = "stray_files"


def landing_key(source_name: str) -> AssetKey:
    return AssetKey(["landing", source_name])


def bronze_key(name: str) -> AssetKey:
    """The asset key of a bronze table: the one its dbt source declares (orchestration/defs/dbt/
    sources.py); the stray-file sweep, which no dbt model reads, has the only other one."""
    if name == STRAY_ASSET:
        return AssetKey([BRONZE_GROUP, STRAY_ASSET])
    return source_asset_key(SOURCES[name].table)


def _metadata(reports: list[PartitionReport]) -> dict[str, object]:
    entries = [e for r in reports for e in r.entries]
    problems = [e.error for e in entries if e.error][:20]
    days = sorted({r.delivery for r in reports})
    span = f"{days[0]} .. {days[-1]} ({len(days)} dates)" if len(days) > 1 else str(days[0])
    return {
        "delivery_dates": span,
        "files_seen": sum(r.files_seen for r in reports),
        "files_new": len(entries),
        "files_already_loaded": sum(r.already_processed for r in reports),
        "rows_read": sum(r.rows_read for r in reports),
        "rows_loaded": sum(r.rows_loaded for r in reports),
        "rows_rejected": sum(r.rows_rejected for r in reports),
        "files_quarantined": sum(r.count(QUARANTINED) for r in reports),
        "duplicates_skipped": sum(r.count(DUPLICATE) for r in reports),
        "problems": MetadataValue.md("\n".join(f"- {p}" for p in problems) or "none"),
    }


Load = Callable[[duckdb.DuckDBPyConnection, Path, date, str], PartitionReport]


def _load_dates(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    load: Load,
    source_name: str | None = None,
) -> MaterializeResult:
    """Run `load` for every delivery date of the run, oldest first, on one connection. A source
    the home's plant does not deliver is still scanned (a file landed anyway is loaded), and its
    metadata says "not delivered" rather than showing an unexplained zero."""
    days = run_dates(context.op_execution_context)
    if not days:
        raise ValueError("bronze assets load delivery-date partitions: run with a partition")
    con = warehouse.connect()
    try:
        reports = []
        for done, day in enumerate(days, start=1):
            reports.append(load(con, warehouse.home_path, day, context.run.run_id))
            date_loaded(context.op_execution_context.op.name, day, done, len(days))
    finally:
        con.close()
    if len(reports) == 1:
        context.log.info(reports[0].summary())
    else:  # one line per run: 365 log events per asset would cost more than the load itself
        loaded = sum(r.rows_loaded for r in reports)
        rejected = sum(r.rows_rejected for r in reports)
        context.log.info(f"{len(reports)} delivery dates {days[0]} .. {days[-1]}: "
                         f"{loaded:,} rows loaded, {rejected:,} rejected")  # fmt: skip
    metadata = _metadata(reports)
    if source_name is not None:
        delivered = home_plant(warehouse.home_path).delivers(source_name)
        metadata["delivered"] = delivered
        if not delivered:
            metadata["delivery"] = NOT_DELIVERED
            context.log.info(f"{source_name}: {NOT_DELIVERED}")
    return MaterializeResult(metadata=metadata)


def landing_specs() -> list[AssetSpec]:
    """External assets: the landing folders the generator (or a plant system) writes."""
    return [
        AssetSpec(
            landing_key(spec.name),
            description=f"Raw {spec.name} files in landing/<delivery date>/{spec.name}/",
            group_name=LANDING_GROUP,
            partitions_def=delivery_date_partitions,
            kinds={spec.extension},
        )
        for spec in SOURCES.values()
    ]


def build_source_asset(spec: SourceSpec) -> AssetsDefinition:
    """The bronze asset of one source."""

    def load(con: duckdb.DuckDBPyConnection, home: Path, day: date, run_id: str):
        return load_partition(con, home, spec.name, day, run_id)

    with warnings.catch_warnings(action="ignore", category=BetaWarning):  # backfill_policy

        @asset(
            key=bronze_key(spec.name),
            deps=[landing_key(spec.name)],
            partitions_def=delivery_date_partitions,
            backfill_policy=BackfillPolicy.single_run(),
            group_name=BRONZE_GROUP,
            kinds={"duckdb", "python"},
            pool=WRITER_POOL,
            description=(
                f"Rows of {spec.name} as delivered ({spec.fmt.value}), text columns plus "
                f"lineage; unparseable lines in {spec.rejects_table}; manifest in bronze._files."
            ),
            metadata={"table": spec.table, "rejects_table": spec.rejects_table},
        )
        def _load(
            context: AssetExecutionContext, warehouse: WarehouseResource
        ) -> MaterializeResult:
            return _load_dates(context, warehouse, load, spec.name)

    return _load


with warnings.catch_warnings(action="ignore", category=BetaWarning):  # backfill_policy

    @asset(
        key=bronze_key(STRAY_ASSET),
        partitions_def=delivery_date_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        group_name=BRONZE_GROUP,
        kinds={"python"},
        pool=WRITER_POOL,
        description="Files of a delivery folder outside every known source folder, quarantined "
        "with a reason and recorded in bronze._files.",
    )
    def stray_files_asset(
        context: AssetExecutionContext, warehouse: WarehouseResource
    ) -> MaterializeResult:
        return _load_dates(context, warehouse, sweep_strays)


def bronze_assets() -> list[AssetsDefinition]:
    return [*(build_source_asset(s) for s in SOURCES.values()), stray_files_asset]


BRONZE_NAMES = (*SOURCES, STRAY_ASSET)
assert STRAY not in BRONZE_NAMES  # the manifest's pseudo-source is not an asset name
