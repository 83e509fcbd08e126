"""What Shopfloor relies on from Dagster beyond its public Python API, pinned: an upgrade that
changes it fails here, not in a run (the event log's private base class: test_event_log.py)."""

import ast
import importlib
import inspect
from datetime import date
from pathlib import Path

import dagster as dg

from cli.run import SKIPPED_BUILD_LOGGER, SKIPPED_BUILD_NOTICE
from orchestration.partitions import range_run_tags, run_dates, run_partition_dates

DAYS = dg.DailyPartitionsDefinition(start_date="2026-01-01")
REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("cli", "dashboard", "generators", "ground_truth", "ingestion", "orchestration", "plants")
# The one module that builds on private Dagster code, on purpose (tests/orchestration/
# test_event_log.py pins what it relies on).
PRIVATE_ON_PURPOSE = {"orchestration/event_log.py"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}


def test_no_module_imports_private_dagster_code_but_the_pinned_event_log() -> None:
    private = {
        path.relative_to(REPO).as_posix(): sorted(
            m for m in _imported_modules(path) if m.startswith(("dagster._", "dagster_dbt._"))
        )
        for package in PRODUCT
        for path in sorted((REPO / package).rglob("*.py"))
    }
    assert {path for path, modules in private.items() if modules} == PRIVATE_ON_PURPOSE


def test_a_run_launched_with_the_range_tags_covers_the_range_in_every_step() -> None:
    """Partitioned steps see every date of the range, unpartitioned ones its first and last,
    through Dagster's public context: what the bronze loaders, dbt's window and the gate read."""
    seen: dict[str, object] = {}

    @dg.asset
    def whole(context: dg.AssetExecutionContext) -> None:
        seen["whole"] = run_partition_dates(context.op_execution_context)

    @dg.asset(partitions_def=DAYS, deps=[whole], backfill_policy=dg.BackfillPolicy.single_run())
    def daily(context: dg.AssetExecutionContext) -> None:
        seen["daily"] = run_dates(context.op_execution_context)

    job = dg.Definitions(assets=[whole, daily], jobs=[dg.define_asset_job("j")]).resolve_job_def(
        "j"
    )
    first, last = date(2026, 1, 2), date(2026, 1, 4)
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, tags=range_run_tags(first, last))
        materialized = instance.get_materialized_partitions(dg.AssetKey("daily"))
    assert result.success
    assert seen == {"whole": (first, last), "daily": [first, date(2026, 1, 3), last]}
    assert materialized == {"2026-01-02", "2026-01-03", "2026-01-04"}


def test_an_unpartitioned_run_has_no_dates() -> None:
    seen: dict[str, object] = {}

    @dg.asset
    def whole(context: dg.AssetExecutionContext) -> None:
        seen["whole"] = run_partition_dates(context.op_execution_context)

    assert dg.materialize([whole]).success
    assert seen == {"whole": None}


def test_the_skipped_build_notice_is_logged_where_the_cli_filters_it() -> None:
    """cli/run.py filters Dagster's "emitted no result" warning on the logger of the module
    that logs it, by its words: both must still be Dagster's."""
    module = importlib.import_module(SKIPPED_BUILD_LOGGER)
    source = inspect.getsource(module)
    assert "logging.getLogger(__name__)" in source
    assert SKIPPED_BUILD_NOTICE in source
