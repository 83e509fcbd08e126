"""A plant as typed objects: the one reading of a plant YAML file (`plants/default.yaml`).

Why one module: the generator simulates from these objects, the pipeline derives its reference
tables from them (plants/reference.py), Dagster takes the time zone from them and the checker
(plants/check.py) validates the raw file before anything else reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PLANTS_DIR = Path(__file__).resolve().parent
DEFAULT_PLANT = PLANTS_DIR / "default.yaml"
STATES = ("RUNNING", "IDLE", "SETUP", "DOWN", "PLANNED_STOP")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # ISO day 1..7
# What every layer says of a source the plant file does not list.
NOT_DELIVERED = "not delivered by this plant (plant file `sources`)"
# Plant file `max_rejected_share` (optional): the share of a source's rows on a delivery date that
# bronze may reject before the date is held back as untrustworthy. Heavy generator chaos rejects
# up to ~7 % of a small source's rows (operator_logs: partial writes and Windows-1252 notes).
DEFAULT_MAX_REJECTED_SHARE = 0.10
# Plant file `late_after_days` (optional, per source): how many production dates a source may trail
# the newest date any source delivered before it counts as late (notify/freshness.py: the Dagster
# freshness checks and the `source_late` alert). Generator chaos delivers a few files 1-2 days late.
DEFAULT_LATE_AFTER_DAYS = 2


@dataclass(frozen=True)
class Shift:
    code: str
    start: str  # "HH:MM" plant-local
    hours: float
    breaks: tuple[tuple[str, int], ...]  # (local "HH:MM", minutes)

    @property
    def minutes(self) -> int:
        return round(self.hours * 60)


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
    spellings: tuple[str, ...] = ()
    works_through_break_prob: float = 0.0  # chance per shift and break that it keeps producing

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
    day_start: str
    shifts: tuple[Shift, ...]
    weekdays: dict[int, tuple[str, ...]]  # ISO weekday → scheduled shift codes
    holidays: dict[date, str]
    sources: tuple[str, ...]
    planned_stop_reasons: tuple[str, ...]
    state_codes: dict[str, int]
    targets: dict[str, Any]
    products: dict[str, dict[str, Any]]
    lines: tuple[Line, ...]
    operators: dict[str, Any]
    process: dict[str, Any]
    sampling: dict[str, int]
    asset_registry: dict[str, Any]
    # The plant's own machine-log rules, replacing dbt's default table (dbt_project.yml var
    # log_rules) for a plant whose machines write other log lines; None: the default.
    log_rules: list[dict[str, Any]] | None = None
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE
    late_after_days: dict[str, int] = field(default_factory=dict)  # by source; else the default
    path: Path = DEFAULT_PLANT
    scale: int = 1
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def machines(self) -> list[Machine]:
        return [m for line in self.lines for m in line.machines]

    def machine(self, machine_id: str) -> Machine:
        for m in self.machines:
            if m.id == machine_id:
                return m
        raise KeyError(machine_id)

    def scheduled_shifts(self, day: date) -> list[Shift]:
        """The shifts scheduled on a production date: its weekday's pattern, none on a holiday."""
        if day in self.holidays:
            return []
        codes = self.weekdays.get(day.isoweekday())
        if codes is None:
            return list(self.shifts)
        return [s for s in self.shifts if s.code in codes]

    def delivers(self, source: str) -> bool:
        return source in self.sources

    def late_after(self, source: str) -> int:
        """Production dates `source` may trail the newest delivered one (`late_after_days`)."""
        return self.late_after_days.get(source, DEFAULT_LATE_AFTER_DAYS)


def _renumber(machine_id: str, copy: int, per_type_count: int) -> str:
    """SMELTER-02 in copy 2 of a line with two smelters becomes SMELTER-06."""
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
                        # Declared spellings name the original machine, not its copies.
                        spellings=tuple(m.get("spellings", ())) if copy == 0 else (),
                        works_through_break_prob=float(m.get("works_through_break_prob", 0.0)),
                    )
                )
            lines.append(Line(id=line_id, name=raw_line["name"], machines=tuple(machines)))
    return tuple(lines)


def _weekdays(raw: dict[str, Any]) -> dict[int, tuple[str, ...]]:
    return {WEEKDAYS.index(k) + 1: tuple(v or ()) for k, v in (raw or {}).items()}


def _holidays(raw: list[dict[str, Any]]) -> dict[date, str]:
    return {date.fromisoformat(str(h["date"])): str(h.get("name", "")) for h in raw or []}


def _or_default(value: Any, default: float) -> float:
    return default if value is None else float(value)


def read_raw(path: Path) -> dict[str, Any]:
    """The plant file as parsed YAML (no validation: plants/check.py does that)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_plant(path: Path | None = None, scale: int = 1) -> PlantConfig:
    """Load a plant YAML file and multiply its lines by `scale`."""
    path = Path(path or DEFAULT_PLANT).resolve()
    raw = read_raw(path)
    model = raw["shift_model"]
    shifts = tuple(
        Shift(
            code=s["code"],
            start=s["start"],
            hours=float(s["hours"]),
            breaks=tuple((b["start"], int(b["minutes"])) for b in s.get("breaks") or []),
        )
        for s in model["shifts"]
    )
    return PlantConfig(
        id=raw["plant"]["id"],
        name=raw["plant"]["name"],
        timezone=raw["plant"]["timezone"],
        day_start=model.get("day_start", shifts[0].start),
        shifts=shifts,
        weekdays=_weekdays(model.get("weekdays")),
        holidays=_holidays(model.get("holidays")),
        sources=tuple(raw["sources"]),
        planned_stop_reasons=tuple(raw.get("planned_stop_reasons") or ("break",)),
        state_codes={k: int(v) for k, v in raw["state_codes"].items()},
        targets=raw.get("targets") or {},
        products=raw["products"],
        lines=_scaled_lines(raw["lines"], scale),
        operators=raw["operators"],
        process=raw["process"],
        sampling=raw["sampling"],
        asset_registry=raw["asset_registry"],
        log_rules=raw.get("log_rules"),
        max_rejected_share=_or_default(raw.get("max_rejected_share"), DEFAULT_MAX_REJECTED_SHARE),
        late_after_days={k: int(v) for k, v in (raw.get("late_after_days") or {}).items()},
        path=path,
        scale=scale,
        raw=raw,
    )
