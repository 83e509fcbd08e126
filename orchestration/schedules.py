"""The daily schedule: at 06:00 plant time, run the previous delivery date end to end.

Why: after the night shift the previous day's folder is complete; the run is a no-op for files
the sensor already loaded (the manifest skips them), and catches anything it missed.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from dagster import RunRequest, ScheduleEvaluationContext, schedule

from orchestration.jobs import daily_job
from orchestration.partitions import PLANT_TZ, partition_key


@schedule(
    job=daily_job,
    cron_schedule="0 6 * * *",
    execution_timezone=PLANT_TZ,
    description="06:00 Europe/Berlin: yesterday's delivery into bronze, then silver and gold.",
)
def bronze_daily_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    local = context.scheduled_execution_time.astimezone(ZoneInfo(PLANT_TZ))
    key = partition_key(local.date() - timedelta(days=1))
    return RunRequest(run_key=f"daily:{key}", partition_key=key)
