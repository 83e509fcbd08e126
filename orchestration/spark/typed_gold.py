"""Spark's gold into the DuckDB warehouse, typed as the DuckDB build's contracts declare it.

Why: the truth gate, publish and the dashboard read the warehouse's gold with DuckDB's types,
while Spark's gold comes back as Parquet with Spark's (string, int, interval...). The types are
not written here a second time: dbt's manifest of the DuckDB target declares every contracted
gold model's columns, in order, with their data types (the models' YAML, their one owner). Each
table is created with those columns and Spark's rows are cast into it with a strict cast, so a
value that does not cast fails the import naming the table and the column instead of becoming
null. The tables are replaced in one transaction: a failed import leaves the gold it found.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

GOLD_SCHEMA = "gold"
Contracts = Mapping[str, Mapping[str, str]]  # {table: {column: data_type}}, columns in order


class GoldImportFailed(RuntimeError):
    """Spark's gold does not fit DuckDB's contracts: the message names the table and column."""


def contracts(manifest: Mapping, schema: str = GOLD_SCHEMA) -> dict[str, dict[str, str]]:
    """{table: {column: data_type}} of the manifest's contract-enforced models in `schema`,
    each table's columns in their declared order (the order DuckDB's contract builds)."""
    found = {}
    for node in manifest["nodes"].values():
        enforced = (node.get("config") or {}).get("contract", {}).get("enforced", False)
        if node["resource_type"] == "model" and node["schema"] == schema and enforced:
            columns = node["columns"].values()
            found[node.get("alias") or node["name"]] = {c["name"]: c["data_type"] for c in columns}
    return found


def quoted(name: str) -> str:
    """A catalog identifier quoted for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def cast_columns(columns: Mapping[str, str]) -> str:
    """The select list that casts each column (by name) to its contract type."""
    return ", ".join(f"cast({quoted(c)} as {t}) as {quoted(c)}" for c, t in columns.items())


def import_gold_tables(
    con: duckdb.DuckDBPyConnection, parquet: Mapping[str, str], contract: Contracts
) -> None:
    """Replace the warehouse's gold table of each {table: Parquet files} by the files' rows,
    typed by `contract`; every contracted table must come, no other. GoldImportFailed, naming
    table and column, when they do not fit; nothing is replaced then."""
    unknown, missing = sorted(set(parquet) - set(contract)), sorted(set(contract) - set(parquet))
    if unknown or missing:
        raise GoldImportFailed(
            f"Spark's gold tables differ from DuckDB's contracted gold models: "
            f"without a contract {unknown}, not built {missing}"
        )
    con.execute("begin transaction")
    table = None
    try:
        con.execute(f"create schema if not exists {quoted(GOLD_SCHEMA)}")
        for table, files in parquet.items():
            replace_table(con, table, files, contract[table])
        con.execute("commit")
    except Exception as error:
        con.execute("rollback")
        if isinstance(error, duckdb.Error) and table is not None:
            raise failure(con, table, parquet[table], contract[table], error) from error
        raise


def replace_table(
    con: duckdb.DuckDBPyConnection, table: str, files: str, columns: Mapping[str, str]
) -> None:
    """gold.`table` created with the contract's columns and types, Spark's rows cast into it."""
    described = con.execute("describe select * from read_parquet(?)", [files]).fetchall()
    found = [row[0] for row in described]
    if sorted(found) != sorted(columns):
        raise GoldImportFailed(
            f"{GOLD_SCHEMA}.{table}: Spark's columns differ from the contract: without a contract "
            f"{sorted(set(found) - set(columns))}, missing {sorted(set(columns) - set(found))}"
        )
    relation = f"{quoted(GOLD_SCHEMA)}.{quoted(table)}"
    definition = ", ".join(f"{quoted(c)} {t}" for c, t in columns.items())
    con.execute(f"create or replace table {relation} ({definition})")
    insert = f"insert into {relation} select {cast_columns(columns)} from read_parquet(?)"  # noqa: S608 (catalog names, contract types)
    con.execute(insert, [files])


def failure(
    con: duckdb.DuckDBPyConnection,
    table: str,
    files: str,
    columns: Mapping[str, str],
    error: duckdb.Error,
) -> GoldImportFailed:
    """The import's error naming the table and, when one column's cast fails alone, the column
    and its contract type (each column cast by itself, after the rollback)."""
    for column, data_type in columns.items():
        try:
            con.execute(
                f"select count(cast({quoted(column)} as {data_type})) from read_parquet(?)",  # noqa: S608
                [files],
            ).fetchone()
        except duckdb.Error as column_error:
            return GoldImportFailed(
                f"{GOLD_SCHEMA}.{table}.{column}: Spark's values do not cast to {data_type}: "
                f"{str(column_error).splitlines()[0]}"
            )
    return GoldImportFailed(f"{GOLD_SCHEMA}.{table}: {str(error).splitlines()[0]}")
