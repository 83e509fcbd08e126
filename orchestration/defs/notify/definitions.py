"""Notify: the alerts asset before publish, per-source freshness checks on bronze, and the
run-failure sensor (notify/ holds the rules, the mail and the audit records)."""

from dagster import Definitions

from orchestration.defs.notify.assets import run_alerts
from orchestration.defs.notify.checks import source_freshness
from orchestration.defs.notify.sensors import alert_on_run_failure

defs = Definitions(
    assets=[run_alerts], asset_checks=[source_freshness], sensors=[alert_on_run_failure]
)
