"""The home's dagster.yaml is the user's: written when missing, never rewritten, checked."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
import yaml

from orchestration.instance import (
    CONFIG_FILE,
    REWRITTEN_HEADER,
    WRITER_POOL_LIMIT,
    DagsterSettingsWarning,
    dagster_home,
    event_log_dir,
    instance_for,
)


def _config(home: Path) -> Path:
    return home / "dagster" / CONFIG_FILE


def test_a_missing_file_is_written_and_dagster_reads_the_pool_limit(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DagsterSettingsWarning)  # Shopfloor's own file is complete
        instance = instance_for(tmp_path)
    try:
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        assert type(instance.event_log_storage).__name__ == "PooledSqliteEventLogStorage"
    finally:
        instance.dispose()
    written = yaml.safe_load(_config(tmp_path).read_text(encoding="utf-8"))
    assert Path(written["event_log_storage"]["config"]["base_dir"]) == event_log_dir(tmp_path)


def test_a_users_edits_are_kept_byte_for_byte(tmp_path: Path) -> None:
    dagster_home(tmp_path)
    config = _config(tmp_path)
    edited = config.read_text(encoding="utf-8").replace(
        "telemetry:\n  enabled: false", "telemetry:\n  enabled: true  # mine"
    )
    edited += "run_retries:\n  enabled: true\n"
    config.write_text(edited, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DagsterSettingsWarning)
        dagster_home(tmp_path)
    assert config.read_text(encoding="utf-8") == edited


def test_a_users_file_without_the_pool_limit_is_kept_and_warned_about(tmp_path: Path) -> None:
    config = _config(tmp_path)
    config.parent.mkdir(parents=True)
    mine = "concurrency:\n  runs:\n    max_concurrent_runs: 3\n"
    config.write_text(mine, encoding="utf-8")
    with pytest.warns(DagsterSettingsWarning, match="concurrency.pools.default_limit is None"):
        dagster_home(tmp_path)
    assert config.read_text(encoding="utf-8") == mine
    config.write_text(f"concurrency:\n  pools:\n    default_limit: {WRITER_POOL_LIMIT + 1}\n")
    with pytest.warns(DagsterSettingsWarning, match=f"default_limit is {WRITER_POOL_LIMIT + 1}"):
        dagster_home(tmp_path)


def test_a_copied_home_is_told_its_event_log_lives_elsewhere(tmp_path: Path) -> None:
    dagster_home(tmp_path / "first")
    shutil.copytree(tmp_path / "first", tmp_path / "copy")
    with pytest.warns(DagsterSettingsWarning, match="run history is kept in another folder"):
        dagster_home(tmp_path / "copy")


def test_the_file_shopfloor_used_to_rewrite_is_replaced_once(tmp_path: Path) -> None:
    """Before, the file said edits are overwritten: it was never the user's, so it is renewed."""
    config = _config(tmp_path)
    config.parent.mkdir(parents=True)
    config.write_text(f"{REWRITTEN_HEADER}\nconcurrency:\n  runs:\n    max_concurrent_runs: 1\n")
    dagster_home(tmp_path)
    renewed = config.read_text(encoding="utf-8")
    assert REWRITTEN_HEADER not in renewed
    assert yaml.safe_load(renewed)["concurrency"] == {
        "runs": {"max_concurrent_runs": 1},
        "pools": {"default_limit": WRITER_POOL_LIMIT},
    }


def test_the_written_file_turns_on_run_monitoring(tmp_path: Path) -> None:
    """The daemon fails runs stuck starting and frees the slots of runs that ended."""
    instance = instance_for(tmp_path)
    try:
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] > 0
    finally:
        instance.dispose()
