"""dbt waits for a reader of the warehouse as long as every other writer: one bound,
`$SHOPFLOOR_LOCK_WAIT_SECONDS` (ingestion/warehouse.py), which the dbt steps hand to the profile;
and it holds the same DuckDB memory limit as the run's own connections."""

import os
from pathlib import Path

import pytest

from ingestion.warehouse import (
    LOCK_WAIT_ENV,
    MEMORY_LIMIT_ENV,
    connect,
    dbt_connect_attempts,
    dbt_env,
)
from orchestration.defs.dbt.project import DBT_DIR


@pytest.mark.parametrize("wait", [0, 0.5, 1, 5, 60, 63, 64, 600])
def test_dbts_connect_attempts_are_the_fewest_that_wait_the_bound(wait: float) -> None:
    """dbt-duckdb sleeps 1, 2, 4 ... s after each failed connect: n attempts wait 2**n - 1 s."""
    attempts = dbt_connect_attempts(wait)
    assert attempts >= 1 and 2**attempts - 1 >= wait
    assert attempts == 1 or 2 ** (attempts - 1) - 1 < wait


def _rendered_target() -> dict:
    """The profile's `local` target as dbt renders it from the environment."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    set_invocation_context(os.environ)
    raw = read_profile(str(DBT_DIR))["shopfloor"]
    _, rendered = Profile.render_profile(raw, "shopfloor", "local", ProfileRenderer({}))
    return rendered


def _rendered_retries() -> dict:
    return _rendered_target()["retries"]


def test_the_profile_takes_dbts_connect_attempts_from_the_lock_wait_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "5")
    for name, value in dbt_env().items():
        monkeypatch.setenv(name, value)
    assert _rendered_retries()["connect_attempts"] == 3  # 1 + 2 + 4 = 7 s >= 5 s
    monkeypatch.delenv(LOCK_WAIT_ENV)
    for name, value in dbt_env().items():
        monkeypatch.setenv(name, value)
    assert _rendered_retries()["connect_attempts"] == 6  # the default 60 s: 63 s


def test_dbt_and_the_runs_own_connections_hold_one_memory_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "700MB")
    for name, value in dbt_env().items():
        monkeypatch.setenv(name, value)
    assert _rendered_target()["settings"]["memory_limit"] == "700MB"
    con = connect(tmp_path)
    try:
        set_to = con.execute("select current_setting('memory_limit')").fetchone()
    finally:
        con.close()
    assert set_to == ("667.5 MiB",)  # DuckDB reports 700 MB in MiB
