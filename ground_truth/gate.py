"""The truth gate for a set of production dates: compare, measure recall, record, report.

Why: Dagster checks, the CLI summary and the tests all need the same verdict; this function is
the one place that produces it (and writes `audit.*` plus the Markdown report).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from ground_truth import audit, detection
from ground_truth.as_delivered import Held, date_statuses, delivered_truth, held_items
from ground_truth.compare import compare_date, gold_by_mart, held_rows
from ground_truth.outcome import (
    AWAITING,
    HAS_TRUTH,
    NO_TRUTH,
    NOT_DELIVERED,
    DateVerdict,
    GateOutcome,
)
from ground_truth.recall import ItemTally
from ground_truth.report import write_report
from ground_truth.truth import load_truth
from ingestion.landing import delivery_dates
from plants.absent import read_absence
from plants.dbt_vars import lateness_bound_days


def run_gate(
    con: duckdb.DuckDBPyConnection, home: Path, days: list[date], run_id: str
) -> GateOutcome:
    """Validate gold for `days` against truth, append to audit, write the report.

    A final date (gold.dim_date_status) is compared with its whole truth; a provisional one with
    its truth as delivered by the newest loaded delivery, holding only what a late whole file of
    a source other than batches and QC checks can still change (as_delivered.py)."""
    verdicts: list[DateVerdict] = []
    chaos = ItemTally(con, home)
    pending = unloaded_deliveries(con, home)
    bound = lateness_bound_days()
    statuses = date_statuses(con)
    newest = max((s.newest_delivery for s in statuses.values()), default=None)
    gold = gold_by_mart(con, sorted(days))
    for day in sorted(days):
        truth = load_truth(home, day)
        status = statuses.get(day)
        provisional = status is not None and status.provisional
        if truth is None:
            verdicts.append(DateVerdict(day, NO_TRUTH, provisional=provisional))
            continue
        if any(day <= d <= day + timedelta(days=bound) for d in pending):
            # Truth describes the complete date; comparing before its late rows are loaded would
            # fail for the wrong reason. A later run's window validates it.
            verdicts.append(DateVerdict(day, AWAITING, provisional=provisional))
            continue
        if newest is not None and day > newest:  # nothing of it is delivered yet
            verdicts.append(DateVerdict(day, NOT_DELIVERED, provisional=True))
            continue
        held: Held = set()
        if provisional and newest is not None:
            near = [load_truth(home, day + timedelta(days=k)) for k in (-1, 1)]
            held = held_items(truth, near, newest)
            expected = delivered_truth(truth, newest)
        else:
            expected = truth
        chaos.add(day, expected.get("chaos", []))
        verdicts.append(
            DateVerdict(
                day,
                HAS_TRUTH,
                compare_date(con, expected, day, gold, held),
                provisional=provisional,
                held_rows=held_rows(expected, held),
            )
        )
    recall = chaos.recall() if chaos.days else []
    outcome = GateOutcome(run_id, verdicts, recall, absence=read_absence(con))
    judged = [v.production_date for v in verdicts if v.truth_status == HAS_TRUTH]
    window = detection.scored_window(con, judged)
    if window is not None:
        truths = [t for d in sorted(days) if (t := load_truth(home, d)) is not None]
        injected = detection.injected_from_truth(truths)
        flags = detection.flags_between(con, window)
        outcome.detection = detection.measure(injected, flags, window)
        outcome.detection_window = window
    record(con, outcome)
    outcome.report = write_report(home, outcome)
    return outcome


def unloaded_deliveries(con: duckdb.DuckDBPyConnection, home: Path) -> list[date]:
    """Delivery folders that have landed but are not in bronze yet."""
    rows = con.execute("SELECT DISTINCT delivery_date FROM bronze._loads").fetchall()
    loaded = {d for (d,) in rows}
    return [d for d in delivery_dates(home) if d not in loaded]


def record(con: duckdb.DuckDBPyConnection, outcome: GateOutcome) -> None:
    """Append the outcome to audit.validation_results, validation_runs and chaos_recall."""
    now = datetime.now(UTC)
    audit.ensure_audit(con)
    results = [r for verdict in outcome.dates for r in verdict.results]
    audit.append(con, "validation_results", audit.as_rows(outcome.run_id, results))
    runs = [
        {
            "run_id": outcome.run_id,
            "validated_at": now,
            "production_date": v.production_date,
            "truth_status": v.truth_status,
            "metrics_checked": len(v.results),
            "metrics_passed": len(v.results) - len(v.failures),
            "metrics_failed": len(v.failures),
            "passed": v.passed,
        }
        for v in outcome.dates
    ]
    audit.append(con, "validation_runs", runs)
    with_truth = [v.production_date for v in outcome.dates if v.truth_status == HAS_TRUTH]
    recall = [
        {
            "run_id": outcome.run_id,
            "validated_at": now,
            "date_from": min(with_truth),
            "date_to": max(with_truth),
            "chaos_type": r.chaos_type,
            "injected": r.injected,
            "detected": r.detected,
            "handled_elsewhere": r.handled_elsewhere,
            "recall": r.recall,
            "passed": r.passed,
            "note": r.note,
        }
        for r in outcome.recall
    ]
    audit.append(con, "chaos_recall", recall)
    if outcome.detection_window is not None:
        first, last = outcome.detection_window
        scores = [
            {
                "run_id": outcome.run_id,
                "validated_at": now,
                "date_from": first,
                "date_to": last,
                "kind": s.kind,
                "injected": s.injected,
                "detected": s.detected,
                "flags": s.flags,
                "true_flags": s.true_flags,
                "recall": s.recall,
                "precision": s.precision,
                "median_delay_days": s.median_delay_days,
                "passed": s.passed,
            }
            for s in outcome.detection
        ]
        audit.append(con, "anomaly_detection", scores)
