"""The discrete-event simulation of the plant: the single clean reality every source renders.

Each machine is simulated shift by shift in *work time* (the shift minus its breaks), so that an
activity interrupted by a break simply resumes after it; work time is mapped back to wall time at
the end. All instants are integer UTC epoch seconds.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from generators.anomalies import Effects
from generators.calendar import ShiftWindow, shifts_for
from plants.model import Machine, PlantConfig

STATUS_BITS = ("CYCLE_STARTED", "CLAMPED", "SIDE_A_DONE", "SIDE_B_DONE", "UNCLAMPED", "EJECTED")
PHASES = ("CLAMP", "SIDE_A", "SIDE_B", "UNCLAMP", "EJECT")
FAULTS = {
    "SMELTER": [
        ("E101", "Burner flame-out"),
        ("E117", "Crucible temperature out of range"),
        ("E130", "Ore feeder jam"),
    ],
    "ASSEMBLER": [
        ("E204", "Gripper vacuum lost"),
        ("E211", "Press force limit"),
        ("E230", "Part presence sensor timeout"),
    ],
    "DISPENSER": [
        ("E305", "Nozzle pressure low"),
        ("E318", "Clamp position error"),
        ("E322", "Bead vision check failed"),
    ],
}
SMALL_STOP_CAUSES = ("part jam cleared", "sensor blocked", "operator check", "material refill")
# An extra planned stop keeps this far from the shift start, the shift end and every other stop,
# so it always has a state line of its own (never merged into a break or the shift start line).
EXTRA_STOP_MARGIN_S = 600

Stop = tuple[int, int, str]  # one planned stop of a machine-shift: wall start, wall end, reason


@dataclass
class Interval:
    start: int
    end: int
    state: str
    shift: str
    detail: str = ""


@dataclass
class Batch:
    batch_id: str
    machine_id: str
    product: str
    operator_id: str
    production_date: date
    shift: str
    start: int
    end: int
    produced: int = 0
    scrap: int = 0
    rework: int = 0
    defects: dict[tuple[str, str], int] = field(default_factory=dict)  # (reason, disposition)
    energy_kwh: float = 0.0
    ideal_cycle_s: float = 0.0

    def record_defects(self, reason: str, disposition: str, n: int) -> None:
        """`n` defective units found by QC: a finding of the batch, scrapped or reworked."""
        key = (reason, disposition)
        self.defects[key] = self.defects.get(key, 0) + n
        if disposition == "SCRAP":
            self.scrap += n
        else:
            self.rework += n

    def without_findings(self, findings: Collection[tuple[str, str]]) -> Batch:
        """The batch as QC reports it while its `findings` (reason, disposition) are unreported."""
        kept = replace(self, defects={}, scrap=0, rework=0)
        for (reason, disposition), n in self.defects.items():
            if (reason, disposition) not in findings:
                kept.record_defects(reason, disposition, n)
        return kept


@dataclass
class Cycle:
    """One dispensing-cell process: conveyor request → scan → controller steps."""

    station: str
    machine_id: str
    product: str
    serial: str
    operator_id: str
    batch_id: str
    shift: str
    request_t: int
    scan_t: int
    step_times: list[int]  # time each status bit was set; 6 entries when completed

    @property
    def completed(self) -> bool:
        return len(self.step_times) == len(STATUS_BITS)


@dataclass
class MachineDay:
    machine: Machine
    production_date: date
    intervals: list[Interval] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    unit_times: list[int] = field(default_factory=list)  # completion instant of each unit
    failures: list[tuple[int, str, str]] = field(default_factory=list)  # (start, shift, fault)
    small_stops: dict[str, int] = field(default_factory=dict)  # per shift
    efficiency: float = 1.0
    # The injected anomalies active on the machine that date (generators/anomalies.py).
    effects: Effects = field(default_factory=Effects)
    # Batches whose batch row is not delivered yet while QC findings of theirs are: in the truth
    # as delivered only (generators/truth.py `as_delivered`); the simulation leaves it empty.
    unreported_batches: list[Batch] = field(default_factory=list)


@dataclass
class MachineState:
    """What a machine carries from one shift to the next."""

    product: str | None = None
    run_since_failure: float = 0.0
    time_to_failure: float = 0.0
    upstream_ready: float = 0.0  # dispenser: work time at which the next carrier is available
    batch_seq: int = 0


@dataclass
class OperatorEvent:
    operator_id: str
    machine_id: str
    shift: str
    event_type: str  # SIGN_IN, BREAK_START, BREAK_END, NOTE, SIGN_OUT
    t: int
    note: str = ""


@dataclass
class PlantDay:
    production_date: date
    shifts: list[ShiftWindow]
    machines: list[MachineDay]
    crew_of_shift: dict[str, int]
    operator_events: list[OperatorEvent] = field(default_factory=list)


NOTES = (
    "Checked {m} nozzle, all fine",
    "Refilled material hopper at {m}",
    "{m} running a bit loud, please check bearings",
    "Handover: {m} ok, no open issues",
    "Cleaned sensor window on {m}",
    "Quality asked for extra samples on {m}",
    "Maintenance informed about {m} vibration",
)


def operator_events_for(
    shift: ShiftWindow,
    operator: str,
    machine: Machine,
    rng: random.Random,
    breaks: list[tuple[int, int]] | None = None,
) -> list[OperatorEvent]:
    """Sign-in within 5 min after shift start, breaks, a few notes, sign-out before the end.

    `breaks` are the breaks the operator takes (default: every calendar break); a break the
    machine works through is not taken. Very short shifts shrink the 5 and 10 min margins."""
    quarter = shift.shift_time_s // 4
    login, note_margin = min(300, quarter), min(600, quarter)
    events = [
        OperatorEvent(
            operator, machine.id, shift.code, "SIGN_IN", shift.start + rng.randint(0, login)
        )
    ]
    for a, b in shift.breaks if breaks is None else breaks:
        events.append(OperatorEvent(operator, machine.id, shift.code, "BREAK_START", a))
        events.append(OperatorEvent(operator, machine.id, shift.code, "BREAK_END", b))
    for _ in range(rng.randint(0, 2)):
        t = rng.randint(shift.start + note_margin, shift.end - note_margin)
        note = rng.choice(NOTES).format(m=machine.id)
        events.append(OperatorEvent(operator, machine.id, shift.code, "NOTE", t, note))
    events.append(
        OperatorEvent(
            operator, machine.id, shift.code, "SIGN_OUT", shift.end - rng.randint(0, login)
        )
    )
    return sorted(events, key=lambda e: e.t)


def work_windows(start: int, end: int, stops: list[Stop]) -> list[tuple[int, int]]:
    """[start, end) minus the (sorted, non-overlapping) stops: the planned busy time."""
    windows, cursor = [], start
    for a, b, _ in stops:
        if a > cursor:
            windows.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end:
        windows.append((cursor, end))
    return windows


def planned_stops(
    plant: PlantConfig, machine: Machine, shift: ShiftWindow, rng: random.Random
) -> list[Stop]:
    """The planned stops of one machine-shift, sorted: the calendar breaks it does not work
    through (machine key `works_through_break_prob`), plus the extra stops drawn for it
    (`process.extra_planned_stops`: reason → {prob, minutes: [lo, hi]}). Without those keys this
    is exactly the calendar breaks and draws nothing from `rng`."""
    skip = machine.works_through_break_prob
    stops = [(a, b, "break") for a, b in shift.breaks if not (skip > 0 and rng.random() < skip)]
    for reason, cfg in (plant.process.get("extra_planned_stops") or {}).items():
        if rng.random() >= float(cfg["prob"]):
            continue
        lo, hi = cfg["minutes"]
        length = rng.randint(int(lo), int(hi)) * 60
        slots = []  # (first whole-minute start, number of starts) in each work window
        for a, b in work_windows(shift.start, shift.end, sorted(stops)):
            first, last = a + EXTRA_STOP_MARGIN_S, b - EXTRA_STOP_MARGIN_S - length
            if last >= first:
                slots.append((first, (last - first) // 60 + 1))
        k = rng.randrange(sum(n for _, n in slots)) if slots else -1
        for first, n in slots:  # no slot: the shift has no room left for this stop
            if k < n:
                stops.append((first + 60 * k, first + 60 * k + length, reason))
                break
            k -= n
    return sorted(stops)


class WorkClock:
    """Maps work time (seconds of planned busy time since shift start) to wall time."""

    def __init__(self, shift: ShiftWindow, stops: list[Stop] | None = None) -> None:
        self.windows = (
            shift.work_windows if stops is None else work_windows(shift.start, shift.end, stops)
        )
        self.offsets, acc = [], 0
        for a, b in self.windows:
            self.offsets.append(acc)
            acc += b - a
        self.total = acc

    def wall(self, tau: float, starting: bool = False) -> int:
        """Wall instant of work time `tau`; at a break, `starting` picks the window after it."""
        tau = round(tau)
        for (a, b), off in zip(self.windows, self.offsets, strict=True):
            length = b - a
            if tau < off + length or (not starting and tau == off + length):
                return a + tau - off
        a, b = self.windows[-1]
        return b

    def window_end(self, tau: float) -> float:
        """Work time at which the window containing `tau` ends."""
        for (a, b), off in zip(self.windows, self.offsets, strict=True):
            if tau < off + (b - a):
                return off + (b - a)
        return self.total

    def to_wall_intervals(self, t0: float, t1: float) -> list[tuple[int, int]]:
        out = []
        for (a, b), off in zip(self.windows, self.offsets, strict=True):
            lo, hi = max(t0, off), min(t1, off + (b - a))
            if hi > lo:
                out.append((a + round(lo) - off, a + round(hi) - off))
        return out


def crew_for(day: date, shift_index: int, crews: int) -> int:
    """Crews rotate: each day three of the four crews work, one per shift."""
    return (day.toordinal() + shift_index) % crews


def operator_id(crew: int, machine_index: int, n_machines: int) -> str:
    return f"OP-{crew * n_machines + machine_index + 1:03d}"


class ShiftSimulator:
    """Simulates one machine through one shift in work time."""

    def __init__(
        self,
        plant: PlantConfig,
        machine: Machine,
        shift: ShiftWindow,
        state: MachineState,
        rng: random.Random,
        efficiency: float,
        ideal: dict[str, float],
        operator: str,
        out: MachineDay,
        stops: list[Stop] | None = None,
    ) -> None:
        self.p, self.plant = plant.process, plant
        self.m, self.shift, self.st, self.rng = machine, shift, state, rng
        self.eff, self.ideal, self.operator, self.out = efficiency, ideal, operator, out
        # The machine's planned stops in this shift (default: the calendar breaks).
        self.stops = [(a, b, "break") for a, b in shift.breaks] if stops is None else stops
        self.clock = WorkClock(shift, self.stops)
        custom_faults = (self.p.get("faults") or {}).get(machine.type)
        self.faults = list(custom_faults.items()) if custom_faults else FAULTS[machine.type]
        self.tau = 0.0
        self.segments: list[tuple[float, float, str, str]] = []
        self.scrap_rate = self.p["scrap_rate"] * (1 + 2 * (1 - efficiency))
        self.effects = out.effects
        spike, self.spike_reason = self.effects.scrap()
        self.spiked_scrap_rate = self.scrap_rate * spike  # the extra is all of one reason
        self.small_stop_prob = self.p["small_stop_prob"] * self.effects.small_stop_factor()
        self.reasons = list(self.p["scrap_reasons"].items())

    # -- helpers -----------------------------------------------------------------------------
    def _add(self, state: str, duration: float, detail: str = "") -> float:
        d = max(0.0, min(float(duration), self.clock.total - self.tau))
        if d > 0:
            self.segments.append((self.tau, self.tau + d, state, detail))
            self.tau += d
        return d

    def _uniform(self, bounds: list[float]) -> int:
        return round(self.rng.uniform(bounds[0], bounds[1]))

    def _draw_ttf(self) -> float:
        return self.rng.expovariate(1.0 / (self.m.mtbf_h * 3600))

    def _repair_time(self) -> float:
        mean = self.m.mttr_min * 60
        return max(60.0, self.rng.lognormvariate(math.log(mean) - 0.125, 0.5))

    def _fail(self) -> None:
        code, text = self.rng.choice(self.faults)
        start = self.tau
        # a failure drawn at the very end of the shift has no time left: it never happens
        if self._add("DOWN", self._repair_time(), f"{code} {text}"):
            self.out.failures.append((self.clock.wall(start, starting=True), self.shift.code, code))
        self.st.time_to_failure = self._draw_ttf()
        self.st.run_since_failure = 0.0

    def _outcome(self, batch: Batch) -> None:
        r = self.rng.random()
        batch.produced += 1
        if r >= self.spiked_scrap_rate + self.p["rework_rate"]:
            return
        if self.scrap_rate <= r < self.spiked_scrap_rate:  # a scrap spike's own unit
            batch.record_defects(str(self.spike_reason), "SCRAP", 1)
            return
        r = r if r < self.scrap_rate else r - (self.spiked_scrap_rate - self.scrap_rate)
        disposition = "SCRAP" if r < self.scrap_rate else "REWORK"
        reason = self.rng.choices([k for k, _ in self.reasons], [w for _, w in self.reasons])[0]
        batch.record_defects(reason, disposition, 1)

    def _choose_product(self) -> str:
        products = list(self.m.ideal_cycle_s)
        if self.st.product is None:
            return self.rng.choice(products)
        if self.rng.random() < self.p["changeover_prob"]:
            others = [p for p in products if p != self.st.product]
            return self.rng.choice(others) if others else self.st.product
        return self.st.product

    def _open_batch(self) -> tuple[Batch, float]:
        self.st.batch_seq += 1
        product = self._choose_product()
        batch = Batch(
            batch_id=f"B{self.shift.production_date:%y%m%d}-{self.m.station}-{self.st.batch_seq:04d}",
            machine_id=self.m.id,
            product=product,
            operator_id=self.operator,
            production_date=self.shift.production_date,
            shift=self.shift.code,
            start=0,
            end=0,
            ideal_cycle_s=self.ideal[product],
        )
        start = self.tau
        if not self.m.is_dispenser and self.rng.random() < self.p["material_wait_prob"]:
            self._add("IDLE", self._uniform(self.p["material_wait_s"]), "waiting for material")
        if product != self.st.product:
            self._add("SETUP", self._uniform(self.p["setup_min"]) * 60, product)
            self.st.product = product
        return batch, start

    def _close_batch(self, batch: Batch, start: float) -> None:
        batch.start = self.clock.wall(start, starting=True)
        batch.end = self.clock.wall(self.tau)
        self.out.batches.append(batch)

    # -- machines ----------------------------------------------------------------------------
    def run(self) -> None:
        if self.st.time_to_failure <= 0:
            self.st.time_to_failure = self._draw_ttf()
        self.st.upstream_ready = 0.0  # carriers queue anew in every shift's work time
        while self.tau < self.clock.total:
            batch, start = self._open_batch()
            target = self._uniform(self.p["batch_units"])
            if self.m.is_dispenser:
                self._dispense_batch(batch, max(20, target // 3))
            else:
                self._produce_batch(batch, target)
            self._close_batch(batch, start)
        self._emit()

    def _cycle_time(self, product: str) -> float:
        sigma = self.p["cycle_noise_sigma"]
        noise = self.rng.lognormvariate(-sigma * sigma / 2, sigma)
        return max(1.0, round(self.ideal[product] * (1 + self.p["speed_loss"]) / self.eff * noise))

    def _produce_batch(self, batch: Batch, target: int) -> None:
        while batch.produced < target and self.tau < self.clock.total:
            cycle = self._cycle_time(batch.product)
            if self.tau + cycle > self.clock.total:
                self._add("RUNNING", cycle, batch.product)  # unfinished unit at shift end
                return
            self._add("RUNNING", cycle, batch.product)
            self._outcome(batch)
            self.out.unit_times.append(self.clock.wall(self.tau))
            self.st.run_since_failure += cycle
            if self.st.run_since_failure >= self.st.time_to_failure:
                self._fail()
            elif self.rng.random() < self.small_stop_prob:
                self._small_stop()

    def _small_stop(self) -> None:
        cause = self.rng.choice(SMALL_STOP_CAUSES)
        # a stop drawn as the shift's last unit completes has no time left: it never happens
        if self._add("IDLE", self._uniform(self.p["small_stop_s"]), f"minor stop: {cause}"):
            self.out.small_stops[self.shift.code] = self.out.small_stops.get(self.shift.code, 0) + 1

    def _dispense_batch(self, batch: Batch, target: int) -> None:
        cfg = self.p["dispenser"]
        phase_scale = self.ideal[batch.product] / min(self.m.ideal_cycle_s.values())
        while batch.produced < target and self.tau < self.clock.total:
            request = self.tau
            window_end = self.clock.window_end(request)
            if request + 150 > window_end:
                # Too close to a break or the shift end to start a cycle: the cell waits.
                self._add("IDLE", window_end - self.tau, "cell paused")
                continue
            self.st.upstream_ready = max(self.st.upstream_ready, request) + self.rng.expovariate(
                1.0 / (cfg["arrival_mean_s"] - 40)
            )
            arrival = max(request + self._uniform(cfg["transport_s"]), self.st.upstream_ready)
            arrival = min(arrival, window_end - 120)
            start = round(arrival + self._uniform(cfg["reaction_s"]))
            self._add("IDLE", start - self.tau, "waiting for carrier")
            cycle = Cycle(
                station=self.m.station,
                machine_id=self.m.id,
                product=batch.product,
                serial="",
                operator_id=self.operator,
                batch_id=batch.batch_id,
                shift=self.shift.code,
                request_t=self.clock.wall(request, starting=True),
                scan_t=self.clock.wall(arrival, starting=True) + self.rng.randint(0, 2),
                step_times=[self.clock.wall(self.tau, starting=True)],
            )
            aborted = False
            for phase in PHASES:
                lo, hi = cfg["phases_s"][phase]
                scale = phase_scale if phase.startswith("SIDE") else 1.0
                scale *= self.effects.phase_factor(phase)
                d = max(1, round(self.rng.uniform(lo, hi) * scale / self.eff))
                self.st.run_since_failure += d
                if self.st.run_since_failure >= self.st.time_to_failure:
                    self._add("RUNNING", max(1, d // 2), batch.product)
                    aborted = True
                    break
                self._add("RUNNING", d, batch.product)
                cycle.step_times.append(self.clock.wall(self.tau))
            seq = len(self.out.cycles) + 1
            prefix = self.plant.products[batch.product].get("scan_code") or batch.product[:3]
            cycle.serial = (
                f"{prefix}-{self.shift.production_date:%y%m%d}-{self.m.station}-{seq:05d}"
            )
            self.out.cycles.append(cycle)
            if aborted:
                self._fail()
                continue
            self._outcome(batch)
            self.out.unit_times.append(cycle.step_times[-1])

    def _emit(self) -> None:
        """Turn work-time segments into merged wall-time intervals, planned stops included."""
        pieces: list[Interval] = []
        for t0, t1, state, detail in self.segments:
            for a, b in self.clock.to_wall_intervals(t0, t1):
                pieces.append(Interval(a, b, state, self.shift.code, detail))
        for a, b, reason in self.stops:
            pieces.append(Interval(a, b, "PLANNED_STOP", self.shift.code, reason))
        pieces.sort(key=lambda i: i.start)
        merged: list[Interval] = []
        for iv in pieces:
            prev = merged[-1] if merged else None
            if prev and prev.state == iv.state and prev.end == iv.start:
                prev.end = iv.end
            else:
                merged.append(iv)
        self.out.intervals.extend(merged)


def efficiency_on(
    machine: Machine, day_index: int, maintenance_days: list[int], factor: float = 1.0
) -> float:
    """SMELTER-02's efficiency falls by its degradation rate per day since its last maintenance."""
    rate = machine.degradation_per_day * factor
    if rate <= 0:
        return 1.0
    since = day_index - max([d for d in maintenance_days if d <= day_index], default=0)
    return max(0.5, 1.0 - rate * since)


def simulate_day(
    plant: PlantConfig,
    day: date,
    day_index: int,
    seed: int,
    states: dict[str, MachineState],
    ideal_by_machine: dict[str, dict[str, float]],
    maintenance_days: dict[str, list[int]],
    degradation_factor: float,
    present: Collection[str] | None = None,
    effects: dict[str, Effects] | None = None,
) -> PlantDay:
    """Simulate every machine through the scheduled shifts of one production date.

    Only machines in `present` (default: all) exist that date; a date without a scheduled shift
    has no machine-day at all. `effects` are the injected anomalies of each machine that date."""
    shifts = shifts_for(plant, day)
    crews = int(plant.operators["crews"])
    machines = plant.machines
    crew_of_shift = {s.code: crew_for(day, s.index, crews) for s in shifts}
    days: list[MachineDay] = []
    events: list[OperatorEvent] = []
    for mi, machine in enumerate(machines):
        if not shifts or (present is not None and machine.id not in present):
            continue
        rng = random.Random(f"{seed}:{machine.id}:{day.isoformat()}")
        # A stream of its own: drawing planned stops leaves every other draw of the day as is.
        stop_rng = random.Random(f"{seed}:{machine.id}:{day.isoformat()}:stops")
        eff = efficiency_on(
            machine, day_index, maintenance_days.get(machine.id, []), degradation_factor
        )
        effect = (effects or {}).get(machine.id, Effects(day_index=day_index))
        md = MachineDay(machine=machine, production_date=day, efficiency=eff, effects=effect)
        if effect.fails_today():  # a worn bearing gives out after at most an hour of running
            st = states[machine.id]
            if st.time_to_failure <= 0 or st.time_to_failure - st.run_since_failure > 3600:
                st.time_to_failure = st.run_since_failure + 3600
        for shift in shifts:
            op = operator_id(crew_of_shift[shift.code], mi, len(machines))
            stops = planned_stops(plant, machine, shift, stop_rng)
            ShiftSimulator(
                plant,
                machine,
                shift,
                states[machine.id],
                rng,
                eff,
                ideal_by_machine[machine.id],
                op,
                md,
                stops,
            ).run()
            taken = [(a, b) for a, b, reason in stops if reason == "break"]
            events.extend(operator_events_for(shift, op, machine, rng, taken))
        days.append(md)
    events.sort(key=lambda e: (e.t, e.operator_id))
    return PlantDay(day, shifts, days, crew_of_shift, events)


def state_at(intervals: list[Interval], starts: list[int], t: int) -> Interval | None:
    """The interval containing instant t (intervals sorted by start, gap-free)."""
    import bisect

    i = bisect.bisect_right(starts, t) - 1
    if i < 0 or intervals[i].end <= t:
        return None
    return intervals[i]


def describe(day: PlantDay) -> dict[str, Any]:
    """Small human summary of a simulated day (used by the CLI)."""
    return {
        "date": day.production_date.isoformat(),
        "units": sum(len(m.unit_times) for m in day.machines),
        "batches": sum(len(m.batches) for m in day.machines),
        "cycles": sum(len(m.cycles) for m in day.machines),
    }
