"""Warehouse schemas as Parquet under the home, the files another engine reads (issue 22).

Bronze (with its lineage columns) and the plant reference go out for Spark to read as its dbt
sources (`dbt_project/macros/spark_sources.sql` registers each as a view over its folder); Spark's
gold comes back the same way, for the truth gate and publish to read as they read DuckDB's.
One folder per relation, `<root>/<schema>/<relation>/`; a relation with a `delivery_date` or
`production_date` column is partitioned by it (Hive-style `column=value/` folders, which Spark
discovers, and which let a cluster read one day without listing the rest).

Why DuckDB's COPY and not a Spark writer: the warehouse is DuckDB's file, which only DuckDB reads;
COPY writes partitioned Parquet directly, with no second engine in the bronze process.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb

# Columns a relation is partitioned by, the first it has: the day a file landed (bronze) or the
# day a row belongs to (silver, gold).
PARTITION_COLUMNS = ("delivery_date", "production_date")
SOURCE_SCHEMAS = ("bronze", "plant")  # what the spark target reads (macros/spark_sources.sql)


def relations(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """The tables and views of `schema` in the connected database, by name."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "and table_catalog = current_database() order by table_name",
        [schema],
    ).fetchall()
    return [name for (name,) in rows]


def partition_column(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> str | None:
    """The column `schema.name` is partitioned by in Parquet, or None (one file)."""
    columns = {
        column
        for (column,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? and table_catalog = current_database()",
            [schema, name],
        ).fetchall()
    }
    return next((c for c in PARTITION_COLUMNS if c in columns), None)


def export_schemas(
    con: duckdb.DuckDBPyConnection, root: Path, schemas: Iterable[str] = SOURCE_SCHEMAS
) -> dict[str, int]:
    """Write every relation of `schemas` to `<root>/<schema>/<relation>/`, replacing what was
    there; returns the rows written per `schema.relation`."""
    written: dict[str, int] = {}
    for schema in schemas:
        for name in relations(con, schema):
            written[f"{schema}.{name}"] = export_relation(con, schema, name, root)
    return written


def export_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str, root: Path) -> int:
    """Write one relation as Parquet (partitioned when it has a date column; see the module
    docstring); returns its row count. Identifiers come from the catalog, quoted."""
    target = root / schema / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    relation = f'"{schema}"."{name}"'
    rows = con.execute(f"select count(*) from {relation}").fetchone()[0]  # noqa: S608
    # An empty relation partitioned writes no file, and Spark cannot read a folder without one.
    column = partition_column(con, schema, name) if rows else None
    if column:
        con.execute(
            f"copy (select * from {relation}) to '{target}' "  # noqa: S608 (catalog names)
            f'(format parquet, partition_by ("{column}"), overwrite_or_ignore)'
        )
    else:
        data = target / "data.parquet"
        con.execute(f"copy (select * from {relation}) to '{data}' (format parquet)")  # noqa: S608
    return rows
