"""Helpers over a test home: build it through the pipeline, copy it, read its truth and tables.

Why one module: the session fixtures of every area build, copy and read homes the same way;
written once here, a test says what it checks and not how a home is opened.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cli.run import PartitionOutcome, run_partitions, run_transform
from ingestion.landing import delivery_dates
from ingestion.warehouse import connect
from orchestration.defs.serving.publish import connect_serving
from plants.home import Home

REPO = Path(__file__).resolve().parents[1]  # the repository root


def build_pipeline(home: Path, bulk_days: int | None = None) -> list[PartitionOutcome]:
    """Every landed date through bronze, then silver and gold in one transform run, as
    `shopfloor run` does; with `bulk_days`, only the first dates in that run and each later date
    in a run of its own (the incremental path of a plant running daily). Bronze's outcomes."""
    days = delivery_dates(home)
    bronze = run_partitions(home, days, echo=lambda _: None)
    assert all(o.success for o in bronze), [o.failures for o in bronze]
    bulk = days[: bulk_days or len(days)]
    outcome = run_transform(home, bulk[0], bulk[-1], echo=lambda _: None)
    assert outcome.success, outcome.failures
    for day in days[len(bulk) :]:
        outcome = run_transform(home, day, day, echo=lambda _: None)
        assert outcome.success, (day, outcome.failures)
    return bronze


def run_as_cron(home: Path) -> subprocess.CompletedProcess:
    """`shopfloor run --home HOME` (global option after the subcommand) in its own process, the
    venv's bin off PATH, as a cron job or a service starts it: exit code and plain output."""
    venv_bin = Path(sys.executable).parent
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != venv_bin]
    env = {**os.environ, "PATH": os.pathsep.join(path or ["/usr/bin", "/bin"])}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(venv_bin / "shopfloor"), "run", "--home", str(home)],
        capture_output=True, text=True, env=env, check=False, timeout=900,
    )  # fmt: skip


def copy_built(src: Path, dst: Path) -> Path:
    """A private copy of a built home (landing, truth, warehouse, reports), without Dagster's
    run history: a test that runs or changes it never touches the shared fixture."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("dagster"))
    return dst


def _truth_files(home: Path) -> list[Path]:
    return sorted(Home(home).ground_truth.glob("*/truth.json"))


def read_truths(home: Path) -> dict[str, dict[str, Any]]:
    """Every truth.json of a generated home, by production date (ISO text)."""
    return {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in _truth_files(home)}


def truth_dates(home: Path) -> list[date]:
    """The production dates a generated home has truth for."""
    return [date.fromisoformat(p.parent.name) for p in _truth_files(home)]


def query(home: Path, sql: str, params: list | None = None, serving: bool = False) -> list[tuple]:
    """Rows of one query on the warehouse (or the published serving copy), opened read-only in
    UTC the way the product opens it."""
    con = connect_serving(home) if serving else connect(home, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def query_dicts(home: Path, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    """`query` on the warehouse, each row a dict by column name."""
    con = connect(home, read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def seed_with_anomalies_on_the_last_day_only(days: int, rates: dict[str, float]) -> int:
    """A generator seed whose first `days` − 1 days have no injected anomaly at `rates` (kind →
    onsets per 28 days) and whose last has one: the draw is a function of seed, intensities and
    day index (generators/anomalies.py active_on), so the first days make a clean baseline."""
    from generators import anomalies
    from plants.model import load_plant

    plant = load_plant(None)
    intensities = anomalies.rates_for("none", rates)
    for seed in range(1, 500):
        per_day = [anomalies.active_on(plant, seed, intensities, i) for i in range(days)]
        if not any(per_day[:-1]) and per_day[-1]:
            return seed
    raise AssertionError("no seed in range: widen it")
