"""A failed run as an alert: `gate_failed` when a blocking check (the truth gate, a bronze or
expectation check) stopped it, `run_errored` when a step raised; recorded and mailed once.

Why one function for the CLI and the sensor: `shopfloor run` calls it for the runs it starts (so
a cron job needs no Dagster daemon), the run-failure sensor (orchestration/defs/notify/sensors.py)
for every other run; whichever comes second finds the run's alert recorded and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import duckdb

from notify.alerts import GATE_FAILED, RUN_ERRORED, RUN_FAILURE_RULES, Alert
from notify.config import load
from notify.dispatch import Dispatch, dispatch
from plants.home import Home

log = logging.getLogger(__name__)
CHECK_FAILED_ERROR = "DagsterAssetCheckFailedError"  # what a failed blocking check raises
MAX_MESSAGE = 600


def _already_alerted(home: Home, run_id: str) -> bool:
    """Whether the run's failure is in audit.alerts already (the warehouse busy: assume not)."""
    from ingestion.warehouse import connect

    if not home.warehouse.exists():
        return False
    try:
        con = connect(home.root, read_only=True)
    except duckdb.Error:
        return False
    try:
        found = con.execute(
            "select count(*) from audit.alerts where run_id = ? and rule in "
            "(select unnest(?::varchar[]))",
            [run_id, list(RUN_FAILURE_RULES)],
        ).fetchone()[0]
    except duckdb.CatalogException:  # a warehouse from before audit.alerts
        return False
    finally:
        con.close()
    return bool(found)


def _root_cause(error) -> str:
    """`RuntimeError: disk full` from a step's error (Dagster's SerializableErrorInfo), following
    its causes down to the first (Dagster wraps a step's own exception in its own error)."""
    if error is None:
        return "failed"
    while error.cause is not None:
        error = error.cause
    message = " ".join(error.message.split())
    return message if message.startswith(f"{error.cls_name}:") else f"{error.cls_name}: {message}"


def failure_alert(
    run_id: str, job_name: str, step_failures: Sequence, run_message: str | None, severity: str
) -> Alert:
    """The alert of a failed run, from its STEP_FAILURE events (DagsterEvent) and the run's own
    failure message (for a run that failed outside any step)."""
    errors = [
        (event.step_key, event.step_failure_data.error)
        for event in step_failures
        if event.step_failure_data is not None
    ]
    gate = any(e is not None and e.cls_name == CHECK_FAILED_ERROR for _, e in errors)
    what = [f"{step}: {_root_cause(e)}" for step, e in errors]
    detail = "; ".join(what) or " ".join((run_message or "no step failed").split())
    verdict = "failed a blocking check; nothing it judged was published" if gate else "errored"
    message = f"run {run_id} ({job_name}) {verdict}: {detail}"
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return Alert(
        rule=GATE_FAILED if gate else RUN_ERRORED,
        severity=severity,  # type: ignore[arg-type]
        message=message,
        run_id=run_id,
    )


def alert_run_failure(
    home: Home,
    run_id: str,
    job_name: str,
    step_failures: Sequence,
    run_message: str | None = None,
) -> Dispatch | None:
    """Record and mail a failed run's alert, once per run; None when the rule is off or the run
    was alerted already."""
    config = load(home)
    rule = config.alerts.run_failed
    if not rule.enabled or _already_alerted(home, run_id):
        return None
    alert = failure_alert(run_id, job_name, step_failures, run_message, rule.severity)
    return dispatch(home, [alert], run_id, config)
