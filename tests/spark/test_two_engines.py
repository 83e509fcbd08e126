"""The same dbt project on DuckDB and on Spark gives the same gold (issue 22).

A 2-day home without chaos, with anomalies injected on its second day only, is built twice from
the same landing files (the first baseline recorded from the first day on both):
by `shopfloor run` (DuckDB) and by `shopfloor run --engine spark`, which must end PASSED, i.e.
the truth gate passed on Spark's gold and published it. Then every gold table of the DuckDB build
must equal the Spark build's row for row, and the baseline each recorded must be the same.

Normalization (the documented difference between the engines' results, nothing else): rows are
compared as multisets (neither engine promises an order); each column is cast to the DuckDB
build's type (Spark's gold comes back through Parquet with Spark's types: string for varchar,
int for integer); doubles are rounded to 9 decimals (the engines sum floating-point values in a
different order). Every other value must be identical.

Runs only where the `spark` extra is installed (`uv sync --extra spark`); Java is installed from
Debian's packages when missing. It costs several minutes (a JVM and 90 models on a local Spark).
"""

from __future__ import annotations

import duckdb

from ingestion.warehouse import db_path
from tests.spark.conftest import DOUBLE_DIGITS, SPARK_TESTS

pytestmark = SPARK_TESTS


def gold_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = ? "
        "and table_schema = 'gold' and table_type = 'BASE TABLE' order by 1",
        [catalog],
    ).fetchall()
    return [name for (name,) in rows]


def normalized(con: duckdb.DuckDBPyConnection, catalog: str, table: str, types: dict) -> str:
    """A select of `catalog.gold.table` in the documented normalization (module docstring)."""
    columns = []
    for column, data_type in types.items():
        value = f'cast("{column}" as {data_type})'
        if data_type in {"DOUBLE", "FLOAT"}:
            value = f"round({value}, {DOUBLE_DIGITS})"
        columns.append(f'{value} as "{column}"')
    return f"select {', '.join(columns)} from {catalog}.gold.{table}"


def test_spark_run_passes_the_truth_gate(two_builds):
    _, _, output = two_builds
    assert "PASSED" in output
    assert "dbt on spark" in output


def test_every_gold_table_is_equal_on_both_engines(two_builds):
    on_duckdb, on_spark, _ = two_builds
    con = duckdb.connect()
    con.execute(f"attach '{db_path(on_duckdb)}' as d (read_only)")
    con.execute(f"attach '{db_path(on_spark)}' as s (read_only)")
    tables = gold_tables(con, "d")
    assert tables and tables == gold_tables(con, "s")
    different = {}
    for table in tables:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = 'd' and table_schema = 'gold' and table_name = ? "
                "order by ordinal_position",
                [table],
            ).fetchall()
        )
        left, right = normalized(con, "d", table, types), normalized(con, "s", table, types)
        only_duckdb = con.execute(f"select count(*) from ({left} except all {right})").fetchone()
        only_spark = con.execute(f"select count(*) from ({right} except all {left})").fetchone()
        if only_duckdb[0] or only_spark[0]:
            different[table] = (only_duckdb[0], only_spark[0])
    assert not different, f"rows only on duckdb / only on spark: {different}"
    # the anomaly mart is compared with rows in it, not two empty tables
    assert con.execute("select count(*) from d.gold.fct_anomaly").fetchone()[0] > 0


def test_both_engines_record_the_same_first_baseline(two_builds):
    on_duckdb, on_spark, _ = two_builds
    con = duckdb.connect()
    con.execute(f"attach '{db_path(on_duckdb)}' as d (read_only)")
    con.execute(f"attach '{db_path(on_spark)}' as s (read_only)")
    recorded = [
        con.execute(
            "select baseline_version, baseline_name, period_from, period_to, is_active, "
            "machine_id, metric, n_days, round(median, ?), round(mad, ?), round(p05, ?), "
            f"round(p95, ?) from {catalog}.monitoring.baseline order by all",
            [DOUBLE_DIGITS] * 4,
        ).fetchall()
        for catalog in ("d", "s")
    ]
    assert recorded[0] and recorded[0] == recorded[1]
