"""The bronze job: every bronze asset (and its checks) for one delivery-date partition.

Why: the sensor, the schedule and `shopfloor run` all launch this one job, and its runs carry a
writer tag that the instance's run queue limits to one at a time (DuckDB has a single writer).
"""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job, in_process_executor

from orchestration.assets import BRONZE_GROUP

WRITER_TAG = "shopfloor/duckdb_writer"

bronze_job = define_asset_job(
    "bronze_job",
    selection=AssetSelection.groups(BRONZE_GROUP),
    executor_def=in_process_executor,  # steps share one process: never two writers in a run
    tags={WRITER_TAG: "warehouse"},
    description="Load one delivery date of landing into bronze, then run the bronze checks.",
)
