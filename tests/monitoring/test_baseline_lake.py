"""The recorded baselines leave the warehouse for a Spark build and its new versions come back
(orchestration/spark/baseline_state.py), without a Spark: the rows Spark's table holds are given
as the Arrow table Spark's toArrow() returns, with the column types Spark reads from DuckDB's
Parquet. The warehouse's table is created by dbt's macro (ensure_baseline_table) when missing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion import warehouse
from orchestration.spark.baseline_state import SCHEMA, TABLE, export_baseline, import_baseline
from orchestration.spark.build import build_vars_json, run_duckdb_dbt
from plants.home import Home

SPARK_TYPES = pa.schema([
    ("baseline_version", pa.int32()), ("baseline_name", pa.string()),
    ("period_from", pa.date32()), ("period_to", pa.date32()),
    ("recorded_at", pa.timestamp("us", tz="UTC")), ("is_active", pa.bool_()),
    ("machine_id", pa.string()), ("metric", pa.string()), ("n_days", pa.int32()),
    ("median", pa.float64()), ("mad", pa.float64()), ("p05", pa.float64()), ("p95", pa.float64()),
])  # fmt: skip


def spark_rows(version: int, machines: list[str]) -> pa.Table:
    """Baseline `version` over two days for `machines`, as Spark's table would hold it."""
    recorded = datetime(2026, 10, 24, 5, 30, tzinfo=UTC)
    rows = [
        (version, "automatic", date(2026, 10, 22), date(2026, 10, 23), recorded, True,
         machine, "scrap_rate", 2, 0.01 * i, 0.002, 0.005, 0.02)
        for i, machine in enumerate(machines)
    ]  # fmt: skip
    return pa.Table.from_pylist(
        [dict(zip(SPARK_TYPES.names, row, strict=True)) for row in rows], SPARK_TYPES
    )


def warehouse_rows(home: Path) -> pa.Table:
    con = warehouse.connect(home, read_only=True)
    try:
        query = f'select * from "{SCHEMA}"."{TABLE}" order by baseline_version, machine_id'
        return con.sql(query).to_arrow_table()
    finally:
        con.close()


def test_new_versions_come_back_into_a_table_dbt_creates_and_go_out_again(tmp_path):
    home = tmp_path / "home"
    warehouse.connect(home).close()  # an empty warehouse: no monitoring.baseline yet
    Home(home).dbt_log.parent.mkdir()  # dbt's output goes to the home's log, as on a run
    created = []

    def create_table() -> None:
        created.append(True)
        run_duckdb_dbt(
            home, ["run-operation", "ensure_baseline_table"], build_vars_json(home, {}), "test"
        )

    first = spark_rows(1, ["M1", "M2"])
    assert import_baseline(home, first, create_table) == 2
    assert created == [True]
    assert warehouse_rows(home).cast(SPARK_TYPES).equals(first)

    # Spark's table holds the exported version 1 and a new version 2: only version 2 comes back
    both = pa.concat_tables([first, spark_rows(2, ["M1"])])
    assert import_baseline(home, both, create_table) == 1
    assert import_baseline(home, both, create_table) == 0
    assert created == [True]

    lake = tmp_path / "lake"
    con = warehouse.connect(home, read_only=True)
    try:
        assert export_baseline(con, lake) == 3
    finally:
        con.close()
    exported = pq.read_table(lake / SCHEMA / TABLE)
    assert exported.schema.types == SPARK_TYPES.types  # what Spark's table is declared with
    order = [("baseline_version", "ascending"), ("machine_id", "ascending")]
    assert exported.sort_by(order).to_pylist() == warehouse_rows(home).to_pylist()


def test_a_warehouse_without_baselines_leaves_no_folder_behind(tmp_path):
    stale = tmp_path / SCHEMA / TABLE
    stale.mkdir(parents=True)
    (stale / "data.parquet").write_bytes(b"rows of another warehouse")
    assert export_baseline(duckdb.connect(), tmp_path) == 0
    assert not stale.exists()
