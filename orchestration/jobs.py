"""The bronze job: every bronze asset (and its checks) for a delivery-date partition or a range.

Why: the sensor, the schedule and `shopfloor run` all launch this one job. DuckDB's one writer is
kept by the pool every warehouse step joins (orchestration/instance.py), not by the jobs.
"""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job, in_process_executor

from orchestration.defs.bronze.assets import BRONZE_GROUP

bronze_job = define_asset_job(
    "bronze_job",
    selection=AssetSelection.groups(BRONZE_GROUP),
    executor_def=in_process_executor,  # one step at a time, in the run's process
    description="Load delivery dates of landing into bronze (one date or a range in one run), "
    "then run the bronze checks.",
)

# Silver, gold, then the truth gate (blocking checks on gold) and publish to the serving copy.
TRANSFORM_GROUPS = ("reference", "silver", "gold", "serving")

# Silver and gold for a production-date window: `shopfloor run` launches it once for the whole
# landed range after bronze (the partitioned dbt assets take the range in a single run).
transform_job = define_asset_job(
    "transform_job",
    selection=AssetSelection.groups(*TRANSFORM_GROUPS),
    executor_def=in_process_executor,
    description="dbt build: seeds, silver, dimensions, facts and KPI marts; truth gate; publish.",
)

# One delivery date end to end: what the schedule and the sensor launch.
daily_job = define_asset_job(
    "daily_job",
    selection=AssetSelection.groups(BRONZE_GROUP, *TRANSFORM_GROUPS),
    executor_def=in_process_executor,
    description="Bronze for one delivery date, then silver and gold for that production date.",
)
