"""The two daily partitionings: delivery dates (bronze, the schedule, the sensor, the CLI) and
production dates (silver's incremental models, gold, validation and publish).

Why: landing folders are named by delivery date in the plant's time zone; one daily partition per
folder lets a late or corrected delivery be re-run on its own. `end_offset=1` makes today's
folder a valid partition so the sensor can load it while the day is still being delivered; a
folder dated later is refused with a reason (`refusal`), never a Dagster error.
A run covers one partition (sensor, schedule) or a range of them (backfill, `shopfloor run`):
every bronze step loops over `run_dates`, so a year of history is one run, not 365.

The partitions begin at the home's first landed date (`first_partition_date`), computed when the
code location loads: the UI then shows the plant's own dates, filled, and its "Missing" preset
never launches years before the plant delivered anything. A folder older than that which lands
later is refused with a reason until the code location is loaded again: `shopfloor run` loads it
afresh every time; `shopfloor ui` (the webserver and the daemon's sensor) after "Reload" on its
code location. `$SHOPFLOOR_FIRST_DATE` declares an earlier first date (history still to come).

A run for a range of partitions: every step reads it through Dagster's public context
(`has_partitions`, `partition_keys`, `partition_key_range`), the unpartitioned ones too (Dagster
gives every step of a partitioned run the run's range). Launching one has no public Python API:
`execute_in_process`, `materialize` and `RunRequest` take one `partition_key`; Dagster's own
launchers (the UI's single-run backfill, `dagster asset materialize --partition-range`, the
launchpad) set two run tags, whose names Dagster documents for users to type (PR #10441) and its
demo project (hooli-data-eng-pipelines) passes to `execute_in_process`, but whose constants live
in the private `dagster._core.storage.tags`. RANGE_START_TAG/RANGE_END_TAG spell them here, once
(range_run_tags): a persisted, user-typed name outlives a private module path, and
tests/orchestration/test_dagster_pins.py fails if a Dagster upgrade stops honouring them.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from dagster import DailyPartitionsDefinition, OpExecutionContext

from ingestion.landing import delivery_dates, latest_delivery
from plants.home import Home, home_plant

FIRST_DATE_ENV = "SHOPFLOOR_FIRST_DATE"
# Dagster's run tags for a run over a range of partitions (see the module docstring).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def first_partition_date(home: Path, timezone: str) -> date:
    """The first partition of a home's code location: `$SHOPFLOOR_FIRST_DATE` when set, else the
    home's oldest dated landing folder, else (nothing landed yet) today in the plant's time zone;
    never later than today, so today's partition always exists."""
    today = latest_delivery(timezone)
    declared = os.environ.get(FIRST_DATE_ENV)
    if declared:
        return min(date.fromisoformat(declared), today)
    landed = delivery_dates(home)
    return min(landed[0], today) if landed else today


# The plant's time zone, read from the plant the home names (the code location serves one home).
PLANT_TZ = home_plant(Home.from_env().root).timezone
FIRST_DATE = first_partition_date(Home.from_env().root, PLANT_TZ)
FIRST_DELIVERY = FIRST_DATE.isoformat()

# A delivery folder is named by its delivery date; a gold partition is a production date. The two
# are distinct ideas on the same daily calendar, so a run of the daily job covers delivery date D
# and rebuilds production date D (late rows of earlier dates restate them through the lookback).
delivery_date_partitions = DailyPartitionsDefinition(
    start_date=FIRST_DELIVERY, timezone=PLANT_TZ, end_offset=1
)
production_date_partitions = DailyPartitionsDefinition(
    start_date=FIRST_DELIVERY, timezone=PLANT_TZ, end_offset=1
)


def partition_key(day: date) -> str:
    return day.isoformat()


def refusal(day: date) -> str | None:
    """Why a delivery folder's date is no partition of the bronze job (None: it is one). A
    folder dated later than today's partition is refused rather than made a partition: data
    from a day that has not happened is a sender's mistake or a clock error, and a partition
    for it would show the schedule and the UI days to come."""
    if day < FIRST_DATE:
        return (
            f"dated before the first delivery partition ({FIRST_DELIVERY}: the first landed date "
            f"when the code location loaded, or ${FIRST_DATE_ENV}); not loaded until the code "
            "location loads again (`shopfloor run` always does; in `shopfloor ui`, Reload it)"
        )
    last = delivery_date_partitions.get_last_partition_key()
    if last is None or day > date.fromisoformat(last):
        return (
            f"dated after today ({last} in the plant's time zone, {PLANT_TZ}); not loaded "
            "until its date has come (rename the folder if its date is wrong)"
        )
    return None


def is_valid_delivery(day: date) -> bool:
    """True when the delivery date is a partition of the bronze job."""
    return refusal(day) is None


def run_dates(context: OpExecutionContext) -> list[date] | None:
    """The delivery dates of the run: its one partition, or every date of its partition range
    (a backfill in one run); None when the run is not partitioned."""
    if not context.has_partitions:
        return None
    return [date.fromisoformat(key) for key in context.partition_keys]


def run_partition_dates(context: OpExecutionContext) -> tuple[date, date] | None:
    """The first and last date of the run's partition or partition range, as any step sees it,
    one that is not partitioned itself included; None when the run is not partitioned."""
    if not context.has_partitions:
        return None
    keys = context.partition_key_range
    return date.fromisoformat(keys.start), date.fromisoformat(keys.end)


def range_run_tags(first: date, last: date) -> dict[str, str]:
    """The tags that make a run cover the partitions first..last in one run (a single-run
    backfill), as Dagster's own launchers set them."""
    return {RANGE_START_TAG: partition_key(first), RANGE_END_TAG: partition_key(last)}
