"""The alert rules: what in a run's data deserves telling someone, as rows of audit.alerts.

Rules (each switched on, and given its severity, in the `notify.alerts` section,
notify/config.py):
  - `oee_below_target` / `availability_below_target` (and performance, quality when listed): a
    machine-shift of the run's production dates whose KPI is below the machine's target
    (gold.dim_target, from the plant file's `targets`);
  - `machine_degrading`: a machine whose daily performance over the last `days` production dates
    falls faster than notify/degrading.py's threshold (the dashboard flags it with the same rule);
  - `source_late`: a source trailing the plant's newest delivered production date by more than
    its limit (notify/freshness.py, the same rule as the Dagster freshness checks);
  - `reconciliation_beyond_tolerance`: a machine-shift of the run's production dates whose
    sources disagree beyond the tolerance (gold.kpi_reconciliation_daily, which owns the
    comparison, the tolerance and the cause);
  - `gate_failed` / `run_errored`: a run that failed the truth gate or a blocking check, or
    errored (notify/failures.py classifies it).

Where they run (orchestration/defs/notify/): the data rules in the `audit/alerts` asset after the
truth gate and before publish, so the alerts of a run reach the serving copy (and the dashboard's
alarm list) with the very publication they concern, and a gate that fails skips them together
with publish; the run-failure rules where a failure is known: `shopfloor run` itself for the runs
it starts (no daemon needed) and a Dagster run-failure sensor for runs from the UI, the schedule
or the landing sensor.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb

from notify import degrading
from notify.config import Alerts, Severity
from notify.freshness import freshness
from plants.model import PlantConfig

KPIS = ("oee", "availability", "performance", "quality")
DEGRADING, SOURCE_LATE = "machine_degrading", "source_late"
RECONCILIATION = "reconciliation_beyond_tolerance"
GATE_FAILED, RUN_ERRORED = "gate_failed", "run_errored"
RUN_FAILURE_RULES = (GATE_FAILED, RUN_ERRORED)


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def below_target_rule(kpi: str) -> str:
    return f"{kpi}_below_target"


@dataclass(frozen=True)
class Alert:
    """One row of audit.alerts (the columns in the shared contract, in its order)."""

    rule: str
    severity: Severity
    message: str
    run_id: str | None = None
    production_date: date | None = None
    machine_id: str | None = None
    shift_code: str | None = None
    source: str | None = None
    observed: float | None = None
    threshold: float | None = None
    alert_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    raised_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def row(self, run_id: str | None, notified: bool) -> dict:
        """The audit.alerts row, for the run that raised it."""
        return {
            "alert_id": self.alert_id, "run_id": self.run_id or run_id,
            "raised_at": self.raised_at, "rule": self.rule, "severity": self.severity,
            "production_date": self.production_date, "machine_id": self.machine_id,
            "shift_code": self.shift_code, "source": self.source, "observed": _float(self.observed),
            "threshold": _float(self.threshold), "message": self.message, "notified": notified,
        }  # fmt: skip

    def line(self) -> str:
        """The alert as one line of the alert mail."""
        return f"[{self.severity}] {self.message}"


def below_target(
    con: duckdb.DuckDBPyConnection, days: Sequence[date], rules: Alerts
) -> list[Alert]:
    """A machine-shift of `days` whose KPI (of the rule's `kpis`) is below the machine's
    effective target (gold.dim_target: its own, else its line's, else the plant's)."""
    rule = rules.below_target
    if not rule.enabled or not days:
        return []
    alerts = []
    for kpi in rule.kpis:  # a column name from KPIS (config validates it), never free text
        rows = con.execute(
            f"select s.production_date, s.machine_id, s.shift_code, s.{kpi}, t.{kpi} "  # noqa: S608
            "from gold.kpi_machine_shift s join gold.dim_target t "
            "on t.scope = 'machine' and t.scope_id = s.machine_id "
            f"where s.production_date in (select unnest(?::date[])) and s.{kpi} < t.{kpi} "
            "order by 1, 2, 3",
            [list(days)],
        ).fetchall()
        alerts += [
            Alert(
                rule=below_target_rule(kpi),
                severity=rule.severity,
                production_date=day,
                machine_id=machine,
                shift_code=shift,
                observed=float(observed),
                threshold=float(target),
                message=f"{machine} {day} {shift}: {kpi} {observed:.1%} below target {target:.1%}",
            )
            for day, machine, shift, observed, target in rows
        ]
    return alerts


def degrading_machines(
    con: duckdb.DuckDBPyConnection, days: Sequence[date], rules: Alerts
) -> list[Alert]:
    """A machine whose daily performance over the `days` production dates up to the run's last
    falls past notify/degrading.py's threshold."""
    rule = rules.degrading
    if not rule.enabled or not days:
        return []
    last = max(days)
    rows = con.execute(
        "select machine_id, list(performance order by production_date) "
        "from gold.kpi_machine_daily where production_date between ? and ? "
        "and performance is not null group by machine_id order by machine_id",
        [last - timedelta(days=rule.days - 1), last],
    ).fetchall()
    alerts = []
    for machine, performance in rows:
        slope = degrading.slope_pp_per_day(performance)
        level = degrading.trend_level(slope)
        if level is None:
            continue
        limit = degrading.ALERT_PP_PER_DAY if level == "alert" else degrading.WATCH_PP_PER_DAY
        alerts.append(
            Alert(
                rule=DEGRADING,
                severity="critical" if level == "alert" else rule.severity,
                production_date=last,
                machine_id=machine,
                observed=slope,
                threshold=limit,
                message=f"{machine}: performance falling {slope:+.2f} pp/day over the "
                f"{len(performance)} production dates to {last} (flagged from {limit:+.1f})",
            )
        )
    return alerts


def late_sources(con: duckdb.DuckDBPyConnection, plant: PlantConfig, rules: Alerts) -> list[Alert]:
    """A delivered source late by notify/freshness.py's rule."""
    rule = rules.source_late
    if not rule.enabled:
        return []
    return [
        Alert(
            rule=SOURCE_LATE,
            severity=rule.severity,
            source=f.source,
            production_date=f.newest,
            observed=f.trailing_days,
            threshold=f.limit_days,
            message=f"source {f.message()}",
        )
        for f in freshness(con, plant)
        if f.late
    ]


def unreconciled_shifts(
    con: duckdb.DuckDBPyConnection, days: Sequence[date], rules: Alerts
) -> list[Alert]:
    """A machine-shift of `days` whose units or time in state differ between sources beyond the
    tolerance (gold.kpi_reconciliation_daily decides; observed and threshold are its worst
    difference and that difference's tolerance)."""
    rule = rules.reconciliation
    if not rule.enabled or not days:
        return []
    rows = con.execute(
        "select production_date, machine_id, shift_code, worst_difference, worst_tolerance, "
        "finding from gold.kpi_reconciliation_daily "
        "where production_date in (select unnest(?::date[])) and is_beyond_tolerance "
        "order by 1, 2, 3",
        [list(days)],
    ).fetchall()
    return [
        Alert(
            rule=RECONCILIATION,
            severity=rule.severity,
            production_date=day,
            machine_id=machine,
            shift_code=shift,
            observed=float(observed),
            threshold=float(tolerance),
            message=f"{machine} {day} {shift}: {finding}",
        )
        for day, machine, shift, observed, tolerance, finding in rows
    ]


def data_alerts(
    con: duckdb.DuckDBPyConnection, plant: PlantConfig, days: Sequence[date], rules: Alerts
) -> list[Alert]:
    """Every data rule's alerts for a run over `days` (production dates)."""
    return [
        *below_target(con, days, rules),
        *degrading_machines(con, days, rules),
        *late_sources(con, plant, rules),
        *unreconciled_shifts(con, days, rules),
    ]
