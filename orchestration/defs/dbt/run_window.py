"""The production-date window a run covers, read from its partition tags, and the deliveries that
window reads.

Why: dbt (as vars), the silver expectation suites and the staging views must agree on what a run
covers. A run launched for one partition or a partition range carries the window in its tags; a
run without them covers all history.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

# Rows land at most this many days after their production date (data contract §3.4). Must equal
# the dbt var `lookback_days` (dbt_project.yml); tests/test_dbt_project.py keeps them equal and
# checks that Python and dbt scope the staging views to the same deliveries.
LOOKBACK_DAYS = 5
# Read by the dbt macros window_first/window_last (dbt_project/macros/run_window.sql).
WINDOW_ENV = ("SHOPFLOOR_MIN_PRODUCTION_DATE", "SHOPFLOOR_MAX_PRODUCTION_DATE")


@dataclass(frozen=True)
class RunWindow:
    """Production dates [first, last] of a run's partitions."""

    first: date
    last: date

    def environment(self) -> dict[str, str]:
        return dict(zip(WINDOW_ENV, (self.first.isoformat(), self.last.isoformat()), strict=True))

    def deliveries(self) -> tuple[date, date]:
        """Delivery dates that can hold rows of the rebuilt dates and their day of context
        (the same bounds as the dbt macro scope_views_to_run_window)."""
        margin = timedelta(days=LOOKBACK_DAYS + 1)
        return self.first - margin, self.last + margin


def run_window(tags: Mapping[str, str]) -> RunWindow | None:
    """The window of a partitioned run, from its tags; None when it has no partition."""
    first = tags.get(ASSET_PARTITION_RANGE_START_TAG) or tags.get(PARTITION_NAME_TAG)
    last = tags.get(ASSET_PARTITION_RANGE_END_TAG) or tags.get(PARTITION_NAME_TAG)
    if not (first and last):
        return None
    return RunWindow(date.fromisoformat(first), date.fromisoformat(last))


def scope_staging_views(con: duckdb.DuckDBPyConnection, window: RunWindow | None) -> None:
    """Make this connection's staging views read only the window's deliveries (all if None).

    The views filter bronze on two session variables (dbt macro delivered_in_run_window).
    """
    start, end = window.deliveries() if window else (None, None)
    con.execute("SET VARIABLE shopfloor_delivered_from = ?", [start])
    con.execute("SET VARIABLE shopfloor_delivered_to = ?", [end])


@contextmanager
def window_environment(window: RunWindow | None) -> Iterator[None]:
    """Hand the window to the dbt process started inside the block, in its environment.

    Why not dbt --vars: dbt re-parses the whole project whenever --vars change (about 10 s per
    invocation); the macros read these variables only at execution time, so partial parsing
    stays valid from one run to the next.
    """
    saved = {name: os.environ.get(name) for name in WINDOW_ENV}
    os.environ.update(window.environment() if window else {})
    if window is None:
        for name in WINDOW_ENV:
            os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
