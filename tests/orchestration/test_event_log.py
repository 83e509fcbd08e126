"""The pooled SQLite event log writes what Dagster's stock one reads, and keeps few files open."""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as db
from dagster import AssetKey, AssetMaterialization, DagsterEvent, DagsterInstance
from dagster._core.events import DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.event_log import MAX_OPEN_DATABASES, PooledSqliteEventLogStorage
from orchestration.instance import instance_for

ASSET = AssetKey(["silver", "int_machine_state_intervals"])


def _materialize(instance: DagsterInstance, run_id: str, partition: str) -> None:
    event = DagsterEvent(
        DagsterEventType.ASSET_MATERIALIZATION.value,
        "transform_job",
        event_specific_data=StepMaterializationData(
            AssetMaterialization(ASSET, partition=partition)
        ),
    )
    instance.handle_new_event(
        EventLogEntry(
            error_info=None,
            level=10,
            user_message="",
            run_id=run_id,
            timestamp=time.time(),
            dagster_event=event,
            job_name="transform_job",
        )
    )


def test_instance_events_read_back_with_the_stock_storage(tmp_path: Path) -> None:
    instance = instance_for(tmp_path)
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    days = [f"2026-01-{d:02d}" for d in range(1, 21)]
    for day in days:
        _materialize(instance, "run-a", day)
    instance.event_log_storage.dispose()

    stock = SqliteEventLogStorage(str(tmp_path / "dagster" / "history" / "runs"))
    assert stock.get_materialized_partitions(ASSET) == set(days)
    assert len(stock.get_records_for_run("run-a").records) == len(days)


def test_open_databases_are_bounded_and_wipe_starts_clean(tmp_path: Path) -> None:
    instance = instance_for(tmp_path)
    storage = instance.event_log_storage
    assert isinstance(storage, PooledSqliteEventLogStorage)
    runs = [f"run-{i}" for i in range(MAX_OPEN_DATABASES + 4)]
    for i, run_id in enumerate(runs):
        _materialize(instance, run_id, f"2026-02-{i + 1:02d}")
    assert len(storage._engines) <= MAX_OPEN_DATABASES
    # runs whose engine was closed are still complete on disk
    assert [len(storage.get_records_for_run(r).records) for r in runs] == [1] * len(runs)

    storage.wipe()
    assert set(storage._engines) <= {"index"}  # wipe clears the index through a new one
    assert storage.get_materialized_partitions(ASSET) == set()
    _materialize(instance, "run-after-wipe", "2026-03-01")
    assert storage.get_materialized_partitions(ASSET) == {"2026-03-01"}


def test_schema_lookups_are_asked_once_and_only_a_yes_is_remembered(tmp_path: Path) -> None:
    """Stock Dagster opens a new SQLite engine to ask whether an index table exists, several
    times per asset event; the pooled storage asks once per table, and never caches a no."""
    from unittest import mock

    instance = instance_for(tmp_path)
    storage = instance.event_log_storage
    asked: list[str] = []
    stock_has_table = SqliteEventLogStorage.has_table

    def counting(self, table_name: str) -> bool:
        asked.append(table_name)
        return stock_has_table(self, table_name)

    with mock.patch.object(SqliteEventLogStorage, "has_table", counting):
        for i in range(10):
            _materialize(instance, "run-a", f"2026-04-{i + 1:02d}")
        assert storage.has_table("no_such_table") is False
        assert storage.has_table("no_such_table") is False
    assert asked, "the stock lookup was never reached"
    looked_up = [t for t in asked if t != "no_such_table"]
    assert len(looked_up) == len(set(looked_up))  # each present table asked once
    assert asked.count("no_such_table") == 2  # a missing table is asked again
    assert storage.get_materialized_partitions(ASSET) == {f"2026-04-{i:02d}" for i in range(1, 11)}


# What PooledSqliteEventLogStorage takes from Dagster's private SqliteEventLogStorage: the methods
# it overrides or calls, with their parameters. pyproject.toml pins the Dagster minor version this
# was written against; a Dagster upgrade that changes any of these fails here, before a run does.
BASE_SHAPE = {
    "__init__": ["self", "base_dir", "inst_data"],
    "from_config_value": ["inst_data", "config_value"],
    "conn_string_for_shard": ["self", "shard_name"],
    "_initdb": ["self", "engine", "for_index_shard"],
    "_connect": ["self", "shard"],
    "has_table": ["self", "table_name"],
    "_has_asset_key_col_on_connection": ["self", "conn", "column_name"],
    "wipe": ["self"],
    "dispose": ["self"],
}


def test_the_private_base_class_keeps_the_shape_the_pooled_storage_relies_on(
    tmp_path: Path,
) -> None:
    import inspect

    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    shape = {
        name: list(inspect.signature(getattr(SqliteEventLogStorage, name)).parameters)
        for name in BASE_SHAPE
    }
    assert shape == BASE_SHAPE
    assert isinstance(sqlite_event_log.SQLITE_BUSY_TIMEOUT_SECONDS, int | float)
    stock = SqliteEventLogStorage(str(tmp_path / "stock"))
    assert isinstance(stock._initialized_dbs, set)
    assert hasattr(stock._db_lock, "acquire")
    stock.dispose()


def test_every_write_goes_through_the_kept_connections(tmp_path: Path) -> None:
    """The stock class opens its databases only in `_connect` and `has_table`, which the pooled
    one overrides: once warm, writing events creates no new engine."""
    from unittest import mock

    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    instance = instance_for(tmp_path)
    _materialize(instance, "run-a", "2026-05-01")  # warm: the run's and the index's engines
    created: list[str] = []
    stock_create = sqlite_event_log.create_engine

    def counting(*args, **kwargs):
        created.append(str(args[0]) if args else "")
        return stock_create(*args, **kwargs)

    with (
        mock.patch.object(sqlite_event_log, "create_engine", counting),
        mock.patch.object(db, "create_engine", counting),
    ):
        for i in range(2, 12):
            _materialize(instance, "run-a", f"2026-05-{i:02d}")
    assert created == []
    assert instance.event_log_storage.get_materialized_partitions(ASSET) == {
        f"2026-05-{i:02d}" for i in range(1, 12)
    }
    instance.event_log_storage.dispose()
