"""The dbt project itself: parses with warnings as errors, and its SQL passes sqlfluff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
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


def _compile_inline(tmp_path: Path, sql: str, dbt_vars: dict[str, str]) -> str:
    """`sql` compiled by dbt with `dbt_vars`."""
    (tmp_path / "warehouse").mkdir(exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "--quiet", "compile", "--inline", sql,
         "--vars", json.dumps(dbt_vars)],
        cwd=DBT_DIR, env=_dbt_env(tmp_path), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    return proc.stdout.strip()


def test_the_partition_window_reaches_dbt_as_vars_and_dbt_derives_the_dates(tmp_path):
    """The vars Dagster passes for a partition range are the ones dbt's window macros read: a
    run for 10..12 March rebuilds from lookback_days before the 10th to the 12th, reads one
    more date of context on either side, and the deliveries that can hold those dates."""
    import duckdb
    import yaml
    from dagster import TimeWindow

    from orchestration.defs.dbt.assets import partition_dates, window_vars

    lookback = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text())["vars"]["lookback_days"]
    window = TimeWindow(datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 13, tzinfo=UTC))
    filters = _compile_inline(
        tmp_path,
        "{{ in_run_window('day') }}|{{ in_context_window('day') }}"
        "|{{ delivered_in_context_window('day') }}",
        window_vars(partition_dates(window)),
    ).split("|")
    days = (
        "select min(day), max(day) "
        "from range(date '2026-01-01', date '2026-06-01', interval 1 day) t(day)"
    )
    bounds = [duckdb.execute(f"{days} where {where}").fetchone() for where in filters]
    first, last = date(2026, 3, 10), date(2026, 3, 12)
    rebuilt = (first - timedelta(days=lookback), last)
    context = (rebuilt[0] - timedelta(days=1), last + timedelta(days=1))
    delivered = (context[0], context[1] + timedelta(days=lookback))
    assert [tuple(d.date() for d in b) for b in bounds] == [rebuilt, context, delivered]


def test_a_build_without_window_vars_reads_and_rebuilds_all_history(tmp_path):
    """Without window vars (the unpartitioned step, a full build by hand) no filter applies."""
    sql = (
        "{{ in_run_window('day') }}|{{ in_context_window('day') }}|{{ at_in_context_window('at') }}"
    )
    assert _compile_inline(tmp_path, sql, {}).split("|") == ["true", "true", "true"]


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
