"""Which gold mart answers which truth.json section (data_contract §8.1), and the key of its rows.

The key of a mart is its grain, declared once in dbt: the `unique_grain` test of the model in its
folder's `_<folder>__models.yml`, which dbt checks on every build. The gate reads it from there,
so the rows the gate pairs with truth and the rows dbt holds unique cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

MARTS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "marts"
GRAIN_TEST = "unique_grain"


@cache
def declared_grains() -> dict[str, tuple[str, ...]]:
    """Each gold model's grain, from the `unique_grain` test in the marts' model files."""
    grains: dict[str, tuple[str, ...]] = {}
    for path in sorted(MARTS_DIR.glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []:
            for test in model.get("data_tests") or []:
                if isinstance(test, dict) and GRAIN_TEST in test:
                    grains[model["name"]] = tuple(test[GRAIN_TEST]["arguments"]["columns"])
    return grains


@dataclass(frozen=True)
class Mart:
    """A truth section and the gold table that must reproduce it."""

    section: str
    table: str

    @property
    def key(self) -> tuple[str, ...]:
        """The columns that identify a row: the mart's grain as dbt declares it."""
        try:
            return declared_grains()[self.table]
        except KeyError:
            raise LookupError(
                f"gold.{self.table} declares no `{GRAIN_TEST}` test in {MARTS_DIR}: the truth "
                "gate cannot pair its rows with truth"
            ) from None


MARTS: tuple[Mart, ...] = (
    Mart("machine_daily", "kpi_machine_daily"),
    Mart("machine_shift", "kpi_machine_shift"),
    Mart("plant_daily", "kpi_plant_daily"),
    Mart("product_daily", "kpi_product_daily"),
    Mart("operator_daily", "kpi_operator_daily"),
    Mart("process_daily", "kpi_process_daily"),
    Mart("quality_daily", "kpi_quality_daily"),
    Mart("material_flow_daily", "kpi_material_flow_daily"),
)

MART_TABLES = frozenset(m.table for m in MARTS)
