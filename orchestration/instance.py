"""The project's Dagster instance, kept under `$SHOPFLOOR_HOME/dagster`.

Why: run history, sensor cursors and schedules belong with the data they describe, and the
instance settings enforce one writer: the run queue starts at most one run at a time (and at
most one run tagged as a DuckDB writer), and the writer pool admits one step at a time.
"""

from __future__ import annotations

from pathlib import Path

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
"""


def dagster_home(home: Path) -> Path:
    """Create `<home>/dagster` with the instance settings and return it."""
    folder = home / "dagster"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "dagster.yaml"
    if not config.exists() or config.read_text(encoding="utf-8") != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    return folder


def instance_for(home: Path):
    """A persistent DagsterInstance under the home folder (imports dagster lazily)."""
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(dagster_home(home)))
