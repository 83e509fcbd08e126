"""The dbt project itself: parses with warnings as errors, and its SQL passes sqlfluff."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt_project"


def _dbt_env(tmp_path: Path) -> dict[str, str]:
    return os.environ | {
        "DBT_PROFILES_DIR": str(DBT_DIR),
        "SHOPFLOOR_HOME": str(tmp_path),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def test_dbt_parse_with_warnings_as_errors(tmp_path):
    (tmp_path / "warehouse").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "--warn-error", "parse", "--no-partial-parse"],
        cwd=DBT_DIR,
        env=_dbt_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert (tmp_path / "target" / "manifest.json").exists()


def test_sqlfluff_lints_models_and_tests_clean():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlfluff",
            "lint",
            "dbt_project/models",
            "dbt_project/tests",
            "--nofail" if False else "--disable-progress-bar",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-6000:]


def test_python_and_dbt_agree_on_the_lookback():
    """The silver suites scope staging views with the same delivery bounds as dbt's macros."""
    import yaml

    from orchestration.defs.dbt.run_window import LOOKBACK_DAYS

    project = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    assert project["vars"]["lookback_days"] == LOOKBACK_DAYS


def test_python_and_dbt_scope_staging_views_to_the_same_deliveries(tmp_path):
    """The silver suites (Python) and dbt's incremental models read the same deliveries for a
    window: both set the staging views' session variables, and here both are run and compared."""
    import duckdb

    from orchestration.defs.dbt.run_window import RunWindow, scope_staging_views

    window = RunWindow(date(2026, 3, 10), date(2026, 3, 12))
    (tmp_path / "warehouse").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "--quiet", "compile", "--inline",
         "{{ scope_views_to_run_window() }}"],
        cwd=DBT_DIR, env=_dbt_env(tmp_path) | window.environment(),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    bounds = "select getvariable('shopfloor_delivered_from'), getvariable('shopfloor_delivered_to')"
    by_dbt = duckdb.connect()
    by_dbt.execute(proc.stdout.strip())
    by_python = duckdb.connect()
    scope_staging_views(by_python, window)
    assert by_dbt.execute(bounds).fetchone() == by_python.execute(bounds).fetchone()
    assert by_python.execute(bounds).fetchone() == window.deliveries()


def test_the_plant_facts_shape_the_compiled_sql(tmp_path):
    """dbt compiles with the plant's vars: the second plant's time zone and shifts, and a plant's
    own log rule, end up in the SQL; without the vars a build refuses to compile."""
    import copy
    import json

    import yaml

    from plants.dbt_vars import dbt_vars
    from plants.model import PLANTS_DIR, load_plant

    raw = yaml.safe_load((PLANTS_DIR / "prairie.yaml").read_text(encoding="utf-8"))
    rules = copy.deepcopy(
        yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][
            "log_rules"
        ]
    )
    next(r for r in rules if r["name"] == "production_running")["pattern"] = (
        r"^(\S+): Produktion laeuft, Produkt (\S+)$"
    )
    raw["log_rules"] = rules
    plant_file = tmp_path / "plant.yaml"
    plant_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    (tmp_path / "warehouse").mkdir()

    def compile_(model: str, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "dbt.cli.main", "--quiet", "compile", "--select", model,
             *extra],
            cwd=DBT_DIR, env=_dbt_env(tmp_path), capture_output=True, text=True, check=False,
        )  # fmt: skip

    plant_vars = json.dumps(dbt_vars(load_plant(plant_file)))
    parsed = compile_("int_machine_log_events_parsed", "--vars", plant_vars)
    assert parsed.returncode == 0, parsed.stdout[-3000:]
    assert "Produktion laeuft" in parsed.stdout
    batches = compile_("base_mes__production_batches", "--vars", plant_vars)
    assert batches.returncode == 0, batches.stdout[-3000:]
    assert "America/Chicago" in batches.stdout and "'NIGHT'" in batches.stdout
    assert "Europe/Berlin" not in batches.stdout and "'EARLY'" not in batches.stdout
    missing = compile_("base_mes__production_batches")
    assert missing.returncode != 0 and "plant_timezone" in missing.stdout
