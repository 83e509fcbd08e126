"""The plant facts dbt needs while it compiles SQL, as dbt `--vars` (macros/plant.sql).

Why vars and not only the reference tables: the time zone, the day start and the shift spans
shape the SQL itself (a literal time zone keeps DuckDB's timezone() on its fast path, and the
shift-code CASE is written out per shift). They are constant for a home, so dbt's partial parsing
survives from run to run; every dbt call passes them through this one function.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from plants.model import PlantConfig

DBT_PROJECT_FILE = Path(__file__).resolve().parents[1] / "dbt_project" / "dbt_project.yml"


def dbt_vars(plant: PlantConfig) -> dict[str, Any]:
    """The plant's dbt vars: time zone, production-day start, each shift's local span and, when
    the plant file has its own, the machine-log rules (replacing dbt's default table)."""
    plant_vars: dict[str, Any] = {
        "plant_timezone": plant.timezone,
        "plant_day_start": plant.day_start,
        "plant_shifts": [
            {"code": s.code, "start": s.start, "minutes": s.minutes} for s in plant.shifts
        ],
    }
    if plant.log_rules:
        plant_vars["log_rules"] = plant.log_rules
    return plant_vars


def dbt_vars_arg(plant: PlantConfig) -> list[str]:
    """`--vars <json>` for a dbt command line."""
    return ["--vars", json.dumps(dbt_vars(plant), sort_keys=True)]


@cache
def lateness_bound_days() -> int:
    """How many days after its production date a row can still be delivered: dbt's var
    `lookback_days` (dbt_project.yml, the one owner; macros/run_window.sql `delivery_can_hold`).
    The generator never delivers later, and a date is final once a delivery this many days after
    it is loaded (gold.dim_date_status)."""
    project = yaml.safe_load(DBT_PROJECT_FILE.read_text(encoding="utf-8"))
    return int(project["vars"]["lookback_days"])
