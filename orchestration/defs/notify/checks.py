"""Freshness per source: a WARN asset check on each bronze table, failing when the source trails
the plant's newest delivered production date by more than its `late_after_days`
(notify/freshness.py owns the rule; the `source_late` alert reads the same verdicts).

Why our own check and not Dagster's freshness checks (build_last_update_freshness_checks and
its kin): those compare the wall clock with when an asset was last materialized, which says
nothing in a home that replays history (every date of a demo is "late" by the calendar, and a
backfill materializes all of them today); the rule compares the sources' production dates.
WARN and not blocking: a late source is news, not a reason to hold the others back.
"""

from collections.abc import Iterator

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    multi_asset_check,
)

from ingestion.contracts import SOURCES
from notify.freshness import freshness
from orchestration.check_dates import WARNING_DATES, dates_metadata
from orchestration.defs.bronze.assets import bronze_key
from orchestration.instance import WRITER_POOL
from orchestration.partitions import run_dates
from orchestration.resources import WarehouseResource
from plants.home import home_plant
from plants.model import NOT_DELIVERED

FRESHNESS_CHECK = "delivered_on_time"
SOURCE_OF = {bronze_key(source): source for source in SOURCES}
FRESHNESS_DOC = (
    "The source's newest delivered production date trails the newest any source of the plant "
    "delivered by no more than the plant file's late_after_days for it (WARN only)."
)


@multi_asset_check(
    specs=[
        AssetCheckSpec(FRESHNESS_CHECK, asset=key, description=FRESHNESS_DOC) for key in SOURCE_OF
    ],
    can_subset=True,
    name="source_freshness",
    pool=WRITER_POOL,
)
def source_freshness(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[AssetCheckResult]:
    """One verdict per source, over everything bronze holds (lateness is not a property of one
    delivery date); a late source names the run's newest delivery date as the one it warns on."""
    plant = home_plant(warehouse.home_path)
    days = run_dates(context.op_execution_context) or []
    con = warehouse.connect()
    try:
        verdicts = {f.source: f for f in freshness(con, plant)}
    finally:
        con.close()
    for key in context.selected_asset_check_keys:
        verdict = verdicts.get(SOURCE_OF[key.asset_key])
        if verdict is None:
            yield AssetCheckResult(
                asset_key=key.asset_key, check_name=FRESHNESS_CHECK, passed=True,
                description=NOT_DELIVERED, metadata={"delivered": False},
            )  # fmt: skip
            continue
        yield AssetCheckResult(
            asset_key=key.asset_key,
            check_name=FRESHNESS_CHECK,
            passed=not verdict.late,
            severity=AssetCheckSeverity.WARN,
            description=verdict.message() if verdict.late else None,
            metadata={
                "newest_production_date": str(verdict.newest),
                "plant_newest_production_date": str(verdict.plant_newest),
                "trailing_days": verdict.trailing_days,
                "late_after_days": verdict.limit_days,
                WARNING_DATES: dates_metadata(days[-1:] if verdict.late else []),
            },
        )
