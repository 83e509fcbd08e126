"""Publish gold, the audit trail, rejects and load accounting to `warehouse/serving.duckdb`,
atomically, in a storage format every DuckDB 1.x reads.

Why: analysts and the dashboard must never meet a lock error or half a publication, and never need
the pipeline's warehouse. The serving copy carries what they read (SERVED_SCHEMAS): `gold` (the
marts, with their lineage columns, and the table macro `gold.kpi_selection`), `audit` (the gate's
results), `meta.publication`, `rejects.<source>` (every row bronze refused, one table per source,
as `bronze.<source>_rejects`) and `accounting` (`files`, `loads`, `file_actions`: bronze's
manifest, load log and retract/restore trail, where rows read = rows loaded + rows rejected per
file and delivery date).

Why STORAGE_VERSION, not a Parquet export beside the copy (bench/RESULTS.md, "Serving copy for
DuckDB 1.x readers"): the project's DuckDB 2.0 writes storage version 69 by default, which no 1.x
reader opens (the DuckDB CLI on PyPI is 1.5.x; DBeaver, ODBC and JDBC drivers of the 1.x line).
Attaching the new copy with `STORAGE_VERSION 'v1.0.0'` writes storage version 64, which every
DuckDB 1.x (and 0.10) reads, in one file, so the atomic rename below still covers the whole
publication and the table macros keep working in the CLI. On the demo's 14 days it cost about
0.9 s more to write (3.2 vs 2.3 s) and 15 % more bytes (18.4 vs 16.0 MB); `v1.5.0` costs nothing
but only 1.5.x readers open it. A Parquet export beside the copy cost as much time, 30 % more
bytes, and would be a second publication (a folder of files, which no rename swaps at once)
whose readers lose the schema names and the table macros.

The writer never opens serving.duckdb itself: it builds a new file next to it (write_copy) and
renames it into place (os.replace is atomic on one file system). A reader that already has the
old file open keeps its consistent snapshot (the old inode) and sees the new data on its next
connect.

A run killed while it writes the new file leaves `.serving.duckdb.<uuid>.tmp` (and its `.wal`)
behind. The next publish removes every such file before it writes its own: it holds the warehouse
open for writing, which DuckDB allows one process at a time, and the steps that open it run one
at a time (the writer pool, orchestration/instance.py), so no live run can be writing one. Once
the new copy is in place the run's validation report says PASSED (ground_truth/report.py:
mark_published), never before.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from ground_truth import audit
from ground_truth.report import mark_published
from ingestion.contracts import SOURCES
from ingestion.versions import ACTIONS_TABLE
from plants.home import Home

# Storage version 64, what DuckDB 1.0 wrote: every DuckDB >= 0.10 reads it (1.5 reads 64-68).
SERVING_STORAGE_VERSION = "v1.0.0"
COPIED_SCHEMAS = ("gold", "audit")  # whole schemas, tables and table macros
# Bronze tables the serving copy carries under analyst names: (schema, table) <- warehouse table.
BRONZE_COPIES: dict[tuple[str, str], str] = {
    **{("rejects", name): spec.rejects_table for name, spec in SOURCES.items()},
    ("accounting", "files"): "bronze._files",
    ("accounting", "loads"): "bronze._loads",
    ("accounting", "file_actions"): ACTIONS_TABLE,
}
SERVED_SCHEMAS = (*COPIED_SCHEMAS, *dict.fromkeys(s for s, _ in BRONZE_COPIES), "meta")


@dataclass(frozen=True)
class Publication:
    """What one publish wrote."""

    path: Path
    published_at: datetime
    run_id: str
    production_dates: list[date]
    tables: int


def serving_path(home: Path) -> Path:
    return Home(home).serving


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? order by table_name",
        [schema],
    ).fetchall()
    return [r[0] for r in rows]


def _table_macros(con: duckdb.DuckDBPyConnection, schema: str) -> list[tuple[str, list, str]]:
    """The schema's table macros (name, parameters, query), e.g. gold.kpi_selection."""
    return con.execute(
        "select function_name, parameters, macro_definition from duckdb_functions() "
        "where database_name = current_database() and schema_name = ? "
        "and function_type = 'table_macro' order by function_name",
        [schema],
    ).fetchall()


def temp_copies(home: Path) -> list[Path]:
    """Half-written serving copies (and their WAL files) in the warehouse folder."""
    return sorted(serving_path(home).parent.glob(f".{serving_path(home).name}.*.tmp*"))


def remove_dead_temp_copies(home: Path) -> list[Path]:
    """Remove the temp copies killed runs left; call only while holding the warehouse for
    writing (publish does), which proves no other run is writing one."""
    removed = temp_copies(home)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_copy(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    publication: dict,
    storage_version: str = SERVING_STORAGE_VERSION,
) -> int:
    """Write a complete serving copy to the new file `path` from the open warehouse connection,
    with `publication` appended to meta.publication; the number of tables copied."""
    tables = 0
    con.execute("attach ? as serving_new (storage_version ?)", [str(path), storage_version])
    try:
        for schema in COPIED_SCHEMAS:
            con.execute(f"create schema serving_new.{schema}")
            for table in _tables(con, schema):
                name = f"{schema}.{_ident(table)}"
                con.execute(f"create table serving_new.{name} as select * from {name}")  # noqa: S608
                tables += 1
            for name, parameters, query in _table_macros(con, schema):
                con.execute(
                    f"create macro serving_new.{schema}.{_ident(name)}"
                    f"({', '.join(map(_ident, parameters))}) as table {query}"
                )
        for schema in dict.fromkeys(s for s, _ in BRONZE_COPIES):
            con.execute(f"create schema serving_new.{schema}")
        for (schema, table), source in BRONZE_COPIES.items():
            con.execute(f"create table serving_new.{schema}.{table} as select * from {source}")  # noqa: S608 - fixed names
            tables += 1
        con.execute("create schema serving_new.meta")
        con.execute(
            "create table serving_new.meta.publication as "
            "select * from audit.publications where false"
        )
        con.execute("insert into serving_new.meta.publication select * from audit.publications")
        con.execute(
            "insert into serving_new.meta.publication values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(publication.values()),
        )
    finally:
        con.execute("detach serving_new")  # checkpoints and closes the file: no WAL left behind
    return tables


def publish(
    con: duckdb.DuckDBPyConnection,
    home: Path,
    run_id: str,
    production_dates: list[date],
    validation_status: str,
    metrics_checked: int | None = None,
    metrics_failed: int | None = None,
) -> Publication:
    """Copy gold + audit from the open warehouse connection into a new file, then rename it."""
    target = serving_path(home)
    remove_dead_temp_copies(home)  # `con` holds the warehouse: every temp copy there is dead
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    now = datetime.now(UTC)
    audit.ensure_audit(con)
    covered = con.execute(
        "select min(production_date), max(production_date) from gold.kpi_plant_daily"
    ).fetchone()
    row = {
        "published_at": now,
        "run_id": run_id,
        "production_dates": sorted(production_dates),
        "covered_from": covered[0],
        "covered_to": covered[1],
        "validation_status": validation_status,
        "metrics_checked": metrics_checked,
        "metrics_failed": metrics_failed,
        "serving_path": str(target),
    }
    try:
        tables = write_copy(con, tmp, row)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    audit.append(con, "publications", [row])
    mark_published(home, run_id, now, target)
    return Publication(target, now, run_id, sorted(production_dates), tables)


def connect_serving(home: Path) -> duckdb.DuckDBPyConnection:
    """How readers open the serving copy: read-only, UTC session time zone."""
    con = duckdb.connect(str(serving_path(home)), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con
