"""A run's alerts: recorded in audit.alerts and mailed as ONE message (not one per rule hit).

Why one message: a bad night raises dozens of below-target hits; one mail listing them, most
severe first, is read, and dozens are filtered away. A mail that cannot be delivered never fails
the run: the alerts are still recorded (notified = false) and the failed delivery too.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from notify import record
from notify.alerts import Alert
from notify.config import NotifyConfig, load
from notify.mail import DeliveryFailed, deliver
from plants.home import Home

log = logging.getLogger(__name__)
SEVERITY_ORDER = {"critical": 0, "warning": 1}


@dataclass(frozen=True)
class Dispatch:
    """What became of a run's alerts."""

    alerts: int
    recipients: tuple[str, ...]  # mailed to (empty: not mailed)
    error: str | None  # why the mail did not go out, when it was due

    def line(self) -> str:
        """One line for the CLI."""
        said = f"{self.alerts} alert{'s' if self.alerts != 1 else ''} recorded in audit.alerts"
        if self.error:
            return f"{said}; alert mail NOT delivered: {self.error}"
        if self.recipients:
            return f"{said}, mailed to {', '.join(self.recipients)}"
        return f"{said} (no alert mail: `notify` in shopfloor.yaml sets it up)"


def subject(alerts: Sequence[Alert], run_id: str | None) -> str:
    critical = sum(a.severity == "critical" for a in alerts)
    days = sorted({a.production_date for a in alerts if a.production_date is not None})
    span = "" if not days else f" for {days[0]}" + (f" .. {days[-1]}" if len(days) > 1 else "")
    crit = f" ({critical} critical)" if critical else ""
    run = f" in run {run_id[:8]}" if run_id else ""
    return f"Shopfloor: {len(alerts)} alert{'s' if len(alerts) != 1 else ''}{crit}{run}{span}"


def body(alerts: Sequence[Alert], run_id: str | None) -> str:
    ordered = sorted(alerts, key=lambda a: (SEVERITY_ORDER[a.severity], a.rule, a.message))
    by_rule: dict[str, list[Alert]] = {}
    for alert in ordered:
        by_rule.setdefault(alert.rule, []).append(alert)
    parts = [f"Run {run_id or '(none)'} raised {len(alerts)} alert(s):", ""]
    for rule, hits in by_rule.items():
        parts.append(f"{rule} ({len(hits)}):")
        parts += [f"  {a.line()}" for a in hits]
        parts.append("")
    parts.append("The dashboard's alarm list shows them once the run's data is published; all of")
    parts.append("them are in audit.alerts of the serving copy (`shopfloor sql`).")
    return "\n".join(parts) + "\n"


def dispatch(
    home: Home, alerts: Sequence[Alert], run_id: str | None, config: NotifyConfig | None = None
) -> Dispatch | None:
    """Mail a run's alerts in one message when mail is set up, then record them; None when the
    run raised none."""
    if not alerts:
        return None
    config = config or load(home)
    recipients = config.alert_recipients if config.smtp is not None else ()
    error = None
    if recipients:
        try:
            deliver(
                home, kind="alerts", subject=subject(alerts, run_id), body=body(alerts, run_id),
                attachments=[], recipients=recipients, run_id=run_id, config=config,
            )  # fmt: skip
        except DeliveryFailed as failure:
            error = str(failure)
            log.warning("alert mail of run %s not delivered: %s", run_id, error)
    notified = bool(recipients) and error is None
    record.append(home, "alerts", [a.row(run_id, notified) for a in alerts])
    return Dispatch(len(alerts), tuple(recipients) if notified else (), error)


def recorded_line(home: Home, run_id: str) -> str | None:
    """One line on what a run's alerts step recorded and mailed (None: it raised none)."""
    import duckdb

    from ingestion.warehouse import connect

    try:
        con = connect(home.root, read_only=True)
    except duckdb.Error:  # a progress line is never worth failing the run
        return None
    try:
        alerts = con.execute(
            "select count(*), count(*) filter (notified) from audit.alerts where run_id = ?",
            [run_id],
        ).fetchone()
        mail = con.execute(
            "select status, recipients, error from audit.deliveries "
            "where run_id = ? and kind = 'alerts' order by attempted_at desc limit 1",
            [run_id],
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if not alerts[0]:
        return None
    recipients = tuple(mail[1]) if mail and mail[0] == "sent" else ()
    return Dispatch(alerts[0], recipients, mail[2] if mail else None).line()
