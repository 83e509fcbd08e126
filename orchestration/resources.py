"""The DuckDB warehouse as a Dagster resource, configured from `$SHOPFLOOR_HOME`.

Why: assets and checks never build paths themselves; the code location reads the home folder
from the environment (`EnvVar`), so the UI, the daemon and the CLI write the same warehouse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from dagster import ConfigurableResource

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

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A new connection (one writer at a time: steps that open it join WRITER_POOL)."""
        return connect(self.home_path, read_only=read_only)
