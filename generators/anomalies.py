"""The anomaly catalogue: real process faults the simulation injects, each with an intensity.

Chaos (generators/chaos.py) is mess in the files; an anomaly is something that happens to a
machine (a bearing wearing out, a dispenser side slowing), so it changes the simulated signal
and, where it touches a KPI, the truth computed from it. Which anomalies happen is a function of
the seed, the anomaly intensities and the day index alone (never of how many days one generation
covers), so `generate --append` and the re-simulation of an open date see the same ones.

The intensity of a kind is the expected number of onsets per 28 days in the whole plant; the
defaults add up to about six a month. The level and intensities are chosen with
`generate --anomalies none|default|heavy` and `--anomaly-rate KIND=RATE` and kept with the
simulator state (generators/state.py), like the chaos intensities.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from plants.model import Machine, PlantConfig

PERIOD_DAYS = 28  # an intensity counts onsets per this many days


@dataclass(frozen=True)
class Kind:
    """One kind of anomaly: its default intensity, where it can happen and what it moves."""

    default: float
    machine_types: tuple[str, ...]
    days: tuple[int, int]  # inclusive range of its length in production dates
    metric: str  # the monitored metric family that shows it (models/marts/monitoring)
    meaning: str


CATALOGUE: dict[str, Kind] = {
    "bearing_wear": Kind(
        1.0,
        ("SMELTER", "ASSEMBLER"),
        (3, 5),
        "vibration_mm_s",
        "vibration creeps up day by day, then the machine fails on the last day",
    ),
    "temperature_excursion": Kind(
        1.0,
        ("SMELTER", "ASSEMBLER", "DISPENSER"),
        (1, 1),
        "temperature_c",
        "temperature runs 15 % high for 2-4 hours of one day",
    ),
    "sensor_stuck": Kind(
        1.0,
        ("SMELTER", "ASSEMBLER", "DISPENSER"),
        (1, 1),
        "longest_repeat_run",
        "one sensor channel repeats one value for 3-6 hours of one day",
    ),
    "dispenser_phase_slow": Kind(
        1.0,
        ("DISPENSER",),
        (2, 4),
        "side_time_s",
        "dispensing side A or B takes 30 % longer",
    ),
    "scrap_spike": Kind(
        1.0,
        ("SMELTER", "ASSEMBLER", "DISPENSER"),
        (1, 1),
        "scrap_rate",
        "scrap rate ×6 for one day, all of it for one reason",
    ),
    "small_stop_burst": Kind(
        1.0,
        ("SMELTER", "ASSEMBLER"),
        (1, 1),
        "small_stop_rate",
        "small stops ×6 as frequent for one day",
    ),
}
# The plant file's slow degradation (degradation_per_day) is listed in truth with the injected
# anomalies, so that its detection is measured the same way.
DEGRADATION = "degradation"
METRIC_OF_DEGRADATION = "performance"
LEVELS = ("none", "default", "heavy")
HEAVY_FACTOR = 3.0
SENSOR_CHANNELS = ("temperature_c", "pressure_bar", "power_kw", "vibration_mm_s")
LONGEST = max(kind.days[1] for kind in CATALOGUE.values())


def rates_for(level: str, overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Intensities of every kind at `level`, with `overrides` (kind → onsets per 28 days)."""
    if level not in LEVELS:
        raise ValueError(f"unknown anomaly level {level!r} (choose from {', '.join(LEVELS)})")
    factor = {"none": 0.0, "default": 1.0, "heavy": HEAVY_FACTOR}[level]
    rates = {name: kind.default * factor for name, kind in CATALOGUE.items()}
    for name, value in (overrides or {}).items():
        if name not in CATALOGUE:
            raise ValueError(f"unknown anomaly kind {name!r}; valid: {', '.join(CATALOGUE)}")
        if value < 0:
            raise ValueError(f"anomaly intensity for {name} must be >= 0, got {value}")
        rates[name] = float(value)
    return rates


@dataclass(frozen=True)
class Anomaly:
    """One injected anomaly: on `machine_id` from day index `onset` to `end` (inclusive)."""

    kind: str
    machine_id: str
    onset: int
    end: int
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def metric(self) -> str:
        """The metric of gold.fct_machine_daily_metric that shows it (its name's prefix)."""
        if self.kind == "dispenser_phase_slow":  # side_a_time_s:<product>
            return f"{self.params['phase'].lower()}_time_s"
        channel = self.params.get("channel")
        family = CATALOGUE[self.kind].metric
        return f"{family}:{channel}" if channel else family

    def progress(self, day_index: int) -> float:
        """How far it has gone on `day_index`: 1/length on the first day, 1 on the last."""
        return (day_index - self.onset + 1) / (self.end - self.onset + 1)

    def truth(self, origin: date) -> dict[str, Any]:
        """Its truth.json entry (kind, machine, metric, onset and end as production dates)."""
        return {
            "kind": self.kind,
            "machine_id": self.machine_id,
            "metric": self.metric,
            "onset": (origin + timedelta(days=self.onset)).isoformat(),
            "end": (origin + timedelta(days=self.end)).isoformat(),
            "detail": dict(self.params),
        }


def _draw(plant: PlantConfig, seed: int, name: str, onset: int, rate: float) -> Anomaly | None:
    """The anomaly of kind `name` starting on day index `onset`, if one does."""
    kind = CATALOGUE[name]
    rng = random.Random(f"{seed}:anomaly:{name}:{onset}")
    if rate <= 0 or rng.random() >= rate / PERIOD_DAYS:
        return None
    eligible: list[Machine] = [m for m in plant.machines if m.type in kind.machine_types]
    if not eligible:
        return None
    machine = rng.choice(eligible)
    length = rng.randint(*kind.days)
    params: dict[str, Any] = {}
    if name in {"temperature_excursion", "sensor_stuck"}:
        hours = (2, 4) if name == "temperature_excursion" else (3, 6)
        params["start_hour"] = rng.randint(1, 9)  # hours after the production date begins
        params["hours"] = rng.randint(*hours)
    if name == "sensor_stuck":
        params["channel"] = rng.choice(SENSOR_CHANNELS)
    if name == "dispenser_phase_slow":
        params["phase"] = rng.choice(["SIDE_A", "SIDE_B"])
        params["factor"] = 1.3
    if name == "scrap_spike":
        params["reason"] = rng.choice(sorted(plant.process["scrap_reasons"]))
        params["factor"] = 6.0
    if name == "small_stop_burst":
        params["factor"] = 6.0
    return Anomaly(name, machine.id, onset, onset + length - 1, params)


def active_on(
    plant: PlantConfig, seed: int, rates: dict[str, float], day_index: int
) -> list[Anomaly]:
    """Every injected anomaly active on `day_index` (a function of its arguments alone)."""
    found = []
    for name in CATALOGUE:
        for onset in range(max(0, day_index - LONGEST + 1), day_index + 1):
            anomaly = _draw(plant, seed, name, onset, rates.get(name, 0.0))
            if anomaly is not None and anomaly.end >= day_index:
                found.append(anomaly)
    return found


@dataclass
class Effects:
    """What the active anomalies do to one machine on one production date."""

    anomalies: list[Anomaly] = field(default_factory=list)
    day_index: int = 0

    def of(self, kind: str) -> Anomaly | None:
        return next((a for a in self.anomalies if a.kind == kind), None)

    def phase_factor(self, phase: str) -> float:
        slow = self.of("dispenser_phase_slow")
        return float(slow.params["factor"]) if slow and slow.params["phase"] == phase else 1.0

    def scrap(self) -> tuple[float, str | None]:
        """Scrap-rate multiplier and the one reason of the extra scrap."""
        spike = self.of("scrap_spike")
        return (float(spike.params["factor"]), spike.params["reason"]) if spike else (1.0, None)

    def small_stop_factor(self) -> float:
        burst = self.of("small_stop_burst")
        return float(burst.params["factor"]) if burst else 1.0

    def fails_today(self) -> bool:
        """A worn bearing gives out on the last day of its wear."""
        wear = self.of("bearing_wear")
        return wear is not None and wear.end == self.day_index

    def vibration_factor(self) -> float:
        wear = self.of("bearing_wear")
        return 1.0 + 1.5 * wear.progress(self.day_index) if wear else 1.0

    def sensor_window(self, kind: str, day_start: int) -> tuple[int, int, Anomaly] | None:
        """[start, end) epoch seconds of a sensor anomaly of `kind` on this date, if any."""
        a = self.of(kind)
        if a is None:
            return None
        start = day_start + 3600 * int(a.params["start_hour"])
        return start, start + 3600 * int(a.params["hours"]), a
