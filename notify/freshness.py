"""Is a source late? The one rule behind the Dagster freshness checks on bronze
(orchestration/defs/notify/checks.py) and the `source_late` alert (notify/alerts.py).

A source is late when its newest delivered production date trails the newest production date any
source of the plant delivered by more than the plant file's `late_after_days` for it
(plants/model.py, default DEFAULT_LATE_AFTER_DAYS).

Why the plant's own newest date and not the wall clock: a home replays history (a generated demo,
a backfill of last month, a test), where every source would be "late" by the calendar although
each delivered in step with the others; measured against the newest date the plant delivered, a
source that stopped while the others go on is found in any home. What this rule cannot see is
every source stopping at once: then no run starts, and the landing sensor and schedule are what
show it (no new run in the UI).

Why the plant file: when a source is due is a fact of the plant's systems (a PLC export every
hour, an MES dump every night), like which sources it has (`sources`), and `shopfloor plant
check` validates it there; the `notify:` section of a home only says who is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from ingestion.manifest import LOADED
from plants.model import PlantConfig


@dataclass(frozen=True)
class Freshness:
    """How far one source trails the plant's newest delivered production date."""

    source: str
    newest: date | None  # the source's newest delivered production date (None: never)
    plant_newest: date | None  # the newest production date any source delivered
    limit_days: int
    plant_oldest: date | None = None  # the oldest: a source never delivered trails from there

    @property
    def trailing_days(self) -> int | None:
        """Production dates the source is behind; one never delivered is behind by every date
        the plant delivered (None when the plant delivered nothing)."""
        if self.plant_newest is None:
            return None
        if self.newest is None:
            oldest = self.plant_oldest or self.plant_newest
            return (self.plant_newest - oldest).days + 1
        return (self.plant_newest - self.newest).days

    @property
    def late(self) -> bool:
        trailing = self.trailing_days
        return trailing is not None and trailing > self.limit_days

    def message(self) -> str:
        if self.newest is None:
            return (
                f"{self.source}: nothing delivered in the {self.trailing_days} production dates "
                f"the plant delivered ({self.plant_oldest} .. {self.plant_newest}; late after "
                f"{self.limit_days})"
            )
        return (
            f"{self.source}: newest production date {self.newest} trails the plant's newest "
            f"{self.plant_newest} by {self.trailing_days} day(s) (late after {self.limit_days})"
        )


def delivered_span(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[date, date]]:
    """Each source's oldest and newest production date among its loaded files (the date the
    file name gives, else its delivery date)."""
    rows = con.execute(
        "select source, min(coalesce(name_date, delivery_date)), "
        "max(coalesce(name_date, delivery_date)) from bronze._files "
        "where outcome = ? and source is not null group by source",
        [LOADED],
    ).fetchall()
    return {source: (oldest, newest) for source, oldest, newest in rows}


def freshness(con: duckdb.DuckDBPyConnection, plant: PlantConfig) -> list[Freshness]:
    """One verdict per source the plant delivers."""
    span = {s: dates for s, dates in delivered_span(con).items() if plant.delivers(s)}
    plant_oldest = min((oldest for oldest, _ in span.values()), default=None)
    plant_newest = max((newest for _, newest in span.values()), default=None)
    return [
        Freshness(
            source,
            span[source][1] if source in span else None,
            plant_newest,
            plant.late_after(source),
            plant_oldest,
        )
        for source in plant.sources
    ]
