"""Bronze assets: one per raw source plus the stray-file sweep, partitioned by delivery date.

Why: each source is its own asset so that its lineage (landing folder → bronze table), its
partitions and its checks show separately in the UI; all of them run the same loader code the
CLI uses. The Dagster run id is the load id, so bronze rows point back to the run that wrote them.
"""

from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ingestion.contracts import SOURCES, SourceSpec
from ingestion.landing import STRAY
from ingestion.loader import PartitionReport, load_partition, sweep_strays
from ingestion.manifest import DUPLICATE, QUARANTINED
from orchestration.partitions import delivery_partitions
from orchestration.resources import WarehouseResource

BRONZE_GROUP = "bronze"
LANDING_GROUP = "landing"
WRITER_POOL = "duckdb_writer"
STRAY_ASSET = "stray_files"


def landing_key(source_name: str) -> AssetKey:
    return AssetKey(["landing", source_name])


def bronze_key(name: str) -> AssetKey:
    return AssetKey(["bronze", name])


def _metadata(report: PartitionReport) -> dict[str, object]:
    problems = [e.error for e in report.entries if e.error][:20]
    return {
        "files_seen": report.files_seen,
        "files_new": len(report.entries),
        "files_already_loaded": report.already_processed,
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
        "files_quarantined": report.count(QUARANTINED),
        "duplicates_skipped": report.count(DUPLICATE),
        "problems": MetadataValue.md("\n".join(f"- {p}" for p in problems) or "none"),
    }


def landing_specs() -> list[AssetSpec]:
    """External assets: the landing folders the generator (or a plant system) writes."""
    return [
        AssetSpec(
            landing_key(spec.name),
            description=f"Raw {spec.name} files in landing/<delivery date>/{spec.name}/",
            group_name=LANDING_GROUP,
            partitions_def=delivery_partitions,
            kinds={spec.extension},
        )
        for spec in SOURCES.values()
    ]


def build_source_asset(spec: SourceSpec) -> AssetsDefinition:
    """The bronze asset of one source."""

    @asset(
        key=bronze_key(spec.name),
        deps=[landing_key(spec.name)],
        partitions_def=delivery_partitions,
        group_name=BRONZE_GROUP,
        kinds={"duckdb", "python"},
        pool=WRITER_POOL,
        description=(
            f"Rows of {spec.name} as delivered ({spec.fmt.value}), text columns plus lineage; "
            f"unparseable lines in {spec.rejects_table}; manifest in bronze._files."
        ),
        metadata={"table": spec.table, "rejects_table": spec.rejects_table},
    )
    def _load(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        delivery = date.fromisoformat(context.partition_key)
        con = warehouse.connect()
        try:
            report = load_partition(
                con, warehouse.home_path, spec.name, delivery, context.run.run_id
            )
        finally:
            con.close()
        context.log.info(report.summary())
        return MaterializeResult(metadata=_metadata(report))

    return _load


@asset(
    key=bronze_key(STRAY_ASSET),
    partitions_def=delivery_partitions,
    group_name=BRONZE_GROUP,
    kinds={"python"},
    pool=WRITER_POOL,
    description="Files of a delivery folder outside every known source folder, quarantined "
    "with a reason and recorded in bronze._files.",
)
def stray_files_asset(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    delivery = date.fromisoformat(context.partition_key)
    con = warehouse.connect()
    try:
        report = sweep_strays(con, warehouse.home_path, delivery, context.run.run_id)
    finally:
        con.close()
    context.log.info(report.summary())
    return MaterializeResult(metadata=_metadata(report))


def bronze_assets() -> list[AssetsDefinition]:
    return [*(build_source_asset(s) for s in SOURCES.values()), stray_files_asset]


BRONZE_NAMES = (*SOURCES, STRAY_ASSET)
assert STRAY not in BRONZE_NAMES  # the manifest's pseudo-source is not an asset name
