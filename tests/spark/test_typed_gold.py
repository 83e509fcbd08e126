"""Spark's gold comes into the warehouse typed as DuckDB's contracts (orchestration/spark/
typed_gold.py), without Spark: a tiny warehouse and Parquet files with Spark's kind of types
(int for bigint, strings for dates), as Spark writes them; and the project's own contracts, read
from the DuckDB target's manifest, against the gold a DuckDB build made."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.warehouse import db_path
from orchestration.defs.dbt.project import parsed_manifest
from orchestration.spark.typed_gold import GoldImportFailed, contracts, import_gold_tables
from tests.spark.conftest import GOLD_COLUMNS

# A manifest's shape as dbt writes it, cut to what contracts() reads: one contracted gold model,
# one uncontracted gold model and one contracted model of another schema (both to leave out).
COLUMNS = {"machine_id": "varchar", "production_date": "date", "good_qty": "bigint"}
MANIFEST = {
    "nodes": {
        "model.shopfloor.kpi_tiny": {
            "resource_type": "model", "name": "kpi_tiny", "alias": "kpi_tiny", "schema": "gold",
            "config": {"contract": {"enforced": True}},
            "columns": {name: {"name": name, "data_type": t} for name, t in COLUMNS.items()},
        },
        "model.shopfloor.loose": {
            "resource_type": "model", "name": "loose", "alias": "loose", "schema": "gold",
            "config": {"contract": {"enforced": False}}, "columns": {},
        },
        "model.shopfloor.int_tiny": {
            "resource_type": "model", "name": "int_tiny", "alias": "int_tiny", "schema": "silver",
            "config": {"contract": {"enforced": True}}, "columns": {},
        },
    }
}  # fmt: skip


def spark_parquet(folder: Path, dates: list[str]) -> str:
    """kpi_tiny as Spark would write it: its own column order, int and string types."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(
        "create table spark_rows as select cast(i as integer) as good_qty, 'M' || i as machine_id, "
        "d as production_date from (select unnest(range(len($dates))) as i, unnest($dates) as d)",
        {"dates": dates},
    )
    con.execute("copy spark_rows to ? (format parquet)", [str(folder / "part-0.parquet")])
    return str(folder / "*.parquet")


def test_contracts_are_the_contracted_gold_models_columns_in_order():
    assert contracts(MANIFEST) == {"kpi_tiny": COLUMNS}
    assert list(contracts(MANIFEST)["kpi_tiny"]) == list(COLUMNS)


def test_spark_gold_takes_the_contract_types_and_order(tmp_path):
    files = spark_parquet(tmp_path / "kpi_tiny", ["2026-10-22", "2026-10-23"])
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    import_gold_tables(con, {"kpi_tiny": files}, contracts(MANIFEST))
    types = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'gold' and table_name = 'kpi_tiny' order by ordinal_position"
    ).fetchall()
    assert types == [("machine_id", "VARCHAR"), ("production_date", "DATE"), ("good_qty", "BIGINT")]
    rows = con.execute("select * from gold.kpi_tiny order by good_qty").fetchall()
    assert [(m, str(d), q) for m, d, q in rows] == [
        ("M0", "2026-10-22", 0),
        ("M1", "2026-10-23", 1),
    ]


def test_a_value_that_does_not_cast_fails_naming_table_and_column(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    good = spark_parquet(tmp_path / "good", ["2026-10-22"])
    import_gold_tables(con, {"kpi_tiny": good}, contracts(MANIFEST))
    bad = spark_parquet(tmp_path / "bad", ["2026-10-22", "the 23rd"])
    with pytest.raises(GoldImportFailed, match=r"gold\.kpi_tiny\.production_date: .* date"):
        import_gold_tables(con, {"kpi_tiny": bad}, contracts(MANIFEST))
    # nothing replaced: the gold the import found is still there
    assert con.execute("select count(*) from gold.kpi_tiny").fetchone() == (1,)


def test_spark_gold_must_have_the_contracts_tables_and_columns(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    files = spark_parquet(tmp_path / "kpi_tiny", ["2026-10-22"])
    with pytest.raises(GoldImportFailed, match=r"not built \['kpi_tiny'\]"):
        import_gold_tables(con, {}, contracts(MANIFEST))
    wider = {"kpi_tiny": {**COLUMNS, "scrap_qty": "bigint"}}
    with pytest.raises(GoldImportFailed, match=r"gold\.kpi_tiny: .*missing \['scrap_qty'\]"):
        import_gold_tables(con, {"kpi_tiny": files}, wider)


def test_the_manifests_contracts_are_the_shape_duckdb_builds(pipeline_home, tmp_path):
    """The gold of a DuckDB build, through Parquet and the import into an empty warehouse,
    comes back with the build's columns, order and types: the import types a Spark-built home's
    gold as a DuckDB build would."""
    built = duckdb.connect(str(db_path(pipeline_home)), read_only=True)
    parquet = {}
    for (table,) in built.execute(
        "select table_name from information_schema.tables where table_schema = 'gold' "
        "and table_type = 'BASE TABLE'"
    ).fetchall():
        (tmp_path / table).mkdir()
        built.execute(
            f'copy gold."{table}" to ? (format parquet)', [str(tmp_path / table / "0.parquet")]
        )
        parquet[table] = str(tmp_path / table / "*.parquet")
    fresh = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    import_gold_tables(fresh, parquet, contracts(parsed_manifest()))
    assert fresh.execute(GOLD_COLUMNS).fetchall() == built.execute(GOLD_COLUMNS).fetchall()
