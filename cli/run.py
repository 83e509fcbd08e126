"""`shopfloor run`: materialize the bronze job in-process over a range of delivery dates.

Why: the CLI must run exactly what the UI runs, so it loads the same `Definitions` and executes
the same job against the same instance. Consecutive dates go in one run (a partition range, as a
backfill does): a run costs seconds of fixed overhead, so one per date made a year take most of
an hour. Progress is still printed per delivery date, from the manifest.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ingestion.landing import delivery_dates, undated_entries
from plants.home import HOME_ENV

if TYPE_CHECKING:
    from dagster import EventLogEntry

# Dagster's console logger would print every step event; the CLI prints one line per partition
# (the full event log stays in the instance, visible in `shopfloor ui`).
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
PLANNED_SUBSET_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
PLANT_REFERENCE_STEP = "plant_reference"  # orchestration/defs/bronze/plant.py, rewritten every run


# Dagster's warning that a skipped step's blocking checks "emitted no result", and the logger it
# uses: a logger's name is its module's (`logging.getLogger(__name__)`), here a private one. No
# private code is imported; tests/orchestration/test_dagster_pins.py fails if an upgrade moves it.
SKIPPED_BUILD_NOTICE = "will proceed without gating on it"
SKIPPED_BUILD_LOGGER = "dagster._core.execution.plan.active"


class _SkippedBuildNotice(logging.Filter):
    """Drop Dagster's warning that a skipped step's blocking checks "emitted no result": when
    a build is skipped because nothing is new, no step downstream runs, publish included, and
    the CLI says so in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return SKIPPED_BUILD_NOTICE not in record.getMessage()


@contextmanager
def _without_skipped_build_notice() -> Iterator[None]:
    """Filter that warning for one transform run only, not for the whole process."""
    logger = logging.getLogger(SKIPPED_BUILD_LOGGER)
    notice = _SkippedBuildNotice()
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


Watch = Callable[["EventLogEntry"], None]


def _watched(instance, watch: Watch | None) -> str:
    """A run id for the next run, with `watch` told each of its events as they are stored."""
    from cli.progress import new_run_id

    run_id = new_run_id()
    if watch is not None:
        instance.add_event_listener(run_id, watch)
    return run_id


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
    files_rejected: int  # files of the date whose manifest outcome is `rejected` (_rejected_files)
    checks_passed: int
    checks_total: int
    failures: list[str]

    @property
    def status(self) -> str:
        """FAIL when the run failed for the date; WARN when it went on although a whole file was
        rejected (read from the manifest, whatever the checks said); ok otherwise."""
        if not self.success:
            return "FAIL"
        return "WARN" if self.files_rejected else "ok"

    def line(self) -> str:
        rejected_files = (
            f"{self.files_rejected} file{'s' if self.files_rejected != 1 else ''} rejected  "
            if self.files_rejected
            else ""
        )
        return (
            f"  {self.day}  {self.status:<4} {self.files_new:>3} new files  {rejected_files}"
            f"{self.rows_loaded:>9,} rows loaded  {self.rows_rejected:>5,} rejected  "
            f"{self.quarantined} quarantined  {self.duplicates} duplicates  "
            f"checks {self.checks_passed}/{self.checks_total}  ({self.seconds:.1f} s)"
        )


def _alert_if_failed(home: Path, result, job_name: str, echo: Callable[[str], None]) -> None:
    """A failed run's alert, raised here as soon as the run returns (notify/failures.py), so a
    cron job's runs are alerted without the Dagster daemon's run-failure sensor."""
    if result.success:
        return
    from notify.config import NotifyConfigError
    from notify.failures import alert_run_failure
    from plants.home import Home

    try:
        outcome = alert_run_failure(
            Home.at(home), result.run_id, job_name, result.get_step_failure_events()
        )
    except NotifyConfigError as exc:
        echo(f"  no alert raised for the failed run: {exc}")
        return
    if outcome is not None:
        echo(f"  run failed: {outcome.line()}")


def _alerts_line(home: Path, run_id: str) -> str | None:
    """What the run's alerts step recorded and mailed, for the progress output."""
    from notify.dispatch import recorded_line
    from plants.home import Home

    return recorded_line(Home.at(home), run_id)


def landed_dates(home: Path, start: date | None, end: date | None) -> list[date]:
    """Delivery dates with a landing folder, within [start, end] when given."""
    return [
        d
        for d in delivery_dates(home)
        if (start is None or d >= start) and (end is None or d <= end)
    ]


def refused_dates(home: Path, days: list[date]) -> dict[date, str]:
    """The delivery dates that are no partition of the bronze job, each with the reason."""
    os.environ[HOME_ENV] = str(home)
    from orchestration.partitions import refusal

    found = {day: refusal(day) for day in sorted(set(days))}
    return {day: why for day, why in found.items() if why is not None}


class DeliveryCounts(NamedTuple):
    """What one run did with one delivery date's files, in PartitionOutcome's field order."""

    files_new: int
    rows_loaded: int
    rows_rejected: int
    quarantined: int
    duplicates: int
    files_rejected: int  # wholly rejected, by this run or an earlier one (_rejected_files)


NOTHING_LOADED = DeliveryCounts(0, 0, 0, 0, 0, 0)


def _rejected_files(con, run_id: str) -> dict[date, int]:
    """Per delivery date the run processed: files rejected whole (ingestion.accounting); a
    re-run that finds nothing new still names them, a later version or a retract ends it."""
    from ingestion.accounting import rejected_file_counts

    days = [d for (d,) in con.execute(
        "SELECT DISTINCT delivery_date FROM bronze._loads WHERE load_id = ?", [run_id]
    ).fetchall()]  # fmt: skip
    return rejected_file_counts(con, days)


def _delivery_counts(
    home: Path, run_id: str
) -> tuple[dict[date, DeliveryCounts], dict[date, float]]:
    """Per delivery date of one run: its manifest counts and the loaders' seconds."""
    from ingestion.manifest import DUPLICATE, QUARANTINED
    from ingestion.warehouse import connect

    con = connect(home, read_only=True)
    try:
        files = con.execute(
            "SELECT delivery_date, count(*), coalesce(sum(rows_loaded), 0), "
            "coalesce(sum(rows_rejected), 0), count(*) FILTER (outcome = ?), "
            "count(*) FILTER (outcome = ?) FROM bronze._files WHERE load_id = ? GROUP BY 1",
            [QUARANTINED, DUPLICATE, run_id],
        ).fetchall()
        rejected = _rejected_files(con, run_id)
        seconds = con.execute(
            "SELECT delivery_date, sum(epoch(finished_at) - epoch(started_at)) "
            "FROM bronze._loads WHERE load_id = ? GROUP BY 1",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    this_run = {day: [int(value) for value in counts] for day, *counts in files}
    counts = {
        day: DeliveryCounts(*this_run.get(day, NOTHING_LOADED[:-1]), rejected.get(day, 0))
        for day in this_run.keys() | rejected.keys()
    }
    return counts, {day: float(spent) for day, spent in seconds}


def _replaced(home: Path, run_id: str) -> list[str]:
    """`<file>: version 2 replaced version 1 (1 row changed)` per file version the run loaded."""
    from ingestion.versions import replacements
    from ingestion.warehouse import connect

    con = connect(home, read_only=True)
    try:
        return replacements(con, [run_id])
    finally:
        con.close()


def _day_checks(evaluations: list, day: date) -> tuple[int, int, list[str]]:
    """(passed, evaluated, error failures) of a run's checks as they concern one delivery date.

    A single-partition run's checks carry their partition. A range run's carry none; their
    metadata name the dates that failed (FAILED_DATES: critical) or only warned
    (WARNING_DATES); a failed result that names no date counts against every date."""
    from dagster import AssetCheckSeverity

    from orchestration.check_dates import FAILED_DATES, WARNING_DATES, named_dates

    partition = day.isoformat()
    verdicts: dict[tuple[str, str], tuple[bool, bool]] = {}  # (passed, failed with ERROR)
    why: dict[tuple[str, str], str] = {}  # the check's own description: files, lines, remedy
    per_date_last = sorted(evaluations, key=lambda evaluation: evaluation.partition is not None)
    for evaluation in per_date_last:  # per-date ones win
        if evaluation.partition is not None and evaluation.partition != partition:
            continue
        error = evaluation.severity == AssetCheckSeverity.ERROR
        passed = evaluation.passed
        if not passed and evaluation.partition is None:
            failed = named_dates(evaluation.metadata, FAILED_DATES)
            warned = named_dates(evaluation.metadata, WARNING_DATES)
            if failed is not None or warned is not None:
                passed = day not in (failed or set()) and day not in (warned or set())
                error = error and day in (failed or set())
        check = (evaluation.asset_key.to_user_string(), evaluation.check_name)
        verdicts[check] = (passed, not passed and error)
        why[check] = evaluation.description or ""
    failures = [
        f"check {asset}:{name} failed" + (f": {why[(asset, name)]}" if why[(asset, name)] else "")
        for (asset, name), (_, failed_with_error) in verdicts.items()
        if failed_with_error
    ]
    return sum(passed for passed, _ in verdicts.values()), len(verdicts), failures


def _step_failures(result, range_run: bool) -> tuple[list[str], bool]:
    """Failed steps, and whether the run failed only because blocking checks failed. In a range
    run such a step is left out: the check's own failure names the dates it concerns."""
    failed, by_checks = [], []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        if range_run and error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            by_checks.append(event.step_key)
        else:
            failed.append(event.step_key)
    return failed, bool(by_checks) and not failed


def _contiguous(days: list[date]) -> list[list[date]]:
    """Sorted dates cut into runs of consecutive days."""
    groups: list[list[date]] = []
    for day in days:
        if groups and day - groups[-1][-1] == timedelta(days=1):
            groups[-1].append(day)
        else:
            groups.append([day])
    return groups


@contextmanager
def _planned_events_per_asset(enabled: bool) -> Iterator[None]:
    """Let Dagster announce a range run with one "materialization planned" event per asset
    instead of one per asset and date (4,000 SQLite writes for a year of bronze, 12,000 for the
    partitioned dbt models). Dagster's trade-off,
    documented with the variable: if the run fails, its partitions show as missing rather than
    failed; the CLI reports the failure per date either way."""
    if not enabled or os.environ.get(PLANNED_SUBSET_ENV) is not None:
        yield
        return
    os.environ[PLANNED_SUBSET_ENV] = "true"
    try:
        yield
    finally:
        del os.environ[PLANNED_SUBSET_ENV]


def _run_dates(
    job, instance, home: Path, days: list[date], echo, watch: Watch | None
) -> list[PartitionOutcome]:
    """One Dagster run of the bronze job for consecutive delivery dates; one outcome per date."""
    from orchestration.partitions import partition_key, range_run_tags

    tags = {"shopfloor/launched_by": "cli"}
    kwargs = {}
    if len(days) == 1:  # exactly what the sensor and the schedule launch
        kwargs["partition_key"] = partition_key(days[0])
    else:
        tags.update(range_run_tags(days[0], days[-1]))
        echo(f"  {days[0]} .. {days[-1]}  {len(days)} delivery dates in one run of bronze_job")
    t0 = time.perf_counter()
    with _planned_events_per_asset(len(days) > 1):
        result = job.execute_in_process(
            run_config=QUIET, instance=instance, raise_on_error=False, tags=tags,
            run_id=_watched(instance, watch), **kwargs,
        )  # fmt: skip
    seconds = time.perf_counter() - t0
    _alert_if_failed(home, result, job.name, echo)
    evaluations = result.get_asset_check_evaluations()
    step_failures, only_checks_failed = _step_failures(result, range_run=len(days) > 1)
    run_ok = result.success or only_checks_failed
    counts, load_seconds = _delivery_counts(home, result.run_id)
    outcomes = []
    for day in days:
        passed, total, check_failures = _day_checks(evaluations, day)
        failures = step_failures + check_failures
        outcome = PartitionOutcome(
            day, run_ok and not failures,
            seconds if len(days) == 1 else load_seconds.get(day, 0.0),
            *counts.get(day, NOTHING_LOADED), passed, total, failures,
        )  # fmt: skip
        echo(outcome.line())
        for failure in failures:
            echo(f"      {failure}")
        outcomes.append(outcome)
    for line in _replaced(home, result.run_id):
        echo(f"  {line}")
    if len(days) > 1:
        echo(f"  {days[0]} .. {days[-1]}  run finished in {seconds:.1f} s "
             "(per-date seconds above: the loaders' share)")  # fmt: skip
    return outcomes


def run_partitions(
    home: Path,
    days: list[date],
    echo: Callable[[str], None] = print,
    watch: Watch | None = None,
) -> list[PartitionOutcome]:
    """Run the bronze job over the delivery dates, in this process: one Dagster run per range
    of consecutive dates (a year is one run, not 365), one progress line and outcome per date;
    `watch` receives each event of the runs as it happens (cli/progress.py)."""
    os.environ[HOME_ENV] = str(home)
    from orchestration.definitions import defs
    from orchestration.instance import instance_for

    refused = refused_dates(home, days)
    for day, why in refused.items():
        echo(f"  {day}  refused: landing/{day}/ is {why}")
    for entry, why in undated_entries(home):
        echo(f"  landing/{entry.name}  quarantined by the stray-file sweep: {why}")
    valid = [day for day in sorted(set(days)) if day not in refused]
    job = defs.resolve_job_def("bronze_job")
    instance = instance_for(home)
    outcomes = []
    try:
        for group in _contiguous(valid):
            outcomes += _run_dates(job, instance, home, group, echo, watch)
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
    up_to_date: bool = False  # nothing new since the last published build: nothing was built
    run_id: str | None = None  # the Dagster run: its validation and publication (cli/summary.py)


def _built(result) -> list:
    """Silver, gold and serving materializations of a run: not the plant's reference tables,
    which every run rewrites from the plant file."""
    return [
        e for e in result.get_asset_materialization_events() if e.step_key != PLANT_REFERENCE_STEP
    ]


def _kept_as_published(result) -> bool:
    """The build step reported that nothing is new: it observed its assets as kept from a
    published build (orchestration/defs/dbt/assets.py) instead of building them."""
    from orchestration.defs.dbt.assets import KEPT_AS_PUBLISHED

    return any(
        KEPT_AS_PUBLISHED in event.asset_observation_data.asset_observation.metadata
        for event in result.all_events
        if event.is_asset_observation
    )


def _with_restated(
    home: Path, first: date, last: date, echo: Callable[[str], None]
) -> tuple[date, date]:
    """The window widened to the delivery dates of files restated since their last publication
    (a new version, a retract, a restore), which may be older than the run's own dates."""
    from ingestion.warehouse import connect
    from orchestration.defs.dbt.build_inputs import restatements
    from orchestration.partitions import is_valid_delivery

    con = connect(home)  # restatements() creates the audit tables when missing
    try:
        pending = [r for r in restatements(con) if is_valid_delivery(r.delivery)]
    finally:
        con.close()
    if not pending:
        return first, last
    days = [r.delivery for r in pending]
    wider = min(first, *days), max(last, *days)
    for r in pending:
        echo(f"  restated since its last publication: {r.path} ({r.what})")
    if wider != (first, last):
        echo(f"  window widened from {first} .. {last} to {wider[0]} .. {wider[1]} to rebuild "
             "the dates restated files fed")  # fmt: skip
    return wider


def run_transform(
    home: Path,
    first: date,
    last: date,
    echo: Callable[[str], None] = print,
    force: bool = False,
    watch: Watch | None = None,
    engine: str = "duckdb",
) -> TransformOutcome:
    """One run of silver and gold for the production-date range [first, last], in this process,
    widened to the dates of restated files not yet republished (build_inputs.restatements).

    When nothing has changed since a published build of these dates (same bronze files, truth
    and code) the run builds nothing and says so; `force` rebuilds anyway. `engine` builds silver
    and gold on DuckDB or Spark (orchestration/spark/engine.py)."""
    os.environ[HOME_ENV] = str(home)
    first, last = _with_restated(home, first, last, echo)
    from dagster import AssetCheckSeverity

    from orchestration.definitions import defs
    from orchestration.defs.dbt.build_inputs import FORCE_TAG
    from orchestration.instance import instance_for
    from orchestration.partitions import range_run_tags
    from orchestration.spark.engine import engine_tags

    job = defs.resolve_job_def("transform_job")
    instance = instance_for(home)
    t0 = time.perf_counter()
    try:
        with _planned_events_per_asset(first != last), _without_skipped_build_notice():
            result = job.execute_in_process(
                run_config=QUIET,
                instance=instance,
                raise_on_error=False,
                tags={
                    **range_run_tags(first, last),
                    "shopfloor/launched_by": "cli",
                    **({FORCE_TAG: "true"} if force else {}),
                    **engine_tags(engine),
                },
                run_id=_watched(instance, watch),
            )
    finally:
        instance.dispose()
    _alert_if_failed(home, result, job.name, echo)
    checks = result.get_asset_check_evaluations()
    failures = [f"step {e.step_key} failed" for e in result.get_step_failure_events()]
    failures += [
        f"check {c.asset_key.to_user_string()}:{c.check_name} failed"
        for c in checks
        if not c.passed and c.severity == AssetCheckSeverity.ERROR  # WARN reports, never fails
    ]
    materialized = len(_built(result))
    outcome = TransformOutcome(
        result.success and not failures, time.perf_counter() - t0, materialized,
        sum(c.passed for c in checks), len(checks), failures, _kept_as_published(result),
        result.run_id,
    )  # fmt: skip
    if outcome.success and outcome.up_to_date:
        echo(
            f"  silver + gold {first} .. {last}  up to date: nothing new since the last published "
            f"build of these dates (same bronze files, truth and code), so nothing was rebuilt "
            f"or republished ({outcome.seconds:.1f} s; --force rebuilds)"
        )
        return outcome
    status = "ok" if outcome.success else "FAIL"
    tests = f"checks {outcome.checks_passed}/{outcome.checks_total} passed"
    echo(
        f"  silver + gold {first} .. {last}  {status}  {materialized} assets materialized  "
        f"{tests}  ({outcome.seconds:.1f} s)"
    )
    for failure in failures:
        echo(f"      {failure}")
    alerts = _alerts_line(home, result.run_id) if result.success else None
    if alerts:
        echo(f"  {alerts}")
    return outcome
