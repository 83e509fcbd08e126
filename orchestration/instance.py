"""The project's Dagster instance, kept under `<home>/dagster`, and the single-writer rule.

Why: run history, sensor cursors and schedules belong with the data they describe. DuckDB allows
one writer process per database file, and the rule has one owner: the concurrency pool
`WRITER_POOL`, limited to one step at a time by the instance setting `concurrency.pools.
default_limit: 1`. Every step that opens the warehouse joins the pool. A pool is the mechanism
because it is the only one Dagster enforces on every way a run starts: runs queued by the daemon
(the UI, the sensor, the schedule) and runs `shopfloor run` executes in its own process (the run
queue's `max_concurrent_runs` and tag limits never see those), and it holds the lock only while
a step writes. Within a run, the jobs' in-process executor runs one step at a time anyway.
A separate rule, not the writer's: the default settings also start one queued run at a time
(`runs.max_concurrent_runs: 1`), so that runs launched from the UI, the sensor or the schedule
never interleave their steps (a run's silver and gold see the bronze its own steps loaded).

The settings file is the user's: Shopfloor writes `<home>/dagster/dagster.yaml` only when it is
missing (or still the one Shopfloor wrote before, which said edits are overwritten), never
rewrites it, and warns when it lacks the pool limit or keeps its event log in another home.

The event log is Dagster's SQLite one in its usual folder, written through a kept connection per
file (orchestration/event_log.py): a plant-year range run records about 25,000 events.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import yaml

from plants.home import Home

WRITER_POOL = "duckdb_writer"  # every step that opens the warehouse (DuckDB: one writer process)
WRITER_POOL_LIMIT = 1
CONFIG_FILE = "dagster.yaml"
# The first line of the file Shopfloor rewrote on every call before the file became the user's.
REWRITTEN_HEADER = "# Written by shopfloor (orchestration/instance.py); edits are overwritten."

DAGSTER_YAML = f"""\
# Written by shopfloor (orchestration/instance.py) because none was here; edit freely,
# shopfloor never rewrites it. Keep `concurrency.pools.default_limit: {WRITER_POOL_LIMIT}`: it
# limits the pool "{WRITER_POOL}" (every step that opens the DuckDB warehouse) to one step at a
# time, and DuckDB allows one writer process.
# `runs.max_concurrent_runs: 1` is another rule: the daemon starts one queued run at a time, so
# no run's bronze load lands between another run's silver and gold steps.
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: {WRITER_POOL_LIMIT}
# Run monitoring (the daemon): fail a run stuck starting, free the slots of runs that ended.
# Runs that die once started are found by the next run (orchestration/run_lock.py).
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  free_slots_after_run_end_seconds: 30
telemetry:
  enabled: false
event_log_storage:
  module: orchestration.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {{event_log_dir}}
"""


class DagsterSettingsWarning(UserWarning):
    """The home's dagster.yaml lacks a setting Shopfloor relies on."""


def event_log_dir(home: Path) -> Path:
    """Dagster's own default folder for the event log, so history written before is kept."""
    return (Home(home).dagster / "history" / "runs").resolve()


def dagster_home(home: Path) -> Path:
    """`<home>/dagster`, with a dagster.yaml written if there is none; warns about a user's
    file that lacks what Shopfloor relies on."""
    folder = Home(home).dagster
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / CONFIG_FILE
    if not config.exists() or _written_before(config):
        config.write_text(default_settings(home), encoding="utf-8")
    else:
        for problem in settings_problems(yaml.safe_load(config.read_text(encoding="utf-8")), home):
            warnings.warn(f"{config}: {problem}", DagsterSettingsWarning, stacklevel=2)
    return folder


def default_settings(home: Path) -> str:
    """The dagster.yaml Shopfloor writes for `home` when there is none."""
    return DAGSTER_YAML.format(event_log_dir=json.dumps(event_log_dir(home).as_posix()))


def settings_problems(settings: Any, home: Path) -> list[str]:
    """What a user's dagster.yaml leaves out of the settings Shopfloor relies on."""
    settings = settings if isinstance(settings, dict) else {}
    problems = []
    pools = (settings.get("concurrency") or {}).get("pools") or {}
    if pools.get("default_limit") != WRITER_POOL_LIMIT:
        problems.append(
            f"concurrency.pools.default_limit is {pools.get('default_limit')!r}, not "
            f"{WRITER_POOL_LIMIT}: steps of pool {WRITER_POOL!r} may then open the DuckDB "
            "warehouse at the same time and fail on its lock (DuckDB allows one writer process); "
            f"add `concurrency: {{pools: {{default_limit: {WRITER_POOL_LIMIT}}}}}`"
        )
    storage = settings.get("event_log_storage") or {}
    base_dir = (storage.get("config") or {}).get("base_dir")
    if isinstance(base_dir, str) and Path(base_dir).resolve() != event_log_dir(home):
        problems.append(
            f"event_log_storage.config.base_dir is {base_dir}, not this home's "
            f"{event_log_dir(home)}: run history is kept in another folder (a moved or copied "
            "home?); correct it, or delete the file to have shopfloor write it again"
        )
    return problems


def _written_before(config: Path) -> bool:
    """The file is the one Shopfloor rewrote on every call (its header said edits are lost)."""
    with config.open(encoding="utf-8") as text:
        return text.readline().rstrip("\n") == REWRITTEN_HEADER


def instance_for(home: Path):
    """A persistent DagsterInstance under the home folder (imports dagster lazily)."""
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(dagster_home(home)))
