"""Every gold KPI mart against every row and metric of its truth.json section, on pipeline_home.

Counts and times must be exact, ratios within 1e-6 (data contract §9); every truth row must be
in gold and gold must have no row truth lacks.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

SECTIONS = {
    "machine_daily": ("kpi_machine_daily", ["production_date", "machine_id"]),
    "machine_shift": ("kpi_machine_shift", ["production_date", "machine_id", "shift_code"]),
    "plant_daily": ("kpi_plant_daily", ["production_date", "plant_id"]),
    "product_daily": ("kpi_product_daily", ["production_date", "product_id"]),
    "operator_daily": ("kpi_operator_daily", ["production_date", "operator_id"]),
    "quality_daily": (
        "kpi_quality_daily",
        ["production_date", "machine_id", "product_id", "reason_category", "disposition"],
    ),
    "material_flow_daily": (
        "kpi_material_flow_daily",
        ["production_date", "from_product_id", "to_product_id"],
    ),
}


def _connect(home: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    con.execute("set TimeZone='UTC'")
    return con


def _plain(value):
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _matches(truth_value, gold_value) -> bool:
    if truth_value is None or gold_value is None:
        return truth_value is None and gold_value is None
    if isinstance(truth_value, str):
        return truth_value == gold_value
    if isinstance(truth_value, int) and not isinstance(truth_value, bool):
        return float(gold_value) == truth_value
    return abs(float(gold_value) - truth_value) <= 1e-6 + 1e-9


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_kpi_mart_equals_truth(pipeline_home, section):
    table, key = SECTIONS[section]
    con = _connect(pipeline_home)
    try:
        cur = con.execute(f"select * from gold.{table}")
        names = [d[0] for d in cur.description]
        gold = {}
        for row in cur.fetchall():
            record = {n: _plain(v) for n, v in zip(names, row, strict=True)}
            gold[tuple(record[k] for k in key)] = record
    finally:
        con.close()
    problems, compared, truth_keys = [], 0, set()
    for path in sorted((pipeline_home / "ground_truth").glob("*/truth.json")):
        for expected in json.loads(path.read_text(encoding="utf-8"))[section]:
            k = tuple(expected[x] for x in key)
            truth_keys.add(k)
            actual = gold.get(k)
            if actual is None:
                problems.append(f"{k}: row missing in gold.{table}")
                continue
            for metric, value in expected.items():
                if metric in key:
                    continue
                compared += 1
                if metric not in actual:
                    problems.append(f"{k}: column {metric} missing")
                elif not _matches(value, actual[metric]):
                    problems.append(f"{k}: {metric} truth={value} gold={actual[metric]}")
    extra = [k for k in gold if k not in truth_keys]
    problems += [f"{k}: row in gold.{table} but not in truth" for k in extra]
    assert compared > 0
    assert not problems, "\n".join(problems[:40])
