"""Which gold mart answers which truth.json section, and by which key (data_contract §8.1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mart:
    """A truth section, the gold table that must reproduce it and the key of its rows."""

    section: str
    table: str
    key: tuple[str, ...]


MARTS: tuple[Mart, ...] = (
    Mart("machine_daily", "kpi_machine_daily", ("production_date", "machine_id")),
    Mart("machine_shift", "kpi_machine_shift", ("production_date", "machine_id", "shift_code")),
    Mart("plant_daily", "kpi_plant_daily", ("production_date", "plant_id")),
    Mart("product_daily", "kpi_product_daily", ("production_date", "product_id")),
    Mart("operator_daily", "kpi_operator_daily", ("production_date", "operator_id")),
    Mart("process_daily", "kpi_process_daily", ("production_date", "machine_id")),
    Mart(
        "quality_daily",
        "kpi_quality_daily",
        ("production_date", "machine_id", "product_id", "reason_category", "disposition"),
    ),
    Mart(
        "material_flow_daily",
        "kpi_material_flow_daily",
        ("production_date", "from_product_id", "to_product_id"),
    ),
)

MART_TABLES = frozenset(m.table for m in MARTS)
