"""What the PLC simulator serves: every node read of the generator's simulation, by node and time.

Why a schedule read off the generator: the simulator must serve the same plant, seed and period
the generator writes (so a capture can be checked against truth), counter resets, 16-bit
rollovers and bad or stale reads included. The generator's own renderer produces those reads
(generators/render.py `controller_snapshots`); the schedule keeps them instead of writing them,
rather than a second model of the controllers.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generators.calendar import day_bounds
from generators.chaos import ChaosConfig
from generators.run import Generator
from plants.model import PlantConfig


@dataclass(frozen=True)
class Read:
    """One node read as the controller reports it at a grid instant."""

    value: Any
    data_type: str
    source_time: int  # epoch seconds (older than the instant for a stale read)
    status: str


@dataclass
class NodeSeries:
    """One node's reads in time order (grid instants in epoch seconds)."""

    times: list[int] = field(default_factory=list)
    reads: list[Read] = field(default_factory=list)

    def latest(self, t: float) -> tuple[int, Read] | None:
        """The read of the last grid instant at or before t."""
        i = bisect.bisect_right(self.times, t) - 1
        return (self.times[i], self.reads[i]) if i >= 0 else None

    def between(self, t0: float, t1: float) -> list[tuple[int, Read]]:
        """Reads of the grid instants in [t0, t1]."""
        lo, hi = bisect.bisect_left(self.times, t0), bisect.bisect_right(self.times, t1)
        return list(zip(self.times[lo:hi], self.reads[lo:hi], strict=True))


@dataclass
class Schedule:
    """Every node of every controller over the simulated period."""

    plant: PlantConfig
    start: int  # the period's first production date starts (epoch seconds)
    end: int
    nodes: dict[str, NodeSeries]  # contract node id → reads (plant machine order, node order)
    data_types: dict[str, str]


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def build_schedule(
    plant_path: Path | None,
    start: date,
    days: int,
    seed: int,
    chaos_level: str,
    overrides: dict[str, float] | None = None,
    scale: int = 1,
) -> Schedule:
    """Simulate the period as `shopfloor generate` does and keep its controller reads."""
    chaos = ChaosConfig.from_level(chaos_level, overrides)
    generator = Generator(Path("."), start, days, seed, chaos, scale, plant_path)
    nodes: dict[str, NodeSeries] = {}
    data_types: dict[str, str] = {}
    for _day, parts in generator.rendered_days():
        for part in parts:
            if part.source != "controller_snapshots":
                continue
            for row in part.rows:
                doc = json.loads(row.data)
                t = _epoch(doc["server_timestamp"])
                for node in doc["nodes"]:
                    series = nodes.setdefault(node["node_id"], NodeSeries())
                    data_types[node["node_id"]] = node["data_type"]
                    series.times.append(t)
                    series.reads.append(
                        Read(
                            node["value"],
                            node["data_type"],
                            _epoch(node["source_timestamp"]),
                            node["status_code"],
                        )
                    )
    plant = generator.plant
    first, last = generator.days[0], generator.days[-1]
    return Schedule(
        plant, day_bounds(plant, first)[0], day_bounds(plant, last)[1], nodes, data_types
    )
