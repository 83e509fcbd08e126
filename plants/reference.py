"""The plant's reference tables, written into the warehouse schema `plant` for dbt to read.

Why tables and not dbt seeds: a seed is a file inside the dbt project, one for every home; the
plant is a property of the home (plants/home.py). The tables are rewritten from the plant file
at the start of every build, so the plant file stays the one owner of every plant fact and dbt
reads them as the source `plant` (models/staging/plant).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from plants.model import STATES, WEEKDAYS, PlantConfig
from plants.spellings import all_machine_spellings, all_product_spellings

SCHEMA = "plant"

# What each machine state counts as in ISO 22400-2 (not a plant fact: the standard's meaning).
STATE_MEANING = {
    "RUNNING": "actual production time",
    "IDLE": "planned busy, not producing",
    "SETUP": "setup time",
    "DOWN": "down time (failure)",
    "PLANNED_STOP": "planned downtime",
}


def _plant(plant: PlantConfig) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "plant_id": plant.id,
                "plant_name": plant.name,
                "timezone": plant.timezone,
                "day_start_local": plant.day_start,
            }
        ]
    )


def _lines(plant: PlantConfig) -> pa.Table:
    return pa.Table.from_pylist([{"line_id": ln.id, "line_name": ln.name} for ln in plant.lines])


def _machines(plant: PlantConfig) -> pa.Table:
    rows = [
        {
            "machine_id": m.id,
            "line_id": m.line_id,
            "machine_type": m.type,
            "station_code": m.station,
            "conveyor_id": m.conveyor,
            "scanner_id": m.scanner,
        }
        for m in plant.machines
    ]
    schema = pa.schema([(k, pa.string()) for k in rows[0]])
    return pa.Table.from_pylist(rows, schema=schema)


def _machine_spellings(plant: PlantConfig) -> pa.Table:
    rows = [{"spelling": s, "machine_id": mid} for s, mid in all_machine_spellings(plant)]
    return pa.Table.from_pylist(rows)


def _products(plant: PlantConfig) -> pa.Table:
    rows = [
        {
            "product_id": pid,
            "product_name": spec["name"],
            "product_kind": spec["kind"],
            "unit": spec["unit"],
            "scan_code_prefix": spec.get("scan_code"),
        }
        for pid, spec in plant.products.items()
    ]
    schema = pa.schema([(k, pa.string()) for k in rows[0]])
    return pa.Table.from_pylist(rows, schema=schema)


def _product_spellings(plant: PlantConfig) -> pa.Table:
    rows = [{"spelling": s, "product_id": pid} for s, pid in all_product_spellings(plant)]
    return pa.Table.from_pylist(rows)


def _bill_of_materials(plant: PlantConfig) -> pa.Table:
    rows = [
        {"product_id": pid, "component_id": comp, "quantity_per_unit": int(qty)}
        for pid, spec in plant.products.items()
        for comp, qty in (spec.get("bom") or {}).items()
    ]
    schema = pa.schema(
        [
            ("product_id", pa.string()),
            ("component_id", pa.string()),
            ("quantity_per_unit", pa.int64()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _shifts(plant: PlantConfig) -> pa.Table:
    rows = [
        {"shift_code": s.code, "shift_index": i, "start_local": s.start, "shift_minutes": s.minutes}
        for i, s in enumerate(plant.shifts)
    ]
    return pa.Table.from_pylist(rows)


def _shift_breaks(plant: PlantConfig) -> pa.Table:
    rows = [
        {"shift_code": s.code, "break_index": bi, "break_start_local": hhmm, "break_minutes": m}
        for s in plant.shifts
        for bi, (hhmm, m) in enumerate(s.breaks)
    ]
    schema = pa.schema(
        [
            ("shift_code", pa.string()),
            ("break_index", pa.int64()),
            ("break_start_local", pa.string()),
            ("break_minutes", pa.int64()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _shift_weekdays(plant: PlantConfig) -> pa.Table:
    """Every (ISO weekday, shift) pair the shift model schedules."""
    rows = [
        {"iso_day_of_week": day, "weekday": WEEKDAYS[day - 1], "shift_code": s.code}
        for day in range(1, 8)
        for s in plant.shifts
        if s.code in plant.weekdays.get(day, tuple(x.code for x in plant.shifts))
    ]
    schema = pa.schema(
        [("iso_day_of_week", pa.int64()), ("weekday", pa.string()), ("shift_code", pa.string())]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _holidays(plant: PlantConfig) -> pa.Table:
    rows = [{"holiday_date": d, "holiday_name": n} for d, n in sorted(plant.holidays.items())]
    schema = pa.schema([("holiday_date", pa.date32()), ("holiday_name", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


def _state_codes(plant: PlantConfig) -> pa.Table:
    rows = [
        {"state_code": plant.state_codes[s], "state": s, "counts_as": STATE_MEANING[s]}
        for s in STATES
    ]
    return pa.Table.from_pylist(rows)


def _planned_stop_reasons(plant: PlantConfig) -> pa.Table:
    return pa.Table.from_pylist([{"reason": r} for r in plant.planned_stop_reasons])


def _sources(plant: PlantConfig) -> pa.Table:
    from ingestion.contracts import SOURCES

    rows = [{"source_name": s, "is_delivered": plant.delivers(s)} for s in SOURCES]
    return pa.Table.from_pylist(rows)


def _targets(plant: PlantConfig) -> pa.Table:
    rows: list[dict] = [
        {"scope": "plant", "scope_id": plant.id, "kpi": k, "target": float(v)}
        for k, v in (plant.targets.get("plant") or {}).items()
    ]
    for scope in ("lines", "machines"):
        for scope_id, kpis in (plant.targets.get(scope) or {}).items():
            rows += [
                {"scope": scope[:-1], "scope_id": scope_id, "kpi": k, "target": float(v)}
                for k, v in kpis.items()
            ]
    schema = pa.schema(
        [
            ("scope", pa.string()),
            ("scope_id", pa.string()),
            ("kpi", pa.string()),
            ("target", pa.float64()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


TABLES: dict[str, Callable[[PlantConfig], pa.Table]] = {
    "plant": _plant,
    "lines": _lines,
    "machines": _machines,
    "machine_spellings": _machine_spellings,
    "products": _products,
    "product_spellings": _product_spellings,
    "bill_of_materials": _bill_of_materials,
    "shifts": _shifts,
    "shift_breaks": _shift_breaks,
    "shift_weekdays": _shift_weekdays,
    "holidays": _holidays,
    "state_codes": _state_codes,
    "planned_stop_reasons": _planned_stop_reasons,
    "sources": _sources,
    "targets": _targets,
}


def reference_tables(plant: PlantConfig) -> dict[str, pa.Table]:
    """Every reference table of the plant, by table name."""
    return {name: build(plant) for name, build in TABLES.items()}


def write_reference(con: duckdb.DuckDBPyConnection, plant: PlantConfig) -> dict[str, int]:
    """Replace schema `plant` with the plant's reference tables; row count per table."""
    counts: dict[str, int] = {}
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute("begin transaction")
    try:
        for name, table in reference_tables(plant).items():
            con.register("plant_reference_rows", table)
            # Table names come from TABLES above, never from input.
            con.execute(
                f"create or replace table {SCHEMA}.{name} as select * from plant_reference_rows"  # noqa: S608
            )
            con.unregister("plant_reference_rows")
            counts[name] = table.num_rows
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return counts
