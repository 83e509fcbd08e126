"""The serving copy opens in the DuckDB CLI of the 1.x line, table macros included, and carries
what analysts need besides gold: every bronze reject and the load accounting."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cli.sql import duckdb_cli
from ingestion.contracts import SOURCES
from orchestration.defs.serving.publish import SERVED_SCHEMAS
from plants.home import Home
from tests.homes import query

SELECTION = (
    "select count(*), sum(produced_qty) from gold.kpi_selection("
    "(select min(production_date) from gold.kpi_machine_shift), "
    "(select max(production_date) from gold.kpi_machine_shift), [], "
    "(select list(machine_id) from gold.dim_machine), true, true)"
)


def _cli_csv(home: Path, sql: str) -> list[list[str]]:
    done = subprocess.run(
        [*duckdb_cli(), "-readonly", "-csv", "-noheader", str(Home(home).serving), "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    return [line.split(",") for line in done.stdout.splitlines()]


def test_duckdb_cli_1x_opens_the_copy_and_runs_its_table_macro(pipeline_home: Path) -> None:
    ((version,),) = _cli_csv(pipeline_home, "select version()")
    assert version.startswith("v1."), version  # the CLI analysts get from PyPI
    ((rows, produced),) = _cli_csv(pipeline_home, SELECTION)
    expected = query(pipeline_home, SELECTION, serving=True)[0]
    assert int(rows) > 0
    assert (int(rows), int(produced)) == tuple(int(v) for v in expected)


def _reject_counts(home: Path, tables: dict[str, str], serving: bool = False) -> list[tuple]:
    """(source, rows) of each source's reject table, named by `tables`, in one query."""
    sql = " union all ".join(f"select '{n}', count(*) from {t}" for n, t in sorted(tables.items()))
    return query(home, sql, serving=serving)


def test_copy_carries_rejects_and_accounting(pipeline_home: Path) -> None:
    schemas = {r[0] for r in query(pipeline_home, "select schema_name from duckdb_schemas() "
                                   "where not internal", serving=True)}  # fmt: skip
    assert set(SERVED_SCHEMAS) <= schemas
    in_bronze = _reject_counts(pipeline_home, {n: s.rejects_table for n, s in SOURCES.items()})
    served = _reject_counts(pipeline_home, {n: f"rejects.{n}" for n in SOURCES}, serving=True)
    assert served == in_bronze
    served_rejects = sum(n for _, n in served)
    assert served_rejects > 0  # default chaos refuses rows: the check has something to compare
    manifest = query(pipeline_home, "select * from bronze._files order by all")
    assert query(pipeline_home, "select * from accounting.files order by all", serving=True) == (
        manifest
    )
    rejected_in_manifest = query(
        pipeline_home,
        "select sum(rows_rejected) from accounting.files where outcome in ('loaded', 'rejected')",
        serving=True,
    )[0][0]
    assert rejected_in_manifest == served_rejects
