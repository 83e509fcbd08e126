"""The DuckDB warehouse as a Dagster resource, configured from `$SHOPFLOOR_HOME`.

Why: assets and checks never build paths themselves; the code location reads the home folder
from the environment (`EnvVar`), so the UI, the daemon and the CLI write the same warehouse.
When a run starts it first recovers the home's dead runs (orchestration/run_lock.py), so a run the
sensor or the schedule launches after a crash is not left waiting for a dead run's writer slot.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext

from ingestion.warehouse import connect, db_path


class WarehouseResource(ConfigurableResource):
    """The Shopfloor home folder; the warehouse is `<home>/warehouse/shopfloor.duckdb`."""

    home: str

    @property
    def home_path(self) -> Path:
        return Path(self.home).resolve()

    @property
    def database(self) -> Path:
        return db_path(self.home_path)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """At the start of a run, before any step asks for the writer slot: recover dead runs."""
        from orchestration.run_lock import recover_dead_runs

        if context.instance is not None:
            recover_dead_runs(context.instance, self.home_path, context.log.warning)

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A new connection (one writer at a time: steps that open it join WRITER_POOL); a
        writer waits, bounded, for a reader to close (ingestion.warehouse.connect)."""
        return connect(self.home_path, read_only=read_only)
