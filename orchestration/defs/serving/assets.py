"""The `publish` asset: validated gold + audit → warehouse/serving.duckdb (see publish.py).

Why an asset downstream of every gold asset: the truth checks on the KPI marts are blocking, so
Dagster skips this step whenever a mart fails truth in the same run, and the last good serving
copy stays in place. Materialized on its own (from the UI, for one date or a range), it runs the
truth gate for its dates itself, so it never publishes gold that no gate has judged.

"Published" per production date is this asset's partitions: gold turns green when it is built,
a date of `serving/publish` only when it reached the serving copy (a run that failed the gate
leaves it missing or failed). Each materialization names its published dates and which of them
are still provisional (gold.dim_date_status).
"""

import warnings
from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ground_truth.as_delivered import PROVISIONAL, date_statuses
from ground_truth.gate import run_gate
from orchestration.defs.dbt.assets import gold_by_production_date, silver_and_dimensions
from orchestration.defs.notify.keys import ALERTS_KEY
from orchestration.defs.serving.publish import publish
from orchestration.instance import WRITER_POOL
from orchestration.partitions import production_date_partitions
from orchestration.resources import WarehouseResource

SERVING_GROUP = "serving"
GOLD_KEYS = sorted(
    (
        k
        for k in [*silver_and_dimensions.keys, *gold_by_production_date.keys]
        if k.path[0] == "gold"
    ),
    key=lambda k: k.to_user_string(),
)


def _provisional_dates(con, days: list[date]) -> MetadataValue:
    """The published dates whose late rows may still restate them (gold.dim_date_status owns the
    rule, ground_truth/as_delivered.py reads it)."""
    statuses = date_statuses(con)
    return MetadataValue.json(
        [day.isoformat() for day in days if day in statuses and statuses[day].status == PROVISIONAL]
    )


def _validation_summary(con, run_id: str) -> tuple[str, int, int]:
    row = con.execute(
        "select count(*), coalesce(sum(metrics_checked), 0), coalesce(sum(metrics_failed), 0), "
        "count(*) filter (truth_status = 'truth') from audit.validation_runs where run_id = ?",
        [run_id],
    ).fetchone()
    dates, checked, failed, with_truth = (int(v) for v in row)
    if dates == 0:
        return "not validated", 0, 0
    if failed:
        return "failed", checked, failed
    return ("passed" if with_truth else "no truth: expectations only"), checked, failed


with warnings.catch_warnings():  # backfill_policy is a beta parameter of @asset
    warnings.simplefilter("ignore", BetaWarning)

    @asset(
        key=AssetKey(["serving", "publish"]),
        deps=[*GOLD_KEYS, ALERTS_KEY],  # the run's alerts are published with it
        group_name=SERVING_GROUP,
        partitions_def=production_date_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WRITER_POOL,
        description="Atomically replace warehouse/serving.duckdb with validated gold + audit. A "
        "materialized partition is a production date published to analysts; gold's own partitions "
        "say only that it was built.",
    )
    def publish_serving(
        context: AssetExecutionContext, warehouse: WarehouseResource
    ) -> MaterializeResult:
        """Write a new serving file and rename it into place, with a meta.publication row."""
        days = [date.fromisoformat(k) for k in context.partition_keys]
        con = warehouse.connect()
        try:
            run_id = context.run.run_id
            status, checked, failed = _validation_summary(con, run_id)
            if status == "not validated":  # selected without the truth gate: judge the dates now
                run_gate(con, warehouse.home_path, days, run_id)
                status, checked, failed = _validation_summary(con, run_id)
            if status in ("failed", "not validated"):  # defence in depth behind the blocking checks
                raise RuntimeError(f"refusing to publish: validation {status} in run {run_id}")
            result = publish(con, warehouse.home_path, run_id, days, status, checked, failed)
            provisional = _provisional_dates(con, days)
        finally:
            con.close()
        return MaterializeResult(
            metadata={
                "serving_path": str(result.path),
                "tables": result.tables,
                "validation_status": status,
                "metrics_checked": checked,
                "metrics_failed": failed,
                "production_dates": f"{days[0]} .. {days[-1]}" if days else "none",
                "published_dates": MetadataValue.json([day.isoformat() for day in days]),
                "provisional_dates": provisional,
            }
        )
