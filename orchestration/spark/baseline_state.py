"""The recorded baselines across a Spark build: out to the lake before it, new rows back after.

monitoring.baseline is state, not a function of the data (macros/baseline.sql): a baseline is a
period someone chose, recorded with `shopfloor baseline record` on the DuckDB warehouse, whose
table stays the owner of record. A Spark build reads it, and fct_anomaly's pre-hook
(record_first_baseline) may add version 1 when there is none; on Spark the table is an external
Parquet table over <lake>/monitoring/baseline. So before the build the warehouse's rows replace
that folder (or empty it, when the warehouse has none yet), and after it the versions Spark added
are inserted into the warehouse's table (created by the same dbt macro when missing).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import warehouse
from ingestion.parquet_export import export_relation, relations

SCHEMA, TABLE = "monitoring", "baseline"  # dbt source monitoring.baseline
RELATION = f'"{SCHEMA}"."{TABLE}"'  # in the warehouse
SPARK_TABLE = f"{SCHEMA}.{TABLE}"  # in Spark's catalog


def export_baseline(con: duckdb.DuckDBPyConnection, root: Path) -> int:
    """The warehouse's baselines as <root>/monitoring/baseline (no folder when it has none, so
    that Spark's table starts empty as the warehouse's does); rows written."""
    if TABLE in relations(con, SCHEMA):
        return export_relation(con, SCHEMA, TABLE, root)
    shutil.rmtree(root / SCHEMA / TABLE, ignore_errors=True)
    return 0


def import_baseline(home: Path, spark_rows: pa.Table, create_table: Callable[[], None]) -> int:
    """Insert into the warehouse the baseline versions among `spark_rows` (Spark's table) that
    its table lacks (the first baseline a Spark build recorded), calling `create_table` first
    when the warehouse has no table yet; rows inserted."""
    if spark_rows.num_rows == 0:
        return 0
    con = warehouse.connect(home, read_only=True, wait=warehouse.wait_seconds())
    try:
        exists = TABLE in relations(con, SCHEMA)
    finally:
        con.close()
    if not exists:
        create_table()
    con = warehouse.connect(home, wait=warehouse.wait_seconds())
    try:
        con.register("spark_baseline", spark_rows)
        before = con.execute(f"select count(*) from {RELATION}").fetchone()[0]  # noqa: S608
        con.execute(
            f"insert into {RELATION} by name select * from spark_baseline "  # noqa: S608
            f"where baseline_version not in (select baseline_version from {RELATION})"
        )
        return con.execute(f"select count(*) from {RELATION}").fetchone()[0] - before  # noqa: S608
    finally:
        con.close()
