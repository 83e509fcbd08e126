"""The same dbt project on DuckDB and on Spark gives the same gold (issue 22).

A 2-day clean home is built twice from the same landing files: by `shopfloor run` (DuckDB) and by
`shopfloor run --engine spark`, which must end PASSED, i.e. the truth gate passed on Spark's
gold and published it. Then every gold table of the DuckDB build must equal the Spark build's
row for row.

Normalization (the documented difference between the engines' results, nothing else): rows are
compared as multisets (neither engine promises an order); each column is cast to the DuckDB
build's type (Spark's gold comes back through Parquet with Spark's types: string for varchar,
int for integer); doubles are rounded to 9 decimals (the engines sum floating-point values in a
different order). Every other value must be identical.

Runs only where the `spark` extra is installed (`uv sync --extra spark`); Java is installed from
Debian's packages when missing. It costs several minutes (a JVM and 90 models on a local Spark).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from generators.run import generate
from ingestion.warehouse import db_path
from tests.dashboard.dashboard_browser import APT_WAIT
from tests.homes import build_pipeline

JAVA_PACKAGE = "openjdk-17-jre-headless"  # Debian's Java 17, which pyspark 4 runs on


def ensure_java() -> bool:
    """Java on PATH, installed with apt-get when absent (the test command runs as root, as for
    the dashboard's chromium); False when it cannot be had."""
    apt = shutil.which("apt-get")
    if shutil.which("java") is None and apt is not None:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = [apt, *APT_WAIT, "install", "-y", "-q", JAVA_PACKAGE]
        if subprocess.run(install, env=env, check=False).returncode != 0:
            subprocess.run([apt, *APT_WAIT, "update", "-q"], env=env, check=False)
            subprocess.run(install, env=env, check=False)
    return shutil.which("java") is not None


SPARK_EXTRA = (
    importlib.util.find_spec("pyspark") is not None
    and importlib.util.find_spec("dbt.adapters.spark") is not None
)
SPARK_READY = SPARK_EXTRA and ensure_java()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(not SPARK_READY, reason="needs `uv sync --extra spark` and Java 17"),
]

START = date(2026, 10, 22)
DOUBLE_DIGITS = 9


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(DuckDB-built home, Spark-built home, the Spark run's output) from one generated home."""
    root = tmp_path_factory.mktemp("two_engines")
    landed = root / "landed"
    generate(landed, START, 2, seed=7, chaos_level="none")
    on_duckdb, on_spark = root / "duckdb", root / "spark"
    shutil.copytree(landed, on_duckdb)
    shutil.copytree(landed, on_spark)
    build_pipeline(on_duckdb)
    shopfloor = Path(sys.executable).with_name("shopfloor")
    run = subprocess.run(
        [str(shopfloor), "--home", str(on_spark), "run", "--engine", "spark", "--quiet"],
        capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return on_duckdb, on_spark, run.stdout


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
