"""The DuckDB warehouse as a Dagster resource, configured from `$SHOPFLOOR_HOME`.

Why: assets and checks never build paths themselves; the code location reads the home folder
from the environment (`EnvVar`), so the UI, the daemon and the CLI write the same warehouse.
A run holds the home's run lock while it uses the warehouse (orchestration/run_lock.py; taken
already when `shopfloor run` executes it), so a run the UI, the sensor or the schedule launches
never interleaves with `shopfloor run`; and it first recovers the home's dead runs, so after a
crash it is not left waiting for a dead run's writer slot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[WarehouseResource]:
        """For the run's duration: the home's run lock (waiting, bounded, for another run), and
        dead runs recovered before any step asks for the writer slot."""
        from orchestration.run_lock import recover_dead_runs, run_lock

        run_id = context.run.run_id if context.run is not None else "without a run"
        with run_lock(self.home_path, f"Dagster run {run_id}", context.log.info):
            if context.instance is not None:
                recover_dead_runs(context.instance, self.home_path, context.log.warning)
            yield self

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A new connection (one writer at a time: steps that open it join WRITER_POOL); a
        writer waits, bounded, for a reader to close (ingestion.warehouse.connect)."""
        return connect(self.home_path, read_only=read_only)
