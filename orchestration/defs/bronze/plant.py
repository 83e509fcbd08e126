"""The plant's reference data as a Dagster asset: the home's plant file written into `plant.*`.

Why an asset: dbt reads the plant's shifts, spellings, products and state codes as the source
`plant`, whose tables' keys (declared in the source's meta, read by plant_table_key) are this
asset's, so the lineage shows plant file → reference → silver, and every build starts from the
plant file as it is now (plants/reference.py).
"""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from orchestration.defs.dbt.sources import source_asset_key
from orchestration.instance import WRITER_POOL
from orchestration.resources import WarehouseResource
from plants.home import home_plant
from plants.reference import SCHEMA, TABLES, write_reference


def plant_table_key(name: str) -> AssetKey:
    """Asset key of one reference table: the one its dbt source `plant.<name>` declares."""
    return source_asset_key(f"{SCHEMA}.{name}")


@multi_asset(
    specs=[
        AssetSpec(
            plant_table_key(name),
            group_name="reference",
            description=f"Table {SCHEMA}.{name}, written from the home's plant file.",
        )
        for name in TABLES
    ],
    name="plant_reference",
    pool=WRITER_POOL,
)
def plant_reference(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[MaterializeResult]:
    """Rewrite schema `plant` from the home's plant file (shopfloor.yaml names it)."""
    plant = home_plant(warehouse.home_path)
    con = warehouse.connect()
    try:
        counts = write_reference(con, plant)
    finally:
        con.close()
    context.log.info(f"Plant {plant.id} ({plant.name}) from {plant.path}, scale {plant.scale}")
    for name, rows in counts.items():
        yield MaterializeResult(
            asset_key=plant_table_key(name),
            metadata={"plant_id": plant.id, "plant_file": str(plant.path), "rows": rows},
        )
