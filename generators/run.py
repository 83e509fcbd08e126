"""`shopfloor generate`: simulate N days, render every source with chaos, write truth atomically."""

from __future__ import annotations

import json
import os
import random
import shutil
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from generators import anomalies
from generators.chaos import ChaosConfig, record
from generators.registry import Registry
from generators.render import RESTATED_SOURCES, CounterState, DayRenderer, Reported, Row, SourceRows
from generators.simulate import MachineState, PlantDay, simulate_day
from generators.state import FileOut, SimState, read_state, write_state
from generators.truth import compute_truth, meter_energy, truth_as_delivered
from ingestion.landing import delivery_dates, latest_delivery
from plants.dbt_vars import lateness_bound_days
from plants.home import Home, home_plant_path, set_home_plant
from plants.model import load_plant

NO_LATE_FILES = {"asset_registry"}
ALWAYS = {"asset_registry"}  # delivered also on a production date without a scheduled shift
TRUTH_VERSION = 2  # 2: quality weighted by ideal cycle, fully_productive_time_s, good_unit_ratio
MODES = ("new", "append", "overwrite")


class GenerateError(Exception):
    """A user-facing error: bad arguments or an unusable home folder."""


@dataclass
class GenerateResult:
    home: Path
    days: list[date]
    files: int
    rows_by_source: Counter
    bytes_by_source: Counter
    chaos_by_type: Counter
    units: int


def operator_names(seed: int, first: list[str], last: list[str], count: int) -> list[str]:
    """`count` distinct "First Last" names; beyond the first × last pool the names repeat with a
    numeric suffix ("Anna Becker 2"), so any scale has unique names."""
    rng = random.Random(f"{seed}:names")
    pool = [f"{f} {s}" for f in first for s in last]
    if count <= len(pool):
        return rng.sample(pool, count)
    names = rng.sample(pool, len(pool))
    return names + [f"{names[i % len(pool)]} {i // len(pool) + 1}" for i in range(len(pool), count)]


class Generator:
    """Streams days: simulate → truth → render → deliver, keeping only late items in memory.

    A generation either closes its tail (rows that would be late past its last date arrive on
    time, so the home is complete) or, with `open_tail` (`generate --append`), leaves them due on
    later delivery dates: they are kept in the simulator state (generators/state.py) and written
    by the next `--append`, or by `--finish`, which produces no new date and delivers everything
    still due. No row is ever delivered more than the lateness bound after its production date
    (plants/dbt_vars.py `lateness_bound_days`)."""

    def __init__(
        self,
        home: Path,
        start: date,
        days: int,
        seed: int,
        chaos: ChaosConfig,
        scale: int = 1,
        plant_path: Path | None = None,
        resume: SimState | None = None,
        open_tail: bool = False,
        finish: bool = False,
        anomaly_rates: dict[str, float] | None = None,
    ) -> None:
        if days < 0 or (days == 0 and not finish):
            raise GenerateError(f"--days must be a positive number of days, got {days}")
        if scale <= 0:
            raise GenerateError(f"--scale must be a positive integer, got {scale}")
        if resume is not None:
            start, seed = resume.next_day, resume.seed
            chaos = ChaosConfig(resume.chaos_level, dict(resume.chaos_rates))
            anomaly_rates = dict(resume.anomaly_rates)
        self.anomaly_rates = dict(anomaly_rates or {})
        self.home, self.start, self.n_days, self.seed, self.chaos = home, start, days, seed, chaos
        self.open_tail, self.finish, self.bound = open_tail or finish, finish, lateness_bound_days()
        try:
            self.plant = load_plant(plant_path, scale=scale)
        except OSError as exc:
            raise GenerateError(f"cannot read plant file {plant_path}: {exc.strerror}") from exc
        reasons = self.plant.process.get("extra_planned_stops") or {}
        unknown = [r for r in reasons if r not in self.plant.planned_stop_reasons]
        if unknown:
            raise GenerateError(
                f"process.extra_planned_stops: {', '.join(unknown)} not in planned_stop_reasons"
            )
        self.days = [start + timedelta(days=i) for i in range(days)]
        self.origin = resume.origin if resume else start  # day index 0 of the whole simulation
        self.offset = (start - self.origin).days
        latest = latest_delivery(self.plant.timezone)
        if self.days and self.days[-1] > latest:  # deliveries never land after their date
            raise GenerateError(
                f"--start {start} with --days {days} would write delivery folders up to "
                f"{self.days[-1]}, after today ({latest} in the plant's time zone, "
                f"{self.plant.timezone}); the pipeline refuses a delivery folder until its date "
                f"has come: choose --start {latest - timedelta(days=days - 1)} or earlier"
            )
        self.registry = Registry(self.plant, self.origin, self.offset + days)
        self.rng = random.Random(f"{seed}:files")
        if resume is not None:
            self.drift_day = resume.drift_day
        else:
            self.drift_day = days // 2 if chaos.on("schema_drift") and days >= 2 else None
        n_ops = int(self.plant.operators["crews"]) * len(self.plant.machines)
        ids = [f"OP-{i + 1:03d}" for i in range(n_ops)]
        ops = self.plant.operators
        self.names = dict(
            zip(
                ids, operator_names(seed, ops["first_names"], ops["last_names"], n_ops), strict=True
            )
        )
        counter_rng = random.Random(f"{seed}:counters")
        wrap = chaos.on("counter_resets")
        self.counters = {
            m.id: CounterState(base=65536 - counter_rng.randint(500, 6000) if wrap else 0)
            for m in self.plant.machines
        }
        self.states = {m.id: MachineState() for m in self.plant.machines}
        self.pending_files: dict[date, list[FileOut]] = defaultdict(list)
        # (delivery date, source) → (production date, row) of rows that arrive late
        self.pending_rows: dict[tuple[date, str], list[tuple[date, Row]]] = defaultdict(list)
        self.pending_truth: dict[date, dict[str, Any]] = {}
        self.tags_by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # production date → what of it arrives after it: source, delivery date, machine (or none)
        self.late_by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # production date → delivery date of each batch and QC row of it (the earliest copy's),
        # and, while its truth is open, the simulated day and its machines' states at its start
        # (a later --append simulates it again from those: generators/truth.py as_delivered)
        self.row_deliveries: dict[date, dict[Reported, date]] = defaultdict(dict)
        self.open_days: dict[date, PlantDay] = {}
        self.day_starts: dict[date, dict[str, MachineState]] = {}
        self.headers: dict[str, bytes] = {}
        if resume is not None:
            self._resume(resume)
        self.result = GenerateResult(home, self.days, 0, Counter(), Counter(), Counter(), 0)

    def _resume(self, state: SimState) -> None:
        """Carry on from where the home's last generation stopped."""
        self.rng.setstate(state.files_rng)
        self.counters.update(state.counters)
        self.states.update(state.machines)
        self.headers.update(state.headers)
        for f in state.pending_files:
            self.pending_files[f.delivery].append(f)
        self.pending_rows.update(state.pending_rows)
        self.pending_truth.update({date.fromisoformat(d): t for d, t in state.open_truth.items()})
        self.tags_by_date.update(state.tags_by_date)
        self.late_by_date.update(state.late_by_date)
        self.row_deliveries.update(state.row_deliveries)
        self.day_starts.update(state.day_starts)

    def state(self) -> SimState:
        """What the next `--append` continues from."""
        last = self.days[-1] if self.days else self.start - timedelta(days=1)
        return SimState(
            seed=self.seed,
            chaos_level=self.chaos.level,
            chaos_rates=self.chaos.rates,
            origin=self.origin,
            next_day=last + timedelta(days=1),
            drift_day=self.drift_day,
            files_rng=self.rng.getstate(),
            counters=self.counters,
            machines=self.states,
            headers=self.headers,
            pending_files=[f for d in sorted(self.pending_files) for f in self.pending_files[d]],
            pending_rows={k: v for k, v in self.pending_rows.items() if v},
            open_truth={d.isoformat(): t for d, t in self.pending_truth.items()},
            tags_by_date=dict(self.tags_by_date),
            late_by_date=dict(self.late_by_date),
            row_deliveries={d: self.row_deliveries[d] for d in self.pending_truth},
            day_starts={d: self.day_starts[d] for d in self.pending_truth},
            finished=self.finish,
            anomaly_rates=self.anomaly_rates,
        )

    # -- delivery ------------------------------------------------------------------------------
    def _lag_ok(self, day_index: int, lag: int, oldest: date | None = None) -> bool:
        """Whether a file or row of day `day_index` may arrive `lag` days later: never beyond the
        lateness bound for the oldest production date it carries, and, when the generation closes
        its tail, never after the generation's last date."""
        day = self.days[day_index]
        within_bound = (day + timedelta(days=lag) - (oldest or day)).days <= self.bound
        return within_bound and (self.open_tail or day_index + lag < self.n_days)

    def _note_late(
        self, produced: date, source: str, delivery: date, machine: str | None, whole_file: bool
    ) -> None:
        """Record for the truth file that data of `produced` arrives on `delivery`: a whole file
        or rows, of one machine or (machine None) of every machine."""
        if delivery > produced:
            late = {
                "source": source,
                "delivery_date": delivery.isoformat(),
                "machine_id": machine,
                "whole_file": whole_file,
                # the truth as delivered (`as_delivered`) restates its rows: nothing to hold
                "restated": source in RESTATED_SOURCES,
            }
            if late not in self.late_by_date[produced.isoformat()]:
                self.late_by_date[produced.isoformat()].append(late)

    def _note_rows(self, delivery: date, rows: list[tuple[date, Row]]) -> None:
        """Rows of the batch or QC file placed in a file of `delivery`: a batch or finding is
        delivered with its first copy (a duplicated batch row may come twice)."""
        for produced, row in rows:
            if row.reports is not None:
                _note_first_delivery(self.row_deliveries[produced], row.reports, delivery)

    def _deliver(self, day_index: int, parts: list[SourceRows], has_shifts: bool = True) -> None:
        day = self.days[day_index]
        for part in parts:
            if part.header is not None:
                self.headers[part.source] = part.header
            late_in = self.pending_rows.pop((day, part.source), [])
            if not has_shifts and not part.rows and not late_in and part.source not in ALWAYS:
                continue  # nothing was produced that date: no file, except the registry export
            late_in = self._in_layout(part.header, late_in)
            rows = part.rows + [row for _, row in late_in]
            own = list(part.rows)
            for lag, row in part.late:
                if self._lag_ok(day_index, lag):
                    self.pending_rows[(day + timedelta(days=lag), part.source)].append((day, row))
                else:  # nothing to be late into: the row simply arrives on time
                    row.tags = [t for t in row.tags if t["name"] != "late_arrivals"]
                    rows.append(row)
                    own.append(row)
            f = FileOut(day, part.source, part.name, part.header, rows, list(part.file_tags))
            oldest = min([produced for produced, _ in late_in], default=day)
            lag = self.rng.randint(1, 2)
            if (
                part.source not in NO_LATE_FILES
                and self.chaos.on("late_arrivals")
                and self.rng.random() < self.chaos.rate("late_arrivals")
                and self._lag_ok(day_index, lag, oldest)
            ):
                f.delivery = day + timedelta(days=lag)
                f.file_tags.append(
                    record(
                        "late_arrivals",
                        part.source,
                        part.name,
                        f"file {lag} day(s) late",
                        day.isoformat(),
                    )
                )
            self._note_late(day, part.source, f.delivery, part.machine_id, whole_file=True)
            for produced, row in late_in:
                self._note_late(produced, part.source, f.delivery, row.machine_id, whole_file=False)
            self._note_rows(f.delivery, [(day, row) for row in own] + late_in)
            self.pending_files[f.delivery].append(f)
            if self.chaos.on("duplicate_files") and self.rng.random() < self.chaos.rate(
                "duplicate_files"
            ):
                stem, _, ext = part.name.rpartition(".")
                file_lag = (f.delivery - day).days
                copy_lag = (
                    self.rng.randint(0, 1) if self._lag_ok(day_index, file_lag + 1, oldest) else 0
                )
                copy = FileOut(
                    f.delivery + timedelta(days=copy_lag),
                    part.source,
                    self.rng.choice(
                        [f"{stem}__resent.{ext}", f"{stem} (1).{ext}", f"{stem}_copy.{ext}"]
                    ),
                    None,
                    [],
                    copy_of=f.rel_path,  # filled with the original's bytes when written
                )
                copy.file_tags.append(
                    record(
                        "duplicate_files",
                        part.source,
                        copy.name,
                        {"original": f.rel_path},
                        day.isoformat(),
                    )
                )
                self.pending_files[copy.delivery].append(copy)

    @staticmethod
    def _in_layout(header: bytes | None, late: list[tuple[date, Row]]) -> list[tuple[date, Row]]:
        """Late rows as the file they join is laid out (after schema drift, the drifted row)."""
        if not (header and b"shift_code" in header):
            return late
        return [(p, replace(r, data=r.drifted or r.data)) for p, r in late]

    def _files_of_late_rows(self, delivery: date) -> None:
        """Rows due on a delivery date after the last simulated date (`--finish`): a file of
        their own per source, named for that delivery date."""
        for source in sorted({s for d, s in self.pending_rows if d == delivery}):
            header = self.headers.get(source)
            late = self._in_layout(header, self.pending_rows.pop((delivery, source)))
            name = f"{source}__{delivery.isoformat()}.csv"
            f = FileOut(delivery, source, name, header, [row for _, row in late])
            for produced, row in late:
                self._note_late(produced, source, delivery, row.machine_id, whole_file=False)
            self._note_rows(delivery, late)
            self.pending_files[delivery].append(f)

    def _write_delivery(self, staging: Path, delivery: date) -> None:
        files = self.pending_files.pop(delivery, [])
        originals = [f for f in files if f.copy_of is None]
        copies = [f for f in files if f.copy_of is not None]
        for f in originals + copies:
            if f.copy_of is not None:  # written earlier in this generation, or by an earlier one
                staged = staging / f.copy_of
                data = (staged if staged.exists() else self.home / f.copy_of).read_bytes()
                for tag in f.file_tags:
                    tag["file"] = f.rel_path
            else:
                data = f.render()
                self.result.rows_by_source[f.source] += len(f.rows)
                self.result.bytes_by_source[f.source] += len(data)
            path = staging / f.rel_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            self.result.files += 1
            for tag in f.file_tags + [t for r in f.rows for t in r.tags]:
                self._tag(tag)

    def _tag(self, tag: dict[str, Any]) -> None:
        self.tags_by_date[tag["production_date"]].append(tag)
        self.result.chaos_by_type[tag["name"]] += 1

    def _write_truth(self, staging: Path, day: date, close: bool = True) -> None:
        """Write the truth of `day`; `close` when nothing of it can arrive any more (else it is
        written again by the generation that delivers the rest)."""
        key = day.isoformat()
        truth = dict(self.pending_truth.pop(day) if close else self.pending_truth[day])
        tags = list(self.tags_by_date.pop(key, []) if close else self.tags_by_date.get(key, []))
        late = self.late_by_date.pop(key, []) if close else list(self.late_by_date.get(key, []))
        deliveries = dict(self.row_deliveries.pop(day, {}) if close else self.row_deliveries[day])
        for (delivery, source), rows in self.pending_rows.items():  # not in a file yet: due then
            for produced, row in rows:
                due = {"source": source, "delivery_date": delivery.isoformat()}
                due |= {"machine_id": row.machine_id, "whole_file": False}
                due |= {"restated": source in RESTATED_SOURCES}
                if produced == day and due not in late:
                    late.append(due)
                if produced == day and row.reports is not None:
                    _note_first_delivery(deliveries, row.reports, delivery)
        tags.sort(
            key=lambda t: (t["type"], t["source"], t["file"] or "", t["line"] or 0, str(t["key"]))
        )
        truth["chaos"] = tags
        truth["chaos_summary"] = dict(sorted(Counter(t["name"] for t in tags).items()))
        # What of this date arrives after it, and on which delivery: the gate compares a date
        # that is still provisional as far as it has been delivered (ground_truth/as_delivered.py).
        truth["late_deliveries"] = sorted(
            late, key=lambda d: (d["delivery_date"], d["source"], d["machine_id"] or "")
        )
        # ... and what gold must show of it by each delivery until the last of its late rows
        if any(when > day for when in deliveries.values()):
            plant_day = self._open_day(day, truth)
            truth["as_delivered"] = truth_as_delivered(self.plant, plant_day, truth, deliveries)
        if close:
            self.open_days.pop(day, None)
            self.day_starts.pop(day, None)
        path = Home(staging).truth_file(day)  # staging mirrors the home
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(truth, indent=1, sort_keys=False) + "\n", encoding="utf-8")

    # -- main loop -----------------------------------------------------------------------------
    def _simulate(self, i: int) -> tuple[list[SourceRows], bool]:
        """Rendered sources of day i, and whether that day has a scheduled shift."""
        day = self.days[i]
        index = self.offset + i  # the day's index in the whole simulation
        self.day_starts[day] = {m: replace(state) for m, state in self.states.items()}
        plant_day = self._plant_day(day, self.states)
        self.open_days[day] = plant_day
        for md in plant_day.machines:
            self.result.units += len(md.unit_times)
        truth = compute_truth(self.plant, plant_day)
        truth |= {
            "truth_version": TRUTH_VERSION,
            "seed": self.seed,
            "chaos_level": self.chaos.level,
            "chaos_rates": self.chaos.rates,
            "anomaly_rates": self.anomaly_rates,
            "injected_anomalies": self._injected(plant_day, index),
        }
        self.pending_truth[day] = truth
        renderer = DayRenderer(
            self.plant,
            plant_day,
            self.registry.on(index),
            self.chaos,
            self.seed,
            self.counters,
            index,
            self.drift_day,
            self.names,
        )
        for md in plant_day.machines:
            if md.efficiency < 1.0:  # a real signal in the simulation, not a file artefact
                self._tag(
                    record(
                        "degradation",
                        "simulation",
                        md.machine.id,
                        {"efficiency": round(md.efficiency, 4)},
                        day.isoformat(),
                    )
                )
        return renderer.all_sources(), bool(plant_day.shifts)

    def rendered_days(self) -> Iterator[tuple[date, list[SourceRows]]]:
        """Each production date's rendered sources in order, writing nothing: the simulation
        `run` delivers, for a reader that plays it instead (the PLC simulator, plc/schedule.py)."""
        for i, day in enumerate(self.days):
            yield day, self._simulate(i)[0]

    def _effects(self, index: int) -> dict[str, anomalies.Effects]:
        """The injected anomalies of each machine on day `index` of the simulation."""
        found = anomalies.active_on(self.plant, self.seed, self.anomaly_rates, index)
        return {
            m.id: anomalies.Effects([a for a in found if a.machine_id == m.id], index)
            for m in self.plant.machines
        }

    def _injected(self, plant_day: PlantDay, index: int) -> list[dict[str, Any]]:
        """truth.json `injected_anomalies`: every anomaly active this date on a simulated machine
        (kind, machine, metric, onset, end), SMELTER-02's degradation included: its onset is the
        first date after its last maintenance, its end the date before the next one (null when
        none is scheduled within the simulated period)."""
        out = []
        for md in plant_day.machines:
            out += [a.truth(self.origin) for a in md.effects.anomalies]
            if md.efficiency < 1.0:
                done = self.registry.maintenance_days.get(md.machine.id, [])
                last = max([d for d in done if d <= index], default=0)
                following = [d for d in done if d > index]
                out.append(
                    {
                        "kind": anomalies.DEGRADATION,
                        "machine_id": md.machine.id,
                        "metric": anomalies.METRIC_OF_DEGRADATION,
                        "onset": (self.origin + timedelta(days=last + 1)).isoformat(),
                        "end": (self.origin + timedelta(days=min(following) - 1)).isoformat()
                        if following
                        else None,
                        "detail": {"efficiency": round(md.efficiency, 4)},
                    }
                )
        return sorted(out, key=lambda a: (a["kind"], a["machine_id"], a["onset"]))

    def _plant_day(self, day: date, states: dict[str, MachineState]) -> PlantDay:
        """Simulate one production date from the machines' `states` (updated in place)."""
        index = (day - self.origin).days
        plant_day = simulate_day(
            self.plant,
            day,
            index,
            self.seed,
            states,
            self.registry.ideal_by_machine(index),
            self.registry.maintenance_days,
            self.chaos.rate("degradation"),
            self.registry.present(index),
            self._effects(index),
        )
        for md in plant_day.machines:
            meter_energy(md)
        return plant_day

    def _open_day(self, day: date, truth: dict[str, Any]) -> PlantDay:
        """The simulated day of an open `truth`: kept since it was simulated in this generation,
        or simulated again from its machines' states at its start (simulate_day is a function of
        them, the seed and the date: an earlier generation's day comes back as it was, which its
        truth confirms)."""
        plant_day = self.open_days.get(day)
        if plant_day is None:
            starts = {m: replace(state) for m, state in self.day_starts[day].items()}
            plant_day = self.open_days[day] = self._plant_day(day, starts)
            again = compute_truth(self.plant, plant_day)
            if any(again[k] != v for k, v in truth.items() if k in again):
                raise GenerateError(f"the simulator state does not reproduce {day}: not resumable")
        return plant_day

    def _due(self) -> list[date]:
        """Delivery dates that still have a file or a row to write."""
        return sorted({*self.pending_files, *(d for d, _ in self.pending_rows)})

    def run(self) -> GenerateResult:
        if self.finish:
            latest = latest_delivery(self.plant.timezone)
            final = self.start - timedelta(days=1 - self.bound)
            if final > latest:
                raise GenerateError(
                    f"--finish would write delivery folders up to {final} (lookback_days after "
                    f"the last date), after today ({latest} in the plant's time zone)"
                )
        try:
            for folder in Home(self.home).folders:
                folder.mkdir(parents=True, exist_ok=True)
            staging = self.home / f".staging-{uuid.uuid4().hex[:12]}"
            staging.mkdir()
        except OSError as exc:
            raise GenerateError(f"cannot write to home folder {self.home}: {exc.strerror}") from exc
        try:
            for i, day in enumerate(self.days):
                self._deliver(i, *self._simulate(i))
                self._write_delivery(staging, day)
                closed = day - timedelta(days=self.bound)  # all of it is delivered by now
                if closed in self.pending_truth:
                    self._write_truth(staging, closed)
            if self.open_tail and not self.finish:  # the rest arrives with the next --append
                for day in sorted(self.pending_truth):
                    self._write_truth(staging, day, close=False)
            else:
                for delivery in self._due():
                    self._files_of_late_rows(delivery)
                    self._write_delivery(staging, delivery)
                for day in sorted(self.pending_truth):
                    self._write_truth(staging, day)
            _publish(staging, self.home)
            if self.finish:  # deliveries go on, empty, until every date's bound has passed
                last = self.start - timedelta(days=1)
                for k in range(1, self.bound + 1):
                    Home(self.home).delivery(last + timedelta(days=k)).mkdir(exist_ok=True)
            set_home_plant(self.home, self.plant.path, self.plant.scale)
            write_state(Home(self.home).simulator_state, self.state())
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return self.result


def _note_first_delivery(seen: dict[Reported, date], reports: Reported, delivery: date) -> None:
    """A batch or finding is delivered with its first copy (a duplicated row may come twice)."""
    seen[reports] = min(seen.get(reports, delivery), delivery)


def _publish(staging: Path, home: Path) -> None:
    """Move every staged file into place; each move is an atomic rename on one file system."""
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = home / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)


def _refuse_existing(home: Path, existing: list[date], state: SimState | None) -> None:
    """A plain generate into a home that already holds a simulation would merge a second,
    unrelated one into it (PLC counters restart, batch ids repeat): say how to go on instead."""
    if not existing and state is None:
        return
    held = f"deliveries {existing[0]} .. {existing[-1]}" if existing else "a simulation"
    go_on = (
        f"--append to continue the simulation from {state.next_day}"
        if state is not None and not state.finished
        else "--append cannot continue it (no simulator state, or it was finished)"
    )
    raise GenerateError(
        f"{home} already holds {held}: generating into it would merge a second simulation into "
        f"the first (PLC counters restart, batch ids repeat). Use {go_on}, or --overwrite to "
        "replace its deliveries and truth"
    )


def generate(
    home: Path,
    start: date,
    days: int,
    seed: int = 42,
    chaos_level: str = "default",
    scale: int = 1,
    overrides: dict[str, float] | None = None,
    plant_path: Path | None = None,
    mode: str = "new",
    finish: bool = False,
    anomaly_level: str | None = None,
    anomaly_overrides: dict[str, float] | None = None,
) -> GenerateResult:
    """Generate `days` production dates into `home` and return what was written.

    mode "new" refuses a home that already holds deliveries; "append" continues the simulation
    the home holds (its plant, seed and chaos; `start` is ignored), or starts one in an empty
    home, leaving rows due after the last date for the next append; "overwrite" deletes the
    home's deliveries, truth and simulator state first. `finish` (append only) simulates no new
    date and delivers every row still due. Injected anomalies (generators/anomalies.py) follow the
    chaos level unless `anomaly_level` is given: a clean simulation (chaos none) has none."""
    if mode not in MODES:
        raise GenerateError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
    try:
        chaos = ChaosConfig.from_level(chaos_level, overrides)
        level = anomaly_level or (chaos_level if chaos_level in anomalies.LEVELS else "default")
        anomaly_rates = anomalies.rates_for(level, anomaly_overrides)
    except ValueError as exc:
        raise GenerateError(str(exc)) from exc
    paths = Home(home)
    try:
        state = read_state(paths.simulator_state)
    except (ValueError, KeyError) as exc:
        raise GenerateError(f"unreadable simulator state {paths.simulator_state}: {exc}") from exc
    existing = delivery_dates(home)
    if mode == "overwrite":
        shutil.rmtree(paths.landing, ignore_errors=True)
        shutil.rmtree(paths.ground_truth, ignore_errors=True)
        paths.simulator_state.unlink(missing_ok=True)
        existing, state = [], None
    if finish and (mode != "append" or state is None):
        raise GenerateError("--finish needs --append and a simulation in the home to finish")
    if mode != "append":
        _refuse_existing(home, existing, state)
        return Generator(
            home, start, days, seed, chaos, scale, plant_path, anomaly_rates=anomaly_rates
        ).run()
    if state is None:
        if existing:
            raise GenerateError(
                f"cannot --append: {home} holds deliveries {existing[0]} .. {existing[-1]} but "
                "no simulator state to continue from; --overwrite replaces them"
            )
        return Generator(
            home, start, days, seed, chaos, scale, plant_path, open_tail=True,
            anomaly_rates=anomaly_rates,
        ).run()  # fmt: skip
    if state.finished:
        raise GenerateError(
            f"cannot --append: the simulation in {home} was finished (every row delivered up to "
            f"{max(existing) if existing else state.next_day}); --overwrite starts a new one"
        )
    plant, home_scale = home_plant_path(home)
    return Generator(
        home, start, 0 if finish else days, seed, chaos, home_scale, plant,
        resume=state, open_tail=True, finish=finish,
    ).run()  # fmt: skip
