"""Plant configuration: the YAML plant description loaded into typed objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PLANT = Path(__file__).with_name("plants") / "default.yaml"
STATES = ("RUNNING", "IDLE", "SETUP", "DOWN", "PLANNED_STOP")


@dataclass(frozen=True)
class Shift:
    code: str
    start: str  # "HH:MM" plant-local
    hours: int
    breaks: tuple[tuple[str, int], ...]  # (local "HH:MM", minutes)


@dataclass(frozen=True)
class Machine:
    id: str
    line_id: str
    type: str
    station: str
    ideal_cycle_s: dict[str, float]
    power_kw: dict[str, float]
    mtbf_h: float
    mttr_min: float
    degradation_per_day: float = 0.0
    conveyor: str | None = None
    scanner: str | None = None

    @property
    def is_dispenser(self) -> bool:
        return self.type == "DISPENSER"


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    machines: tuple[Machine, ...]


@dataclass
class PlantConfig:
    id: str
    name: str
    timezone: str
    shifts: tuple[Shift, ...]
    products: dict[str, dict[str, Any]]
    lines: tuple[Line, ...]
    operators: dict[str, Any]
    process: dict[str, Any]
    sampling: dict[str, int]
    asset_registry: dict[str, Any]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def machines(self) -> list[Machine]:
        return [m for line in self.lines for m in line.machines]

    def machine(self, machine_id: str) -> Machine:
        for m in self.machines:
            if m.id == machine_id:
                return m
        raise KeyError(machine_id)


def _renumber(machine_id: str, copy: int, per_type_count: int) -> str:
    """SMELTER-02 in copy 2 of a line with two smelters becomes SMELTER-04."""
    prefix, _, number = machine_id.rpartition("-")
    return f"{prefix}-{int(number) + copy * per_type_count:02d}"


def _copy_id(value: str | None, copy: int) -> str | None:
    """Device ids (conveyor, scanner) of a copied line: CONV-01 → CONV-02."""
    if value is None or copy == 0:
        return value
    return _renumber(value, copy, 1)


def _scaled_lines(raw_lines: list[dict[str, Any]], scale: int) -> tuple[Line, ...]:
    """Copy every line `scale` times; copies get new line, machine and station ids."""
    lines: list[Line] = []
    n_lines = len(raw_lines)
    for copy in range(scale):
        for li, raw_line in enumerate(raw_lines):
            per_type: dict[str, int] = {}
            for m in raw_line["machines"]:
                per_type[m["type"]] = per_type.get(m["type"], 0) + 1
            line_id = raw_line["id"] if copy == 0 else f"L{copy * n_lines + li + 1}"
            machines = []
            for m in raw_line["machines"]:
                mid = m["id"] if copy == 0 else _renumber(m["id"], copy, per_type[m["type"]])
                station = m["station"]
                if copy:
                    station = f"{station.rstrip('0123456789')}{int(mid.rsplit('-', 1)[1])}"

                machines.append(
                    Machine(
                        id=mid,
                        line_id=line_id,
                        type=m["type"],
                        station=station,
                        ideal_cycle_s={k: float(v) for k, v in m["products"].items()},
                        power_kw={k: float(v) for k, v in m["power_kw"].items()},
                        mtbf_h=float(m["mtbf_h"]),
                        mttr_min=float(m["mttr_min"]),
                        # Only the original SMELTER-02 degrades: the signal to find stays unique.
                        degradation_per_day=float(m.get("degradation_per_day", 0.0))
                        if copy == 0
                        else 0.0,
                        conveyor=_copy_id(m.get("conveyor"), copy),
                        scanner=_copy_id(m.get("scanner"), copy),
                    )
                )
            lines.append(Line(id=line_id, name=raw_line["name"], machines=tuple(machines)))
    return tuple(lines)


def load_plant(path: Path | None = None, scale: int = 1) -> PlantConfig:
    """Load a plant YAML file and multiply its lines by `scale`."""
    raw = yaml.safe_load((path or DEFAULT_PLANT).read_text(encoding="utf-8"))
    shifts = tuple(
        Shift(
            code=s["code"],
            start=s["start"],
            hours=int(s["hours"]),
            breaks=tuple((b["start"], int(b["minutes"])) for b in s.get("breaks", [])),
        )
        for s in raw["shifts"]
    )
    return PlantConfig(
        id=raw["plant"]["id"],
        name=raw["plant"]["name"],
        timezone=raw["plant"]["timezone"],
        shifts=shifts,
        products=raw["products"],
        lines=_scaled_lines(raw["lines"], scale),
        operators=raw["operators"],
        process=raw["process"],
        sampling=raw["sampling"],
        asset_registry=raw["asset_registry"],
        raw=raw,
    )
