"""Record, list and activate baselines in the warehouse's monitoring.baseline table.

What a baseline is and how its statistics are computed is owned by dbt (macros/baseline.sql):
recording runs its `record_baseline` macro (`dbt run-operation`), so the first baseline that
fct_anomaly's pre-hook records and one recorded by hand are the same computation. Listing and
activating are plain statements on the table.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.warehouse import connect, dbt_env
from plants.dbt_vars import dbt_vars_arg
from plants.home import home_plant

DBT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
# Overrides dbt var monitoring.first_baseline_days (the number of production dates the first
# baseline is recorded from) for a small home; read by macros/baseline.sql record_first_baseline.
FIRST_BASELINE_DAYS_ENV = "SHOPFLOOR_FIRST_BASELINE_DAYS"


class BaselineError(Exception):
    """A user-facing error: no such baseline, no gold data in the period, dbt failed."""


@dataclass(frozen=True)
class Baseline:
    version: int
    name: str
    period_from: date
    period_to: date
    recorded_at: str
    active: bool
    metrics: int


def record(home: Path, period_from: date, period_to: date, name: str | None = None) -> int:
    """Record a new baseline over [period_from, period_to] and make it active; its version."""
    if period_to < period_from:
        raise BaselineError(f"--to {period_to} is before --from {period_from}")
    args = {"period_from": period_from.isoformat(), "period_to": period_to.isoformat()}
    args["name"] = name or f"{period_from}..{period_to}"
    with tempfile.TemporaryDirectory(prefix="shopfloor-baseline-") as scratch:
        env = (
            os.environ
            | dbt_env()
            | {
                "DBT_PROFILES_DIR": str(DBT_DIR),
                "SHOPFLOOR_HOME": str(home),
                "DBT_TARGET_PATH": str(Path(scratch) / "target"),
                "DBT_LOG_PATH": str(Path(scratch) / "logs"),
            }
        )
        command = [sys.executable, "-m", "dbt.cli.main", "run-operation", "record_baseline"]
        command += ["--args", json.dumps(args), *dbt_vars_arg(home_plant(home))]
        proc = subprocess.run(
            command, cwd=DBT_DIR, env=env, capture_output=True, text=True, check=False
        )
    if proc.returncode != 0:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout).splitlines()
        first = next((i for i, ln in enumerate(lines) if "rror" in ln), max(0, len(lines) - 5))
        why = " ".join(ln.strip() for ln in lines[first : first + 5])
        raise BaselineError(f"dbt run-operation record_baseline failed: {why}")
    return active_version(home)


def active_version(home: Path) -> int:
    """The version of the active baseline."""
    found = [b.version for b in list_baselines(home) if b.active]
    if not found:
        raise BaselineError("no active baseline: record one with `shopfloor baseline record`")
    return found[0]


def list_baselines(home: Path) -> list[Baseline]:
    """Every recorded baseline, oldest first (none when the table does not exist yet)."""
    con = connect(home, read_only=True, wait=60)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'monitoring' and table_name = 'baseline'"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        rows = con.execute(
            "select baseline_version, any_value(baseline_name), any_value(period_from), "
            "any_value(period_to), cast(any_value(recorded_at) as varchar), "
            "bool_or(is_active), count(*) from monitoring.baseline "
            "group by baseline_version order by baseline_version"
        ).fetchall()
    finally:
        con.close()
    return [Baseline(*row) for row in rows]


def activate(home: Path, version: int) -> None:
    """Make baseline `version` the active one; the next run scores against it."""
    if version not in {b.version for b in list_baselines(home)}:
        raise BaselineError(f"no baseline version {version}: see `shopfloor baseline list`")
    con = connect(home)
    try:
        con.execute("update monitoring.baseline set is_active = (baseline_version = ?)", [version])
    finally:
        con.close()
