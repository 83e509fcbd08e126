"""dbt waits for a reader of the warehouse as long as every other writer: one bound,
`$SHOPFLOOR_LOCK_WAIT_SECONDS` (ingestion/warehouse.py), which the dbt steps hand to the profile."""

import os

import pytest

from ingestion.warehouse import LOCK_WAIT_ENV, dbt_connect_attempts, dbt_env
from orchestration.defs.dbt.project import DBT_DIR


@pytest.mark.parametrize("wait", [0, 0.5, 1, 5, 60, 63, 64, 600])
def test_dbts_connect_attempts_are_the_fewest_that_wait_the_bound(wait: float) -> None:
    """dbt-duckdb sleeps 1, 2, 4 ... s after each failed connect: n attempts wait 2**n - 1 s."""
    attempts = dbt_connect_attempts(wait)
    assert attempts >= 1 and 2**attempts - 1 >= wait
    assert attempts == 1 or 2 ** (attempts - 1) - 1 < wait


def _rendered_retries() -> dict:
    """The retries of the profile's `local` target as dbt renders them from the environment."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    set_invocation_context(os.environ)
    raw = read_profile(str(DBT_DIR))["shopfloor"]
    _, rendered = Profile.render_profile(raw, "shopfloor", "local", ProfileRenderer({}))
    return rendered["retries"]


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
