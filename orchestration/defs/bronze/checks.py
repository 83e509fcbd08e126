"""Asset checks on bronze: row accounting per file, no landed file left unprocessed, and no
delivery too broken to trust.

Why: "nothing lost" is a property to prove on every run, not a hope: a check fails, naming the
files, when rows read ≠ rows loaded + rows rejected or when a landed file has no manifest entry.
Bad rows are rejected one by one and the rest builds; only a whole file rejected, or more than
the plant's `max_rejected_share` of a source's rows on a date, holds the run back (a blocking
check naming the files, their first reject lines and what to do).
Each run checks the delivery dates it loaded (its partition or range), so the cost of a run does
not grow with the history; a failure lists the dates it concerns (`failed_dates`).
"""

from collections.abc import Iterator

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    multi_asset_check,
)

from ingestion.accounting import accounting_breaks, delivery_of, rejects_that_block, stuck_files
from ingestion.contracts import SOURCES
from ingestion.landing import STRAY
from orchestration.check_dates import FAILED_DATES, dates_metadata
from orchestration.defs.bronze.assets import STRAY_ASSET, bronze_key
from orchestration.instance import WRITER_POOL
from orchestration.partitions import run_dates
from orchestration.resources import WarehouseResource
from plants.home import home_plant
from plants.model import NOT_DELIVERED

MAX_LISTED = 20


def _result(
    asset_key: AssetKey, check_name: str, problems: list[str], what: str, delivered: bool = True
) -> AssetCheckResult:
    days = sorted({d for d in map(delivery_of, problems) if d is not None})
    quiet = None if delivered else NOT_DELIVERED
    return AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=not problems,
        severity=AssetCheckSeverity.ERROR,
        description=f"{len(problems)} {what}: {problems[0]}" if problems else quiet,
        metadata={
            "count": len(problems),
            "examples": "\n".join(problems[:MAX_LISTED]) or "none",
            FAILED_DATES: dates_metadata(days),
        },
    )


ACCOUNTING, UNPROCESSED, TRUSTED = "row_accounting", "no_file_unprocessed", "rejects_within_limit"
ACCOUNTING_DOC = (
    "For every file: rows read = rows loaded + rows rejected, and the bronze and reject tables "
    "hold exactly those rows."
)
UNPROCESSED_DOC = (
    "Every file in an already-loaded delivery folder has a manifest entry (loaded, rejected, "
    "quarantined or duplicate)."
)


TRUSTED_DOC = (
    "No file of the delivery was rejected whole, and the source's rejected rows on each delivery "
    "date stay within the plant's max_rejected_share (fewer than a few rejected rows never "
    "count). Blocking: silver and gold wait for a corrected delivery or a retract."
)


def _check_specs() -> list[AssetCheckSpec]:
    """Every bronze check is an ERROR and blocking: rows lost, a file left unprocessed or a
    delivery too broken to trust must hold silver and gold back, not only be reported."""
    specs = [AssetCheckSpec(ACCOUNTING, asset=bronze_key(s), description=ACCOUNTING_DOC,
                            blocking=True) for s in SOURCES]  # fmt: skip
    specs += [AssetCheckSpec(TRUSTED, asset=bronze_key(s), description=TRUSTED_DOC, blocking=True)
              for s in SOURCES]  # fmt: skip
    specs += [AssetCheckSpec(UNPROCESSED, asset=bronze_key(s), description=UNPROCESSED_DOC,
                             blocking=True) for s in (*SOURCES, STRAY_ASSET)]  # fmt: skip
    return specs


@multi_asset_check(specs=_check_specs(), can_subset=True, name="bronze_checks", pool=WRITER_POOL)
def bronze_checks_op(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[AssetCheckResult]:
    """All bronze checks in one step: one connection, the run's delivery dates only."""
    days = run_dates(context.op_execution_context)
    plant = home_plant(warehouse.home_path)
    con = warehouse.connect()
    try:
        for key in context.selected_asset_check_keys:
            name = key.asset_key.path[-1]
            if key.name == ACCOUNTING:
                problems = accounting_breaks(con, name, days)
                what = "file(s) break row accounting"
            elif key.name == TRUSTED:
                problems = rejects_that_block(con, name, plant.max_rejected_share, days)
                what = "delivery problem(s) too large to trust the data"
            else:
                manifest_source = STRAY if name == STRAY_ASSET else name
                problems = stuck_files(con, warehouse.home_path, manifest_source, days)
                what = "landed file(s) without a manifest entry"
            delivered = name == STRAY_ASSET or plant.delivers(name)
            yield _result(key.asset_key, key.name, problems, what, delivered)
    finally:
        con.close()


def bronze_checks() -> list[AssetChecksDefinition]:
    return [bronze_checks_op]
