"""The run-failure sensor: a run launched from the UI, the schedule or the landing sensor that
fails the gate or errors raises its alert (notify/failures.py: recorded and mailed once).

Why it skips `shopfloor run`'s runs: the CLI raises their alert itself as soon as the run
returns, so a cron job needs no daemon; the sensor would only find the alert recorded already.
"""

from dagster import (
    DagsterEventType,
    DefaultSensorStatus,
    RunFailureSensorContext,
    SkipReason,
    run_failure_sensor,
)

from notify.failures import alert_run_failure
from plants.home import Home

LAUNCHED_BY_TAG, CLI = "shopfloor/launched_by", "cli"  # cli/run.py tags the runs it starts


@run_failure_sensor(
    name="alert_on_run_failure",
    default_status=DefaultSensorStatus.RUNNING,  # alerts are on unless turned off
    description="Record and mail an alert for every failed run (gate failed or errored) that "
    "`shopfloor run` did not start (it alerts its own).",
)
def alert_on_run_failure(context: RunFailureSensorContext) -> SkipReason | None:
    run = context.dagster_run
    if run.tags.get(LAUNCHED_BY_TAG) == CLI:
        return SkipReason(f"run {run.run_id} was started by `shopfloor run`, which alerts itself")
    records = context.instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_FAILURE)
    step_failures = [r.dagster_event for r in records if r.dagster_event is not None]
    outcome = alert_run_failure(
        Home.from_env(), run.run_id, run.job_name, step_failures, context.failure_event.message
    )
    if outcome is None:
        return SkipReason(f"run {run.run_id}: alert already recorded, or the rule is off")
    context.log.info(outcome.line())
    return None
