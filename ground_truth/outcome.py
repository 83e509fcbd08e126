"""The truth gate's verdict as data: per production date, and for the whole run.

Why its own module: the gate (gate.py) produces it and the report (report.py) renders it; with
the types in either of them the two modules imported each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ground_truth.compare import MetricResult
from ground_truth.detection import KindScore
from ground_truth.recall import Recall
from plants.absent import Absence

NO_TRUTH = "no truth"
HAS_TRUTH = "truth"
AWAITING = "awaiting deliveries"
NOT_DELIVERED = "not delivered yet"  # truth of a date after the newest loaded delivery


@dataclass
class DateVerdict:
    """The gate's verdict on one production date."""

    production_date: date
    truth_status: str
    results: list[MetricResult] = field(default_factory=list)
    # gold.dim_date_status: provisional dates are compared as far as delivered (as_delivered.py)
    provisional: bool = False
    held_rows: int = 0  # truth rows not compared yet: an item they need is still undelivered

    @property
    def failures(self) -> list[MetricResult]:
        return [r for r in self.results if not r.passed]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class GateOutcome:
    """Verdicts per date, chaos recall and where the report was written."""

    run_id: str
    dates: list[DateVerdict]
    recall: list[Recall]
    report: Path | None = None
    absence: Absence | None = None  # sources the plant file leaves out, the marts they empty
    # anomaly detection per kind over the dates scored against a baseline (detection.py)
    detection: list[KindScore] = field(default_factory=list)
    detection_window: tuple[date, date] | None = None

    @property
    def checked(self) -> int:
        return sum(len(d.results) for d in self.dates)

    @property
    def failed(self) -> int:
        return sum(len(d.failures) for d in self.dates)

    @property
    def passed(self) -> bool:
        return all(d.passed for d in self.dates)

    @property
    def status(self) -> str:
        """passed / failed, or 'expectations only' when no date had truth."""
        if not self.passed:
            return "failed"
        if all(d.truth_status == NO_TRUTH for d in self.dates):
            return "passed (no truth: expectations only)"
        awaiting = sum(d.truth_status in (AWAITING, NOT_DELIVERED) for d in self.dates)
        if awaiting:
            return f"passed ({awaiting} date(s) awaiting deliveries, not compared yet)"
        return "passed"  # provisional dates: gold.dim_date_status and the report say which

    @property
    def provisional_dates(self) -> list[date]:
        return [d.production_date for d in self.dates if d.provisional]
