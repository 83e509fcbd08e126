"""The daily schedule: at 06:00 plant time, run the previous delivery date end to end.

Why: after the night shift the previous day's folder is complete. The sensor normally loads it as
it lands; the schedule is the safety net, so it launches a run only when that folder holds a file
bronze has not recorded (a run with nothing new would cost a full dbt, gate and publish cycle).
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from orchestration.defs.landing.pending import unloaded_files
from orchestration.jobs import daily_job
from orchestration.partitions import PLANT_TZ, partition_key
from plants.home import Home


@schedule(
    job=daily_job,
    cron_schedule="0 6 * * *",
    execution_timezone=PLANT_TZ,
    default_status=DefaultScheduleStatus.RUNNING,  # the safety net is on unless turned off
    description=f"06:00 {PLANT_TZ} (the plant's time zone): yesterday's delivery end to end, if "
    "any of it is not loaded.",
)
def daily_schedule(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    local = context.scheduled_execution_time.astimezone(ZoneInfo(PLANT_TZ))
    day = local.date() - timedelta(days=1)
    key = partition_key(day)
    pending = unloaded_files(Home.from_env().root, day)
    if pending == []:
        return SkipReason(f"nothing new landed for {key}: every file is already in bronze")
    return RunRequest(run_key=f"daily:{key}", partition_key=key)
