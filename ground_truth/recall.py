"""Chaos detection recall: injected items per chaos type (truth) vs what gold says it handled.

Why: correct KPIs could hide a cleaning step that silently dropped bad data; recall shows, per
type, that the pipeline saw each injected defect and did something about it (data_quality_daily).

How items are counted (both sides in the unit data_contract §7 gives each type):
- injected = truth `chaos` items of the validated production dates; detected = Σ items_found of
  gold.data_quality_daily for that type over the same dates (summed over sources, because gold
  dates some items by receive time: totals over the window are compared, not single days).
- An item in a row that bronze rejected (file + line in the reject tables, e.g. a machine-id
  variant inside a Windows-1252 NOTE row) was handled by the rejection: it is counted as
  "handled elsewhere", not expected again under its own type.
- A late-delivered row that is the copy of a duplicated batch (same key under duplicate_batches)
  was handled by de-duplication: the original arrived on time, so nothing is late.
- Period-level types (schema_drift: one truth item for the drift period, gold flags every drifted
  file) count 1 detected when gold flags any file of the window.
- degradation is a real signal, not a data defect: it changes the truth itself and is proven by
  the KPI comparison, so it has no recall.
- A dispenser phase line skipped right before a `Fault` line (the fault aborts the cycle, so no
  later phase or `Cycle complete` follows) leaves nothing to see: the log reads exactly like a
  fault during the previous phase (data contract §10). Such items are counted as unobservable,
  decided from the landing file (the line truth names as the next one written), not expected.
Recall = min(detected, injected) / injected; detected > injected is reported as over-counting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

NOT_COUNTABLE = {"degradation": "real signal (changes the truth); proven by the KPI comparison"}
PERIOD_LEVEL = frozenset({"schema_drift"})


@dataclass(frozen=True)
class Recall:
    """Detected vs injected items of one chaos type over the validated dates."""

    chaos_type: str
    injected: int
    detected: int
    handled_elsewhere: int  # in rejected rows, or a late duplicate copy
    note: str
    unobservable: int = 0  # nothing in landing data shows the item (see module doc)

    @property
    def countable(self) -> bool:
        return self.chaos_type not in NOT_COUNTABLE

    @property
    def recall(self) -> float | None:
        if not self.countable or self.injected == 0:
            return None
        return min(self.detected, self.injected) / self.injected

    @property
    def passed(self) -> bool:
        return self.recall is None or self.recall >= 1.0


def _rejected_lines(con: duckdb.DuckDBPyConnection) -> set[tuple[str, int]]:
    rows = con.execute("select source_file, source_row_number from silver.stg_bronze__rejects")
    return {
        (source_file, int(row_number))
        for source_file, row_number in rows.fetchall()
        if source_file is not None and row_number is not None
    }


def _detected(con: duckdb.DuckDBPyConnection, days: list[date]) -> Counter:
    rows = con.execute(
        "select chaos_type, sum(items_found) from gold.data_quality_daily "
        # the time model's findings (chaos_type_id null) are what plant data does, not chaos
        "where chaos_type_id is not null "
        "and production_date in (select unnest(?::date[])) group by chaos_type",
        [days],
    ).fetchall()
    return Counter({name: int(n) for name, n in rows})


def _skip_before_fault(home: Path, item: dict[str, Any], cache: dict[str, list[str]]) -> bool:
    """A skipped phase line whose next written line is a fault: invisible in the log."""
    if item["name"] != "skipped_log_states" or item["line"] is None:
        return False
    if item["file"] not in cache:
        path = home / item["file"]
        cache[item["file"]] = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    lines = cache[item["file"]]
    line = lines[item["line"] - 1] if 0 < item["line"] <= len(lines) else ""
    return "[ERROR]" in line and ": Fault " in line


class ItemTally:
    """The injected chaos items of the dates added so far, sorted into expected, handled by a
    rejection and unobservable (module doc).

    Why per date: a plant-year's truth holds about 1.8 million chaos items, 1.4 GB as Python
    dicts; the gate adds each date's items as it goes and keeps only these counts."""

    def __init__(self, con: duckdb.DuckDBPyConnection, home: Path | None = None) -> None:
        self.con, self.home = con, home
        self.days: list[date] = []
        self.injected: Counter = Counter()
        self.in_rejects: Counter = Counter()
        self.unobservable: Counter = Counter()
        self._rejected: set[tuple[str, int]] | None = None

    def add(self, day: date, items: list[dict[str, Any]]) -> None:
        """Count one production date's chaos items (a duplicate and its late copy share it)."""
        if self._rejected is None:
            self._rejected = _rejected_lines(self.con)
        duplicated = {
            (item["source"], item["key"]) for item in items if item["name"] == "duplicate_batches"
        }
        files: dict[str, list[str]] = {}
        for item in items:
            if self.home is not None and _skip_before_fault(self.home, item, files):
                self.unobservable[item["name"]] += 1
            elif (
                item["line"] is not None
                and (item["file"], item["line"]) in self._rejected
                and item["name"] != ("malformed_lines")
            ):
                self.in_rejects[item["name"]] += 1
            elif item["name"] == "late_arrivals" and (item["source"], item["key"]) in duplicated:
                self.in_rejects[item["name"]] += 1  # the late copy of a duplicate: see module doc
            else:
                self.injected[item["name"]] += 1
        self.days.append(day)

    def recall(self) -> list[Recall]:
        """Recall per chaos type over the dates added, against gold's findings for them."""
        detected = _detected(self.con, sorted(self.days))
        injected, in_rejects, unobservable = self.injected, self.in_rejects, self.unobservable
        results = []
        for name in sorted(set(injected) | set(detected) | set(in_rejects) | set(unobservable)):
            found = detected[name]
            if name in PERIOD_LEVEL:
                found = min(found, 1) if injected[name] else found
            note = NOT_COUNTABLE.get(name, "")
            if not note and found > injected[name]:
                note = f"gold reports {found - injected[name]} more than injected"
            if unobservable[name]:
                note = (
                    f"{unobservable[name]} invisible in landing data (skipped just before a fault)"
                )
            results.append(
                Recall(name, injected[name], found, in_rejects[name], note, unobservable[name])
            )
        return results


def chaos_recall(
    con: duckdb.DuckDBPyConnection,
    truths: dict[date, dict[str, Any]],
    home: Path | None = None,
) -> list[Recall]:
    """Recall per chaos type over the production dates that have truth (`home` holds the
    landing files, to recognize unobservable items; without it every item is expected)."""
    tally = ItemTally(con, home)
    for day, truth in truths.items():
        tally.add(day, truth.get("chaos", []))
    return tally.recall()
