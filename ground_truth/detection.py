"""How well monitoring finds the injected anomalies: precision, recall and delay per kind.

truth.json `injected_anomalies` lists each anomaly (kind, machine, metric, onset, end) on every
production date it is active; gold.fct_anomaly holds the flags. The rules, in one place:
- A flag belongs to the kind whose metric family its metric starts with (generators/anomalies.py:
  vibration → bearing wear, scrap_rate → scrap spike ...); a flag of no family counts as 'other'.
- A flag is true when an injected anomaly (any kind) is active on its machine on its date or
  ended the date before (a shifted signal may linger a day: a bearing's failure, a late batch).
- An anomaly is detected when a flag of its own metric on its machine falls in [onset, end + 1];
  its delay is the number of days from its onset to the first such flag. Only anomalies that
  overlap the scored dates (after the baseline's period, within the run) are counted: one inside
  the baseline's own period cannot stand out from it.
Precision = true flags / flags, recall = detected / injected, per kind and overall.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from generators.anomalies import CATALOGUE, DEGRADATION, METRIC_OF_DEGRADATION

# metric-name prefix → anomaly kind (the dispenser's sides share one kind)
FAMILIES: dict[str, str] = {kind.metric: name for name, kind in CATALOGUE.items()}
FAMILIES |= {"side_a_time_s": "dispenser_phase_slow", "side_b_time_s": "dispenser_phase_slow"}
FAMILIES[METRIC_OF_DEGRADATION] = DEGRADATION
OTHER = "other"
LINGER_DAYS = 1
# The targets at default intensity (bench/bench_detection.py measures them).
TARGET_RECALL, TARGET_PRECISION, TARGET_MEDIAN_DELAY_DAYS = 0.9, 0.8, 1.0


@dataclass(frozen=True)
class Injected:
    kind: str
    machine_id: str
    metric: str
    onset: date
    end: date | None  # None: still going at the last simulated date


@dataclass(frozen=True)
class Flag:
    production_date: date
    machine_id: str
    metric: str


@dataclass(frozen=True)
class KindScore:
    kind: str
    injected: int
    detected: int
    flags: int
    true_flags: int
    delays_days: tuple[int, ...]

    @property
    def recall(self) -> float | None:
        return self.detected / self.injected if self.injected else None

    @property
    def precision(self) -> float | None:
        return self.true_flags / self.flags if self.flags else None

    @property
    def median_delay_days(self) -> float | None:
        return statistics.median(self.delays_days) if self.delays_days else None

    @property
    def passed(self) -> bool:
        """Meets the targets (a measure without cases meets them)."""
        return (
            (self.recall is None or self.recall >= TARGET_RECALL)
            and (self.precision is None or self.precision >= TARGET_PRECISION)
            and (
                self.median_delay_days is None or self.median_delay_days <= TARGET_MEDIAN_DELAY_DAYS
            )
        )


def kind_of(metric: str) -> str:
    """The anomaly kind a flagged metric belongs to, or 'other'."""
    return next((k for prefix, k in FAMILIES.items() if metric.startswith(prefix)), OTHER)


def injected_from_truth(truths: Iterable[dict]) -> list[Injected]:
    """The distinct anomalies of some dates' truth (an entry repeats on every date it is active;
    the latest date's end wins: an open degradation learns its end later)."""
    found: dict[tuple[str, str, str, str], Injected] = {}
    for truth in truths:
        for a in truth.get("injected_anomalies", []):
            key = (a["kind"], a["machine_id"], a["metric"], a["onset"])
            end = date.fromisoformat(a["end"]) if a["end"] else None
            found[key] = Injected(
                a["kind"], a["machine_id"], a["metric"], date.fromisoformat(a["onset"]), end
            )
    return list(found.values())


def measure(
    injected: list[Injected], flags: list[Flag], scored: tuple[date, date]
) -> list[KindScore]:
    """Precision, recall and delay per kind over the `scored` dates (first, last), plus 'all'."""
    first, last = scored
    counted = [a for a in injected if a.onset <= last and (a.end or last) >= first]
    flags = [f for f in flags if first <= f.production_date <= last]

    def active(a: Injected, day: date) -> bool:
        return a.onset <= day <= (a.end or last) + timedelta(days=LINGER_DAYS)

    def true(flag: Flag) -> bool:
        return any(a.machine_id == flag.machine_id and active(a, flag.production_date)
                   for a in injected)  # fmt: skip

    kinds = sorted({a.kind for a in counted} | {kind_of(f.metric) for f in flags})
    scores = []
    for kind in kinds:
        own_flags = [f for f in flags if kind_of(f.metric) == kind]
        delays = []
        detected = 0
        for a in (a for a in counted if a.kind == kind):
            hits = sorted(
                f.production_date
                for f in flags
                if f.machine_id == a.machine_id
                and f.metric.startswith(a.metric)
                and active(a, f.production_date)
            )
            if hits:
                detected += 1
                delays.append((hits[0] - max(a.onset, first)).days)
        scores.append(
            KindScore(
                kind,
                sum(a.kind == kind for a in counted),
                detected,
                len(own_flags),
                sum(true(f) for f in own_flags),
                tuple(delays),
            )
        )
    total = KindScore(
        "all",
        sum(s.injected for s in scores),
        sum(s.detected for s in scores),
        sum(s.flags for s in scores),
        sum(s.true_flags for s in scores),
        tuple(d for s in scores for d in s.delays_days),
    )
    return [*scores, total]


def scored_window(con: duckdb.DuckDBPyConnection, days: list[date]) -> tuple[date, date] | None:
    """The run's dates after the active baseline's period (the dates it can judge), or None
    when no baseline or no anomaly mart exists yet."""
    tables = {
        (schema, name)
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    if not days or not {("monitoring", "baseline"), ("gold", "fct_anomaly")} <= tables:
        return None
    (period_to,) = con.execute(
        "select max(period_to) from monitoring.baseline where is_active"
    ).fetchone() or (None,)
    first = max(min(days), period_to + timedelta(days=1)) if period_to else None
    return (first, max(days)) if first is not None and first <= max(days) else None


def flags_between(con: duckdb.DuckDBPyConnection, window: tuple[date, date]) -> list[Flag]:
    """gold.fct_anomaly's flags over the window's production dates."""
    rows = con.execute(
        "select production_date, machine_id, metric from gold.fct_anomaly "
        "where production_date between ? and ?",
        list(window),
    ).fetchall()
    return [Flag(*row) for row in rows]
