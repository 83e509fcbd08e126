"""End to end on pipeline_home (generate → bronze → silver → gold → gate → publish through the
same Dagster code as the CLI): what gold shows, what a rebuild and a run with nothing new do, and
dbt's unit tests and docs on the built warehouse. Gold against truth: tests/validation/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from plants.dbt_vars import dbt_vars_arg
from plants.home import home_plant
from tests.homes import REPO, copy_built, query, query_dicts

DAYS = 4  # the pipeline_home fixture (tests/conftest.py) builds four days from 2026-10-23


def test_smelter_02_degradation_is_visible_in_gold(pipeline_home):
    rows = query_dicts(
        pipeline_home,
        "select production_date, performance from gold.kpi_machine_daily "
        "where machine_id = ? order by production_date",
        ["SMELTER-02"],
    )
    assert len(rows) >= DAYS - 1
    assert rows[-1]["performance"] < rows[0]["performance"]


def _built_tables(home: Path) -> list[str]:
    """Every table dbt built in silver and gold (views excluded: they hold no rows)."""
    rows = query(
        home,
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where schema_name in ('silver', 'gold') order by 1",
    )
    return [name for (name,) in rows]


def _table_rows(home: Path, table: str) -> list[tuple]:
    return query(home, f"select * from {table} order by all")


def test_rebuilding_a_partition_changes_nothing(pipeline_home, tmp_path):
    """Incremental silver and gold: re-running a production date (and its lookback) through the
    windowed path over the tables the whole-range run built gives exactly those tables.

    Once is enough: the rerun merges into rows that already exist (a model that duplicated or
    dropped rows on a rerun fails here), and a second rerun would start from the same tables."""
    from cli.run import run_transform

    home = copy_built(pipeline_home, tmp_path / "home")
    tables = _built_tables(home)
    assert {"silver.int_machine_state_intervals", "gold.kpi_machine_daily"} <= set(tables)
    before = {t: _table_rows(home, t) for t in tables}
    day = date(2026, 10, 25)
    outcome = run_transform(home, day, day, echo=lambda _: None, force=True)
    assert outcome.success and not outcome.up_to_date and outcome.assets > 0
    after = {t: _table_rows(home, t) for t in tables}
    for table in tables:
        assert after[table] == before[table], table
    assert before["gold.kpi_machine_daily"] and before["silver.int_sensor_readings_aligned"]


def test_a_run_with_nothing_new_builds_and_publishes_nothing(pipeline_home, tmp_path):
    """A second run over dates already published, with the same bronze files, truth and code,
    builds nothing: no materialization, no new publication, the serving copy untouched."""
    from cli.run import run_transform

    home = copy_built(pipeline_home, tmp_path / "home")
    serving = home / "warehouse" / "serving.duckdb"
    published = serving.stat().st_mtime_ns
    lines: list[str] = []
    outcome = run_transform(home, date(2026, 10, 24), date(2026, 10, 25), echo=lines.append)
    assert outcome.success and outcome.up_to_date, lines
    assert outcome.assets == 0 and outcome.checks_total == 0
    assert "up to date: nothing new" in lines[0]
    assert serving.stat().st_mtime_ns == published
    [(builds,)] = query(home, "select count(distinct run_id) from audit.build_inputs")
    [(publications,)] = query(home, "select count(*) from audit.publications")
    assert (builds, publications) == (1, 1)  # the fixture's build; the skipped run added none


def _dbt_on_a_copy(pipeline_home: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run a dbt command on a private copy of the built home; artifacts go to tmp_path/target."""
    home = copy_built(pipeline_home, tmp_path / "home")
    dbt_dir = REPO / "dbt_project"
    env = os.environ | {
        "DBT_PROFILES_DIR": str(dbt_dir),
        "SHOPFLOOR_HOME": str(home),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    return subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", *args, *dbt_vars_arg(home_plant(home))],
        cwd=dbt_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_dbt_unit_tests_pass(pipeline_home, tmp_path):
    """dbt unit tests run here (dev/CI), not in every production run."""
    proc = _dbt_on_a_copy(pipeline_home, tmp_path, "test", "--select", "test_type:unit")
    assert proc.returncode == 0, proc.stdout[-4000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text(encoding="utf-8"))
    unit = [r for r in results["results"] if r["unique_id"].startswith("unit_test.")]
    assert len(unit) >= 20 and all(r["status"] == "pass" for r in unit)


def test_dbt_docs_generate_works(pipeline_home, tmp_path):
    proc = _dbt_on_a_copy(pipeline_home, tmp_path, "docs", "generate")
    assert proc.returncode == 0, proc.stdout[-3000:]
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text(encoding="utf-8"))
    assert any(k.endswith(".kpi_machine_daily") for k in catalog["nodes"])
