"""Build silver and gold on Spark with the same dbt project, and bring Spark's gold back.

The steps: bronze and the plant reference leave the DuckDB warehouse as Parquet
(ingestion/parquet_export.py); dbt, target `spark` (dbt_project/profiles.yml, `method: session`),
registers them as its sources (macros/spark_sources.sql) and builds silver and gold; gold leaves
Spark as Parquet (<home>/lake/spark_gold) and replaces the warehouse's gold schema, which the truth
gate and publish then read exactly as they read DuckDB's.

Why dbt in this process (dbtRunner) and not a `dbt` subprocess per command: `method: session`
starts Spark inside dbt's process (≈50 s of JVM start-up); in one process the registration and
the build share one session (SparkSession.getOrCreate), so the start-up is paid once.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

from ingestion import warehouse
from ingestion.parquet_export import SOURCE_SCHEMAS, export_schemas
from ingestion.warehouse import dbt_env
from orchestration.defs.dbt.project import (
    DBT_DIR,
    DBT_EXECUTABLE,
    dbt_output_to,
    parsed_manifest,
)
from orchestration.spark import baseline_state
from orchestration.spark.typed_gold import GOLD_SCHEMA, contracts, import_gold_tables
from plants.dbt_vars import dbt_vars
from plants.home import HOME_ENV, Home, home_plant

SPARK_TARGET = "spark"
LAKE_VAR = "lake_root"  # the dbt var naming the lake (macros/spark_sources.sql)
SPARK_GOLD = "spark_gold"  # <lake>/spark_gold/<table>: Spark's gold as Parquet
BUILD = ["build", "--no-use-colors", "--exclude", "resource_type:unit_test"]


class SparkBuildFailed(RuntimeError):
    """dbt on Spark failed: the message names the failed nodes; the log holds dbt's output."""


@dataclass(frozen=True)
class SparkBuild:
    """What a Spark build did: rows exported per source, gold tables brought back."""

    sources: Mapping[str, int]
    gold_tables: tuple[str, ...]


def build_vars_json(home: Path, window_vars: Mapping[str, str]) -> str:
    """The dbt vars of the build: the plant's facts and the run window's vars, the same vars the
    DuckDB build passes (orchestration/defs/dbt/assets.py window_vars), and the home's lake,
    where Spark's sources are (macros/spark_sources.sql)."""
    plant_and_window = {**dbt_vars(home_plant(home)), **window_vars}
    return json.dumps({**plant_and_window, LAKE_VAR: str(Home(home).lake)}, sort_keys=True)


def export_sources(home: Path) -> dict[str, int]:
    """Bronze, the plant reference and the recorded baselines as Parquet, the Spark build's
    sources."""
    con = warehouse.connect(home, read_only=True, wait=warehouse.wait_seconds())
    try:
        written = export_schemas(con, Home(home).lake, SOURCE_SCHEMAS)
        written[baseline_state.SPARK_TABLE] = baseline_state.export_baseline(con, Home(home).lake)
        return written
    finally:
        con.close()


def run_dbt(home: Path, args: list[str]) -> None:
    """One dbt command on the spark target, in this process; raises SparkBuildFailed."""
    from dbt.cli.main import dbtRunner

    Home(home).spark.mkdir(parents=True, exist_ok=True)
    os.environ[HOME_ENV] = str(home)
    target = str(Home(home).spark / "target")
    command = [*args, "--target", SPARK_TARGET, "--project-dir", str(DBT_DIR),
               "--profiles-dir", str(DBT_DIR), "--target-path", target]  # fmt: skip
    # Spark's Derby metastore writes derby.log into the working directory: keep it in the home.
    with chdir(Home(home).spark), dbt_output_to(Home(home).dbt_log, f"spark: dbt {args[0]}"):
        result = dbtRunner().invoke(command)
    if not result.success:
        failed = []
        for node in getattr(result.result, "results", None) or []:
            if str(node.status) in {"error", "fail"}:
                failed.append(f"{node.node.name}: {(node.message or '').splitlines()[:1]}")
        raise SparkBuildFailed(
            f"dbt {args[0]} on Spark failed ({len(failed)} nodes): {'; '.join(failed[:20])} "
            f"{result.exception or ''}; see {Home(home).dbt_log}"
        )


def duckdb_staging_views(home: Path, dbt_vars_json: str) -> None:
    """The seeds and staging views in the DuckDB warehouse (views over its bronze, no data
    copied), which the silver expectations read (orchestration/defs/validation/suites.py): on a
    Spark run they check the same staging rules on the same bronze."""
    run_duckdb_dbt(
        home,
        ["build", "--select", "resource_type:seed", "config.materialized:view", "--exclude",
         "resource_type:test", "resource_type:unit_test"],
        dbt_vars_json,
        "seeds and staging views for the silver expectations",
    )  # fmt: skip


def run_duckdb_dbt(home: Path, args: list[str], dbt_vars_json: str, purpose: str) -> None:
    """One dbt command on the DuckDB warehouse (default target) in a child process, as every
    DuckDB build runs it, its output appended to the home's dbt log; raises SparkBuildFailed."""
    env = {**os.environ, HOME_ENV: str(home), **dbt_env()}
    command = [DBT_EXECUTABLE, *args, "--no-use-colors", "--vars", dbt_vars_json,
               "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--target-path",
               str(Home(home).spark / "duckdb-target")]  # fmt: skip
    log = Home(home).dbt_log
    with log.open("a", encoding="utf-8") as out:
        out.write(f"===== duckdb: {purpose}\n")
        out.flush()
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
    if done.returncode:
        raise SparkBuildFailed(f"dbt (duckdb) {purpose} failed; see {log}")


def spark_session():
    """The session dbt's `method: session` started in this process (the same JVM)."""
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()


def export_gold(home: Path) -> list[str]:
    """Every table of Spark's gold schema as Parquet under <lake>/spark_gold/<table>."""
    spark = spark_session()
    tables = sorted(
        row.tableName
        for row in spark.sql(f"show tables in {GOLD_SCHEMA}").collect()
        if not row.isTemporary
    )
    for table in tables:
        target = Home(home).lake / SPARK_GOLD / table
        spark.table(f"{GOLD_SCHEMA}.{table}").write.mode("overwrite").parquet(str(target))
    return tables


def import_baselines(home: Path, dbt_vars_json: str) -> int:
    """The baseline versions the Spark build recorded, into the warehouse's monitoring.baseline
    (created by dbt's macro when missing; baseline_state.py); rows inserted."""
    spark_rows = spark_session().table(baseline_state.SPARK_TABLE).toArrow()
    return baseline_state.import_baseline(
        home,
        spark_rows,
        lambda: run_duckdb_dbt(
            home, ["run-operation", "ensure_baseline_table"], dbt_vars_json, "baseline table"
        ),
    )


def import_gold(home: Path, tables: list[str]) -> None:
    """Replace the warehouse's gold tables by Spark's (Parquet), typed as the DuckDB build's
    contracts declare them (typed_gold.py), so that the gate and publish read the types they
    always read, whether or not the home was ever built on DuckDB."""
    parquet = {table: str(Home(home).lake / SPARK_GOLD / table / "*.parquet") for table in tables}
    con = warehouse.connect(home)
    try:
        import_gold_tables(con, parquet, contracts(parsed_manifest()))
    finally:
        con.close()


def duckdb_table_functions(home: Path, dbt_vars_json: str) -> None:
    """The gold table functions (gold.kpi_selection, ...) over the imported gold, by the DuckDB
    macros the gold models' post-hooks call on a DuckDB build (macros/gold_table_functions.sql),
    so that the serving copy of a Spark-built home serves them as a DuckDB-built one does."""
    run_duckdb_dbt(
        home,
        ["run-operation", "create_gold_table_functions"],
        dbt_vars_json,
        "gold table functions over Spark's gold",
    )


def build_on_spark(home: Path, window_vars: Mapping[str, str] | None = None) -> SparkBuild:
    """Silver and gold of `home` built on Spark in one dbt build (window_vars: the run window's
    dbt vars, none for all history); gold replaces the warehouse's gold. Needs
    `uv sync --extra spark` and Java 17."""
    home = Path(home).resolve()
    sources = export_sources(home)
    dbt_vars_json = build_vars_json(home, window_vars or {})
    run_dbt(home, ["run-operation", "register_lake_sources", "--vars", dbt_vars_json])
    run_dbt(home, [*BUILD, "--vars", dbt_vars_json])
    tables = export_gold(home)
    import_gold(home, tables)
    duckdb_table_functions(home, dbt_vars_json)
    import_baselines(home, dbt_vars_json)
    return SparkBuild(sources=sources, gold_tables=tuple(tables))
