"""`shopfloor run`: materialize the bronze job in-process, one delivery-date partition at a time.

Why: the CLI must run exactly what the UI runs, so it loads the same `Definitions` and executes
the same job against the same instance; progress is printed per partition from the manifest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.landing import delivery_dates
from orchestration.paths import HOME_ENV

# Dagster's console logger would print every step event; the CLI prints one line per partition
# (the full event log stays in the instance, visible in `shopfloor ui`).
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class PartitionOutcome:
    """What one partition run did, for the progress line."""

    day: date
    success: bool
    seconds: float
    files_new: int
    rows_loaded: int
    rows_rejected: int
    quarantined: int
    duplicates: int
    checks_passed: int
    checks_total: int
    failures: list[str]

    def line(self) -> str:
        status = "ok  " if self.success else "FAIL"
        return (
            f"  {self.day}  {status} {self.files_new:>3} new files  "
            f"{self.rows_loaded:>9,} rows loaded  {self.rows_rejected:>5,} rejected  "
            f"{self.quarantined} quarantined  {self.duplicates} duplicates  "
            f"checks {self.checks_passed}/{self.checks_total}  ({self.seconds:.1f} s)"
        )


def landed_dates(home: Path, start: date | None, end: date | None) -> list[date]:
    """Delivery dates with a landing folder, within [start, end] when given."""
    return [
        d
        for d in delivery_dates(home)
        if (start is None or d >= start) and (end is None or d <= end)
    ]


def _summarize(home: Path, day: date, run_id: str) -> tuple[int, int, int, int, int]:
    from ingestion.manifest import DUPLICATE, QUARANTINED
    from ingestion.warehouse import connect

    con = connect(home)
    try:
        row = con.execute(
            "SELECT count(*), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0), "
            "count(*) FILTER (outcome = ?), count(*) FILTER (outcome = ?) "
            "FROM bronze._files WHERE load_id = ?",
            [QUARANTINED, DUPLICATE, run_id],
        ).fetchall()[0]
    finally:
        con.close()
    return tuple(int(v) for v in row)  # type: ignore[return-value]


def run_partitions(
    home: Path, days: list[date], echo: Callable[[str], None] = print
) -> list[PartitionOutcome]:
    """Run the bronze job for each delivery date in turn, in this process."""
    os.environ[HOME_ENV] = str(home)
    from dagster import AssetCheckSeverity

    from orchestration.definitions import defs
    from orchestration.instance import instance_for
    from orchestration.partitions import is_valid_delivery, partition_key

    job = defs.resolve_job_def("bronze_job")
    instance = instance_for(home)
    outcomes = []
    try:
        for day in days:
            if not is_valid_delivery(day):
                echo(f"  {day}  skipped: before the first partition of the bronze job")
                continue
            t0 = time.perf_counter()
            result = job.execute_in_process(
                run_config=QUIET, partition_key=partition_key(day), instance=instance,
                raise_on_error=False,
                tags={"shopfloor/launched_by": "cli"},
            )  # fmt: skip
            checks = result.get_asset_check_evaluations()
            failures = [e.step_key for e in result.get_step_failure_events()]
            failures += [
                f"check {c.asset_key.to_user_string()}:{c.check_name} failed"
                for c in checks
                if not c.passed and c.severity == AssetCheckSeverity.ERROR
            ]
            files, loaded, rejected, quarantined, dups = _summarize(home, day, result.run_id)
            outcome = PartitionOutcome(
                day, result.success and not failures, time.perf_counter() - t0, files, loaded,
                rejected, quarantined, dups, sum(c.passed for c in checks), len(checks), failures,
            )  # fmt: skip
            echo(outcome.line())
            for failure in failures:
                echo(f"      {failure}")
            outcomes.append(outcome)
    finally:
        instance.dispose()
    return outcomes


@dataclass
class TransformOutcome:
    """What the silver/gold run did."""

    success: bool
    seconds: float
    assets: int
    checks_passed: int
    checks_total: int
    failures: list[str]


def run_transform(
    home: Path, first: date, last: date, echo: Callable[[str], None] = print
) -> TransformOutcome:
    """One run of silver and gold for the production-date range [first, last], in this process."""
    os.environ[HOME_ENV] = str(home)
    from dagster import AssetCheckSeverity
    from dagster._core.storage.tags import (
        ASSET_PARTITION_RANGE_END_TAG,
        ASSET_PARTITION_RANGE_START_TAG,
    )

    from orchestration.definitions import defs
    from orchestration.instance import instance_for
    from orchestration.partitions import partition_key

    job = defs.resolve_job_def("transform_job")
    instance = instance_for(home)
    t0 = time.perf_counter()
    try:
        result = job.execute_in_process(
            run_config=QUIET,
            instance=instance,
            raise_on_error=False,
            tags={
                ASSET_PARTITION_RANGE_START_TAG: partition_key(first),
                ASSET_PARTITION_RANGE_END_TAG: partition_key(last),
                "shopfloor/launched_by": "cli",
            },
        )
    finally:
        instance.dispose()
    checks = result.get_asset_check_evaluations()
    failures = [e.step_key for e in result.get_step_failure_events()]
    failures += [
        f"check {c.asset_key.to_user_string()}:{c.check_name} failed"
        for c in checks
        if not c.passed and c.severity == AssetCheckSeverity.ERROR  # WARN reports, never fails
    ]
    materialized = len(result.get_asset_materialization_events())
    outcome = TransformOutcome(
        result.success and not failures, time.perf_counter() - t0, materialized,
        sum(c.passed for c in checks), len(checks), failures,
    )  # fmt: skip
    status = "ok" if outcome.success else "FAIL"
    tests = f"dbt tests {outcome.checks_passed}/{outcome.checks_total}"
    echo(
        f"  silver + gold {first} .. {last}  {status}  {materialized} assets materialized  "
        f"{tests}  ({outcome.seconds:.1f} s)"
    )
    for failure in failures:
        echo(f"      {failure}")
    return outcome
