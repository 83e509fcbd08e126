"""The two daily partitionings: delivery dates (bronze, the schedule, the sensor, the CLI) and
production dates (silver's incremental models, gold, validation and publish).

Why: landing folders are named by delivery date in the plant's time zone; one daily partition per
folder lets a late or corrected delivery be re-run on its own. `end_offset=1` makes today's
folder a valid partition so the sensor can load it while the day is still being delivered; a
folder dated later is refused with a reason (`refusal`), never a Dagster error.
A run covers one partition (sensor, schedule) or a range of them (backfill, `shopfloor run`):
every bronze step loops over `run_dates`, so a year of history is one run, not 365.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from dagster import DailyPartitionsDefinition, OpExecutionContext

# Dagster's tags naming a run's partition or partition range. Private module: Dagster has no
# public accessor for the partition of a run as seen from a step that is not partitioned itself.
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

from plants.home import Home, home_plant

# The plant's time zone, read from the plant the home names (the code location serves one home).
PLANT_TZ = home_plant(Home.from_env().root).timezone
FIRST_DELIVERY = "2024-01-01"

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
    if day < date.fromisoformat(FIRST_DELIVERY):
        return f"dated before the first delivery partition ({FIRST_DELIVERY}); not loaded"
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


def run_partition_dates(tags: Mapping[str, str]) -> tuple[date, date] | None:
    """The first and last date of a run launched for a partition or a partition range, from its
    tags, as an unpartitioned step sees them (it has no partition of its own); None without."""
    first = tags.get(ASSET_PARTITION_RANGE_START_TAG) or tags.get(PARTITION_NAME_TAG)
    last = tags.get(ASSET_PARTITION_RANGE_END_TAG) or tags.get(PARTITION_NAME_TAG)
    if not (first and last):
        return None
    return date.fromisoformat(first), date.fromisoformat(last)
