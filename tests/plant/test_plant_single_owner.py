"""The plant file is the one owner of every plant fact: dbt's reference data and the dashboard's
labels come from it, and no pipeline code spells a plant fact of either plant."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from plants.home import home_plant
from plants.model import PLANTS_DIR, load_plant
from plants.spellings import all_machine_spellings, all_product_spellings
from tests.homes import REPO

# Code that must read plant facts, never spell them (dbt SQL and macros, Dagster, the gate, the
# loaders, the dashboard). dbt YAML is left out: its unit tests carry fixture rows.
PIPELINE_CODE = [
    *REPO.glob("dbt_project/models/**/*.sql"),
    *REPO.glob("dbt_project/macros/*.sql"),
    *REPO.glob("dbt_project/tests/**/*.sql"),
    REPO / "dbt_project" / "dbt_project.yml",
    *REPO.glob("orchestration/**/*.py"),
    *REPO.glob("cli/*.py"),
    *REPO.glob("ground_truth/*.py"),
    *REPO.glob("ingestion/*.py"),
    *REPO.glob("dashboard/**/*.py"),
]


def _plant_facts(path: Path) -> set[str]:
    """Literal facts of one plant file: ids, names, time zone, machines, stations, products."""
    plant = load_plant(path)
    facts = {plant.id, plant.name, plant.timezone}
    facts |= {m.id for m in plant.machines} | {m.station for m in plant.machines}
    facts |= {p for p in plant.products if "_" in p or len(p) > 6}  # distinctive product ids
    return facts


def _quoted_shift_codes(path: Path) -> set[str]:
    """A plant's shift codes as quoted literals (a shift code short as DAY is a common word, so
    it counts only on a line that speaks of shifts)."""
    codes = [s.code for s in load_plant(path).shifts]
    return {f"'{c}'" for c in codes} | {f'"{c}"' for c in codes}


@pytest.mark.parametrize("plant_file", sorted(PLANTS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_pipeline_code_spells_a_plant_fact(plant_file: Path) -> None:
    facts, codes = _plant_facts(plant_file), _quoted_shift_codes(plant_file)
    found = []
    for path in PIPELINE_CODE:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            hits = [f for f in facts if re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", line)]
            if "shift" in line.lower():
                hits += [c for c in codes if c in line]
            found += [f"{path.relative_to(REPO)}:{number}: {hit}" for hit in hits]
    assert not found, "plant facts written outside the plant file:\n" + "\n".join(found)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_dbt_reference_data_is_the_plant_file(pipeline_home: Path) -> None:
    """What silver reads as the plant (stg_plant__*) is exactly what the home's plant file says."""
    plant = home_plant(pipeline_home)
    con = duckdb.connect(str(pipeline_home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:
        tz = _rows(con, "select plant_id, timezone, left(cast(day_start_local as varchar), 5) "
                        "from silver.stg_plant__plant")  # fmt: skip
        shifts = _rows(con, "select shift_code, left(cast(start_local as varchar), 5), "
                            "shift_minutes from silver.stg_plant__shifts "
                            "order by shift_index")  # fmt: skip
        machines = set(_rows(con, "select example_spelling, machine_id "
                                  "from silver.stg_plant__machine_spellings"))  # fmt: skip
        machine_keys = _rows(con, "select count(distinct alias_key) "
                                  "from silver.stg_plant__machine_spellings")  # fmt: skip
        products = _rows(con, "select product_id, product_name from silver.stg_plant__products")
        codes = dict(_rows(con, "select state, state_code from silver.stg_plant__state_codes"))
    finally:
        con.close()
    assert tz == [(plant.id, plant.timezone, plant.day_start)]
    assert shifts == [(s.code, s.start, s.minutes) for s in plant.shifts]
    spellings = all_machine_spellings(plant)
    assert machines <= set(spellings)
    assert {m for _, m in machines} == {m.id for m in plant.machines}
    assert machine_keys[0][0] == len({re.sub(r"[^A-Za-z0-9]", "", s).upper() for s, _ in spellings})
    assert sorted(products) == sorted((p, spec["name"]) for p, spec in plant.products.items())
    assert codes == plant.state_codes
    assert {pid for _, pid in all_product_spellings(plant)} == set(plant.products)


def test_dashboard_labels_come_from_the_publication(pipeline_home: Path) -> None:
    """The dashboard's time zone and shift choices are the plant file's, read from gold."""
    from dashboard import data

    plant = home_plant(pipeline_home)
    serving = pipeline_home / "warehouse" / "serving.duckdb"
    published = data.query(serving, data.SQL_PLANT)
    shift_codes = data.query(serving, data.SQL_SHIFT_CODES)["shift_code"].tolist()
    assert published.iloc[0]["timezone"] == plant.timezone
    assert published.iloc[0]["plant_id"] == plant.id
    assert shift_codes == [s.code for s in plant.shifts]
    assert not hasattr(data, "PLANT_TZ") and not hasattr(data, "SHIFTS")
