"""A Spark-built home serves what a DuckDB-built one serves (issue 22): its warehouse's gold has
the DuckDB build's column types (orchestration/spark/typed_gold.py), and its serving copy
answers the gold table functions the dashboard reads (gold.kpi_selection, product_selection,
downtime_selection: macros/gold_table_functions.sql) with the DuckDB-built copy's rows.

Reads the pair of builds of tests/spark/conftest.py; rows are compared as multisets, doubles
rounded to DOUBLE_DIGITS (the normalization of test_two_engines.py)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import duckdb

from ingestion.warehouse import db_path
from orchestration.defs.serving.publish import connect_serving
from tests.spark.conftest import DAYS, DOUBLE_DIGITS, GOLD_COLUMNS, SPARK_TESTS, START

pytestmark = SPARK_TESTS

# One selection, the dashboard's way: both dates, every shift (empty list), every machine.
SELECTION = {"start": START, "end": START + timedelta(days=DAYS - 1), "shifts": []}
TABLE_FUNCTIONS = {
    "kpi_selection": "gold.kpi_selection($start, $end, $shifts, $machines, true, true)",
    "product_selection": "gold.product_selection($start, $end, $shifts, $machines, true)",
    "downtime_selection": "gold.downtime_selection($start, $end, $shifts, $machines)",
}


def test_spark_built_gold_has_the_duckdb_builds_column_types(two_builds):
    on_duckdb, on_spark, _ = two_builds
    with duckdb.connect(str(db_path(on_duckdb)), read_only=True) as con:
        expected = con.execute(GOLD_COLUMNS).fetchall()
    with duckdb.connect(str(db_path(on_spark)), read_only=True) as con:
        assert con.execute(GOLD_COLUMNS).fetchall() == expected


def rows(con: duckdb.DuckDBPyConnection, call: str, selection: dict) -> Counter:
    """The function's rows as a multiset, doubles rounded to DOUBLE_DIGITS."""
    found = con.execute(f"select * from {call}", selection).fetchall()
    return Counter(
        tuple(round(v, DOUBLE_DIGITS) if isinstance(v, float) else v for v in row) for row in found
    )


def test_spark_built_serving_copy_answers_the_table_functions_as_duckdbs(two_builds):
    on_duckdb, on_spark, _ = two_builds
    expected = {}
    with connect_serving(on_duckdb) as con:
        machines = [m for (m,) in con.execute("select machine_id from gold.dim_machine").fetchall()]
        selection = {**SELECTION, "machines": machines}
        for name, call in TABLE_FUNCTIONS.items():
            expected[name] = rows(con, call, selection)
            assert expected[name], f"{name}: no rows on the DuckDB build, nothing compared"
    with connect_serving(on_spark) as con:
        answered = {name: rows(con, call, selection) for name, call in TABLE_FUNCTIONS.items()}
    assert answered == expected
