"""Ground truth: the clean ISO 22400 answers computed from the simulation, keyed like gold."""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from generators.calendar import day_bounds
from generators.render import Reported
from generators.simulate import PHASES, Batch, MachineDay, PlantDay
from plants.model import PlantConfig

RATIO_DIGITS = 6


@dataclass
class Quantities:
    """Additive base quantities; every ratio is derived from their sums."""

    shift_time_s: int = 0
    planned_stop_s: int = 0
    running_s: int = 0
    idle_s: int = 0
    setup_s: int = 0
    down_s: int = 0
    produced_qty: int = 0
    good_qty: int = 0
    scrap_qty: int = 0
    rework_qty: int = 0
    ideal_production_time_s: float = 0.0
    fully_productive_time_s: float = 0.0
    failures: int = 0
    small_stops: int = 0
    energy_kwh: float = 0.0
    batches: int = 0

    def add_batch(self, b: Batch) -> None:
        self.produced_qty += b.produced
        self.scrap_qty += b.scrap
        self.rework_qty += b.rework
        self.good_qty += b.produced - b.scrap - b.rework
        self.ideal_production_time_s += b.produced * b.ideal_cycle_s
        self.fully_productive_time_s += (b.produced - b.scrap - b.rework) * b.ideal_cycle_s
        self.energy_kwh += b.energy_kwh
        self.batches += 1

    def add(self, other: Quantities) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else round(num / den, RATIO_DIGITS)


def kpis(q: Quantities) -> dict[str, Any]:
    """ISO 22400-2 quantities and indicators from summed base quantities. Quality is weighted
    by ideal cycle time (fully productive / ideal production time), so that A × P × Q = fully
    productive time / planned busy time at every level; good_unit_ratio is the unit count."""
    pbt = q.shift_time_s - q.planned_stop_s
    availability = _ratio(q.running_s, pbt)
    performance = _ratio(q.ideal_production_time_s, q.running_s)
    quality = _ratio(q.fully_productive_time_s, q.ideal_production_time_s)
    good_unit_ratio = _ratio(q.good_qty, q.produced_qty)
    oee = None
    if None not in (availability, performance, quality):
        oee = round(
            (q.running_s / pbt)
            * (q.ideal_production_time_s / q.running_s)
            * (q.fully_productive_time_s / q.ideal_production_time_s),
            RATIO_DIGITS,
        )
    return {
        "shift_time_s": q.shift_time_s,
        "planned_stop_time_s": q.planned_stop_s,
        "planned_busy_time_s": pbt,
        "actual_production_time_s": q.running_s,
        "idle_time_s": q.idle_s,
        "setup_time_s": q.setup_s,
        "down_time_s": q.down_s,
        "produced_qty": q.produced_qty,
        "good_qty": q.good_qty,
        "scrap_qty": q.scrap_qty,
        "rework_qty": q.rework_qty,
        "ideal_production_time_s": round(q.ideal_production_time_s, 3),
        "fully_productive_time_s": round(q.fully_productive_time_s, 3),
        "availability": availability,
        "performance": performance,
        "quality": quality,
        "good_unit_ratio": good_unit_ratio,
        "oee": oee,
        "scrap_ratio": _ratio(q.scrap_qty, q.produced_qty),
        "rework_ratio": _ratio(q.rework_qty, q.produced_qty),
        "first_pass_yield": good_unit_ratio,
        "failure_count": q.failures,
        "small_stop_count": q.small_stops,
        "mtbf_s": _ratio(q.running_s, q.failures),
        "mttr_s": _ratio(q.down_s, q.failures),
        "throughput_per_h": _ratio(q.produced_qty * 3600, q.running_s),
        "energy_kwh": round(q.energy_kwh, 3),
        "energy_per_good_unit_kwh": _ratio(q.energy_kwh, q.good_qty),
        "batch_count": q.batches,
    }


def _stats(values: list[float], prefix: str) -> dict[str, float | None]:
    """avg/min/max/sample stddev/p50/p95 (linear interpolation, like DuckDB quantile_cont)."""
    if not values:
        return {f"{prefix}_{s}": None for s in ("avg", "min", "max", "stddev", "p50", "p95")}
    arr = np.asarray(values, dtype=float)
    return {
        f"{prefix}_avg": round(float(arr.mean()), 3),
        f"{prefix}_min": float(arr.min()),
        f"{prefix}_max": float(arr.max()),
        f"{prefix}_stddev": round(statistics.stdev(values), 3) if len(values) > 1 else None,
        f"{prefix}_p50": round(float(np.quantile(arr, 0.5)), 3),
        f"{prefix}_p95": round(float(np.quantile(arr, 0.95)), 3),
    }


def machine_shift_quantities(md: MachineDay, plant_day: PlantDay) -> dict[str, Quantities]:
    """Base quantities per shift of one machine-day."""
    out = {s.code: Quantities() for s in plant_day.shifts}
    for s in plant_day.shifts:
        q = out[s.code]
        q.shift_time_s = s.shift_time_s
    for iv in md.intervals:
        q = out[iv.shift]
        d = iv.end - iv.start
        if iv.state == "RUNNING":
            q.running_s += d
        elif iv.state == "IDLE":
            q.idle_s += d
        elif iv.state == "SETUP":
            q.setup_s += d
        elif iv.state == "DOWN":
            q.down_s += d
        else:
            q.planned_stop_s += d
    for b in md.batches:
        out[b.shift].add_batch(b)
    for _, shift, _ in md.failures:
        out[shift].failures += 1
    for shift, n in md.small_stops.items():
        out[shift].small_stops += n
    return out


def meter_energy(md: MachineDay) -> None:
    """Batch energy = ∫ power(state) dt over the batch, metered to 0.001 kWh."""
    power = md.machine.power_kw
    starts = [iv.start for iv in md.intervals]
    cum = [0.0]
    for iv in md.intervals:
        cum.append(cum[-1] + power[iv.state] * (iv.end - iv.start) / 3600)

    def energy_at(t: int) -> float:
        i = max(0, bisect.bisect_right(starts, t) - 1)
        iv = md.intervals[i]
        return cum[i] + power[iv.state] * (min(t, iv.end) - iv.start) / 3600

    for b in md.batches:
        b.energy_kwh = round(energy_at(b.end) - energy_at(b.start), 3)


def _operator_rows(day: PlantDay, md_by_machine: dict[str, MachineDay]) -> list[dict[str, Any]]:
    signed: dict[str, dict[str, Any]] = {}
    for ev in day.operator_events:
        row = signed.setdefault(
            ev.operator_id,
            {
                "machine_id": ev.machine_id,
                "shift_code": ev.shift,
                "in": None,
                "out": None,
                "break_s": 0,
                "break_open": None,
            },
        )
        if ev.event_type == "SIGN_IN":
            row["in"] = ev.t
        elif ev.event_type == "SIGN_OUT":
            row["out"] = ev.t
        elif ev.event_type == "BREAK_START":
            row["break_open"] = ev.t
        elif ev.event_type == "BREAK_END":
            row["break_s"] += ev.t - row["break_open"]
    rows = []
    for op, info in sorted(signed.items()):
        md = md_by_machine[info["machine_id"]]
        batches = [b for b in md.batches if b.operator_id == op]
        produced = sum(b.produced for b in batches)
        scrap = sum(b.scrap for b in batches)
        rework = sum(b.rework for b in batches)
        processes = sum(1 for c in md.cycles if c.operator_id == op and c.completed)
        signed_in = info["out"] - info["in"]
        worked = signed_in - info["break_s"]
        rows.append(
            {
                "production_date": day.production_date.isoformat(),
                "operator_id": op,
                "shift_code": info["shift_code"],
                "machine_id": info["machine_id"],
                "signed_in_s": signed_in,
                "break_s": info["break_s"],
                "worked_s": worked,
                "batch_count": len(batches),
                "produced_qty": produced,
                "good_qty": produced - scrap - rework,
                "scrap_qty": scrap,
                "rework_qty": rework,
                "quality": _ratio(produced - scrap - rework, produced),
                "units_per_worked_h": _ratio(produced * 3600, worked),
                "process_count": processes,
                "processes_per_worked_h": _ratio(processes * 3600, worked)
                if md.machine.is_dispenser
                else None,
            }
        )
    return rows


def _process_rows(day: PlantDay, per_shift: dict[str, dict[str, Quantities]]) -> list[dict]:
    rows = []
    for md in day.machines:
        if not md.machine.is_dispenser:
            continue
        done = [c for c in md.cycles if c.completed]
        pbt = sum(q.shift_time_s - q.planned_stop_s for q in per_shift[md.machine.id].values())
        row: dict[str, Any] = {
            "production_date": day.production_date.isoformat(),
            "machine_id": md.machine.id,
            "station_id": md.machine.station,
            "cycles_started": len(md.cycles),
            "cycles_completed": len(done),
            "cycles_aborted": len(md.cycles) - len(done),
            "processes_per_h": _ratio(len(done) * 3600, pbt),
        }
        row.update(_stats([c.step_times[-1] - c.step_times[0] for c in done], "cycle_time_s"))
        row.update(_stats([c.step_times[0] - c.request_t for c in md.cycles], "wait_time_s"))
        for i, phase in enumerate(PHASES):
            durations = [c.step_times[i + 1] - c.step_times[i] for c in done]
            row[f"{phase.lower()}_time_s_avg"] = (
                round(statistics.fmean(durations), 3) if durations else None
            )
        rows.append(row)
    return rows


def compute_truth(plant: PlantConfig, day: PlantDay) -> dict[str, Any]:
    """All truth sections for one production date (chaos list added by the caller)."""
    date_s = day.production_date.isoformat()
    per_shift = {md.machine.id: machine_shift_quantities(md, day) for md in day.machines}
    md_by_machine = {md.machine.id: md for md in day.machines}

    machine_shift, machine_daily = [], []
    plant_q = Quantities()
    for md in day.machines:
        daily_q = Quantities()
        for code, q in per_shift[md.machine.id].items():
            machine_shift.append(
                {"production_date": date_s, "machine_id": md.machine.id, "shift_code": code}
                | kpis(q)
            )
            daily_q.add(q)
        machine_daily.append(
            {"production_date": date_s, "machine_id": md.machine.id, "line_id": md.machine.line_id}
            | kpis(daily_q)
        )
        plant_q.add(daily_q)

    product_q: dict[str, Quantities] = defaultdict(Quantities)
    defects: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for md in day.machines:
        for b in md.batches:
            product_q[b.product].add_batch(b)
        for b in [*md.batches, *md.unreported_batches]:  # QC findings count without batch row
            for (reason, disposition), n in b.defects.items():
                defects[(md.machine.id, b.product, reason, disposition)] += n
    product_daily = []
    for product, q in sorted(product_q.items()):
        product_daily.append(
            {
                "production_date": date_s,
                "product_id": product,
                "produced_qty": q.produced_qty,
                "good_qty": q.good_qty,
                "scrap_qty": q.scrap_qty,
                "rework_qty": q.rework_qty,
                "quality": _ratio(q.good_qty, q.produced_qty),
                "batch_count": q.batches,
                "energy_kwh": round(q.energy_kwh, 3),
                "energy_per_good_unit_kwh": _ratio(q.energy_kwh, q.good_qty),
            }
        )
    material_flow = []
    for product, q in sorted(product_q.items()):
        for component, per_unit in plant.products[product].get("bom", {}).items():
            material_flow.append(
                {
                    "production_date": date_s,
                    "from_product_id": component,
                    "to_product_id": product,
                    "quantity": q.produced_qty * per_unit,
                }
            )
    quality_daily = [
        {
            "production_date": date_s,
            "machine_id": m,
            "product_id": p,
            "reason_category": r,
            "disposition": d,
            "quantity": n,
        }
        for (m, p, r, d), n in sorted(defects.items())
    ]
    return {
        "production_date": date_s,
        "plant_id": plant.id,
        "timezone": plant.timezone,
        "day_start_utc": day_bounds(plant, day.production_date)[0],
        "day_end_utc": day_bounds(plant, day.production_date)[1],
        "machine_daily": machine_daily,
        "machine_shift": machine_shift,
        "product_daily": product_daily,
        "operator_daily": _operator_rows(day, md_by_machine),
        # A date without a simulated machine-day (no scheduled shift) has no plant row.
        "plant_daily": [{"production_date": date_s, "plant_id": plant.id} | kpis(plant_q)]
        if day.machines
        else [],
        "process_daily": _process_rows(day, per_shift),
        "quality_daily": quality_daily,
        "material_flow_daily": material_flow,
        "anomalies": [
            {
                "machine_id": md.machine.id,
                "kind": "degradation",
                "efficiency": round(md.efficiency, 4),
            }
            for md in day.machines
            if md.efficiency < 1.0
        ],
    }


def as_delivered(day: PlantDay, undelivered: Collection[Reported]) -> PlantDay:
    """The plant-day as its batch and QC files report it while the `undelivered` rows are still
    to come, as a correct pipeline must show it then (dbt int_batches_enriched,
    fct_quality_check): a batch without its batch row is no batch at all (no produced units,
    energy or batch count; quantities come from the batch file), while the QC findings of it that
    are delivered still count as defects (kpi_quality_daily reads the QC file alone); a QC finding
    not delivered is no defect, and the batch it belongs to has no scrap or rework from it
    (scrap and rework are the sums of the QC rows delivered)."""
    missing_batches = {r.batch_id for r in undelivered if r.finding is None}
    missing_findings: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in undelivered:
        if r.finding is not None:
            missing_findings[r.batch_id].add(r.finding)
    machines = []
    for md in day.machines:
        batches = [b.without_findings(missing_findings.get(b.batch_id, ())) for b in md.batches]
        reported = [b for b in batches if b.batch_id not in missing_batches]
        unreported = [b for b in batches if b.batch_id in missing_batches]
        machines.append(replace(md, batches=reported, unreported_batches=unreported))
    return replace(day, machines=machines)


def truth_as_delivered(
    plant: PlantConfig, day: PlantDay, whole: dict[str, Any], deliveries: dict[Reported, date]
) -> dict[str, dict[str, Any]]:
    """truth.json `as_delivered`: for each delivery date from the production date on that
    brings a row of the date's batch or QC file (`deliveries`: each row's delivery date), the
    truth sections that differ from the whole-day truth `whole` in the truth as delivered by
    then (compute_truth of `as_delivered`); a delivery date holds until the next one, and the
    last one (everything delivered) differs in nothing. Empty when nothing of them is late."""
    late = {row: when for row, when in deliveries.items() if when > day.production_date}
    if not late:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for cut in sorted({day.production_date, *late.values()}):
        undelivered = [row for row, when in late.items() if when > cut]
        partial = compute_truth(plant, as_delivered(day, undelivered))
        out[cut.isoformat()] = {k: v for k, v in partial.items() if v != whole[k]}
    return out
