"""The `audit/alerts` asset: a run's alert rules over the production dates it built, after the
truth gate and before publish (notify/alerts.py: the rules, and why they run here).

Why an asset downstream of gold and upstream of publish: the gold marts' truth checks are
blocking, so a run that fails the gate skips this step (its failure is alerted by the run-failure
path instead), and publish copies the alerts this step recorded into the serving copy, where the
dashboard's alarm list reads them with the data they concern. A mail that fails never fails the
step: publish must not wait for an SMTP server.
"""

import warnings
from datetime import date

from dagster import AssetExecutionContext, BackfillPolicy, BetaWarning, MaterializeResult, asset

from notify.alerts import data_alerts
from notify.config import load
from notify.dispatch import dispatch
from notify.record import flush_outbox
from orchestration.defs.notify.keys import ALERTS_KEY
from orchestration.defs.serving.assets import GOLD_KEYS, SERVING_GROUP
from orchestration.instance import WRITER_POOL
from orchestration.partitions import production_date_partitions
from orchestration.resources import WarehouseResource
from plants.home import Home, home_plant

with warnings.catch_warnings():  # backfill_policy is a beta parameter of @asset
    warnings.simplefilter("ignore", BetaWarning)

    @asset(
        key=ALERTS_KEY,
        deps=GOLD_KEYS,
        group_name=SERVING_GROUP,
        partitions_def=production_date_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WRITER_POOL,
        description="The alert rules (below target, degrading, late source) over the run's "
        "production dates: rows of audit.alerts and one alert mail per run (notify/).",
    )
    def run_alerts(
        context: AssetExecutionContext, warehouse: WarehouseResource
    ) -> MaterializeResult:
        """Evaluate the data rules, record the alerts, mail them in one message."""
        days = [date.fromisoformat(k) for k in context.partition_keys]
        home = Home(warehouse.home_path)
        config = load(home)
        plant = home_plant(home.root)
        con = warehouse.connect()
        try:
            carried = flush_outbox(con, home)  # records parked while a run held the warehouse
            alerts = data_alerts(con, plant, days, config.alerts)
        finally:
            con.close()
        outcome = dispatch(home, alerts, context.run.run_id, config)
        if outcome is not None and outcome.error:
            context.log.warning(outcome.line())
        by_rule: dict[str, int] = {}
        for alert in alerts:
            by_rule[alert.rule] = by_rule.get(alert.rule, 0) + 1
        return MaterializeResult(
            metadata={
                "alerts": len(alerts),
                "by_rule": ", ".join(f"{r}: {n}" for r, n in sorted(by_rule.items())) or "none",
                "mailed_to": ", ".join(outcome.recipients) if outcome else "",
                "mail_error": (outcome.error or "") if outcome else "",
                "outbox_records_carried_in": carried,
            }
        )
