"""The project's Dagster instance, kept under `$SHOPFLOOR_HOME/dagster`.

Why: run history, sensor cursors and schedules belong with the data they describe, and the
instance settings enforce one writer: the run queue starts at most one run at a time (and at
most one run tagged as a DuckDB writer), and the writer pool admits one step at a time. The event
log is Dagster's SQLite one in its usual folder, written through a kept connection per file
(orchestration/event_log.py): a plant-year range run records about 25,000 events.
"""

from __future__ import annotations

import json
from pathlib import Path

from plants.home import Home

DAGSTER_YAML = """\
# Written by shopfloor (orchestration/instance.py); edits are overwritten.
# DuckDB allows one writer process, so at most one run is in progress at a time.
concurrency:
  runs:
    max_concurrent_runs: 1
    tag_concurrency_limits:
      - key: "shopfloor/duckdb_writer"
        limit: 1
  pools:
    default_limit: 1
telemetry:
  enabled: false
event_log_storage:
  module: orchestration.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {event_log_dir}
"""


def dagster_home(home: Path) -> Path:
    """Create `<home>/dagster` with the instance settings and return it."""
    folder = Home(home).dagster
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "dagster.yaml"
    # Dagster's own default folder for the event log, so history written before is kept.
    event_log_dir = (folder / "history" / "runs").resolve().as_posix()
    text = DAGSTER_YAML.format(event_log_dir=json.dumps(event_log_dir))  # a YAML string
    if not config.exists() or config.read_text(encoding="utf-8") != text:
        config.write_text(text, encoding="utf-8")
    return folder


def instance_for(home: Path):
    """A persistent DagsterInstance under the home folder (imports dagster lazily)."""
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(dagster_home(home)))
