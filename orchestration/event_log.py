"""Dagster's SQLite event log, with one kept connection per database file.

Why: Dagster records one planned and one materialization event per asset and partition of a run,
about 25,000 events for a plant-year rebuild. The stock `SqliteEventLogStorage` creates a new
SQLAlchemy engine, opens a new SQLite connection and closes it (a WAL checkpoint) for every
write, twice for an asset event, and commits with `synchronous=FULL`: about 20 ms per event on
this machine, minutes of a rebuild. Here each database file keeps its engine and one pooled
connection, and commits use WAL's `synchronous=NORMAL` (a power cut can lose the last commits,
never corrupt the file): about 4 ms per event (`bench/bench_event_log.py`). The stock class also
asks SQLite, through a new engine each time, whether a table or column of its index exists, up to
three times per asset event; here a yes is remembered (a migration only ever adds them). The
files and their schema are the stock ones, so an instance written by either class reads with the
other.

The choice, and how it stays safe across upgrades: the stock class would add about 9 ms per event,
≈4 minutes to a plant-year rebuild, so Shopfloor keeps this subclass of a private Dagster class.
`pyproject.toml` pins Dagster to the minor version it was written against (1.13), and
`tests/orchestration/test_event_log.py` fails when the base class changes what this one relies
on (the members it overrides or calls, and that every write goes through `_connect`). To upgrade
Dagster, move the pin and run that test; to give the subclass up, delete `event_log_storage` from
the home's dagster.yaml (orchestration/instance.py writes it only when the file is missing).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

# A long-lived process (the daemon, the webserver) touches a new run database with every run;
# the least recently used engines beyond this many are closed.
MAX_OPEN_DATABASES = 8


def _relaxed_sync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _remember_yes(known: set[str], name: str, ask: Callable[[str], bool]) -> bool:
    """`ask(name)`, remembering a yes in `known`: what exists never disappears."""
    if name in known:
        return True
    present = ask(name)
    if present:
        known.add(name)
    return present


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` that keeps an engine and a connection per database file."""

    def __init__(self, base_dir: str, inst_data: Any = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._present_tables: set[str] = set()
        self._present_asset_key_columns: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: Any, config_value: Any
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                pool_size=1,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            db.event.listen(engine, "connect", _relaxed_sync)
        self._engines[shard] = engine
        while len(self._engines) > MAX_OPEN_DATABASES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        return _remember_yes(self._present_tables, table_name, super().has_table)

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        ask = super()._has_asset_key_col_on_connection
        return _remember_yes(self._present_asset_key_columns, column_name, lambda c: ask(conn, c))

    def _close_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_engines()  # before the files go, or kept connections would write to them
        self._present_tables.clear()
        self._present_asset_key_columns.clear()
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()
