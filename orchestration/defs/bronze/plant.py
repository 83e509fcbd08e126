"""The plant's reference data as a Dagster asset: the home's plant file written into `plant.*`.

Why an asset: dbt reads the plant's shifts, spellings, products and state codes as the source
`plant`, which maps onto this asset, so the lineage shows plant file → reference → silver, and
every build starts from the plant file as it is now (plants/reference.py).
"""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from orchestration.instance import WRITER_POOL
from orchestration.resources import WarehouseResource
from plants.home import home_plant
from plants.reference import SCHEMA, TABLES, write_reference


def plant_table_key(name: str) -> AssetKey:
    """Asset key of one reference table (dbt source `plant.<name>` maps onto it)."""
    return AssetKey([SCHEMA, name])


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
