"""`shopfloor generate`: simulate N days, render every source with chaos, write truth atomically."""

from __future__ import annotations

import json
import os
import random
import shutil
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from generators.chaos import ChaosConfig, record
from generators.registry import Registry
from generators.render import CounterState, DayRenderer, Row, SourceRows
from generators.simulate import MachineState, simulate_day
from generators.truth import compute_truth, meter_energy
from ingestion.landing import latest_delivery
from plants.home import Home, set_home_plant
from plants.model import load_plant

NO_LATE_FILES = {"asset_registry"}
ALWAYS = {"asset_registry"}  # delivered also on a production date without a scheduled shift
TRUTH_VERSION = 2  # 2: quality weighted by ideal cycle, fully_productive_time_s, good_unit_ratio
# A row 2 days late inside a file 2 days late, copied again a day later, lands 5 days after its
# production date: only then is everything about that date known.
TRUTH_LAG_DAYS = 5


class GenerateError(Exception):
    """A user-facing error: bad arguments or an unusable home folder."""


@dataclass
class FileOut:
    delivery: date
    source: str
    name: str
    header: bytes | None
    rows: list[Row]
    file_tags: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rel_path(self) -> str:
        return f"landing/{self.delivery.isoformat()}/{self.source}/{self.name}"

    def render(self) -> bytes:
        """File bytes; also records where each chaos item landed (file and 1-based line)."""
        first = 2 if self.header is not None else 1
        for i, row in enumerate(self.rows):
            for tag in row.tags:
                tag["file"], tag["line"] = self.rel_path, first + i
                if tag["name"] == "late_arrivals":  # the row's own delay plus its file's
                    days = (self.delivery - date.fromisoformat(tag["production_date"])).days
                    tag["detail"] = f"row delivered {days} day(s) late"
        for tag in self.file_tags:
            tag["file"] = tag["file"] or self.rel_path
        parts = ([self.header] if self.header is not None else []) + [r.data for r in self.rows]
        return b"\n".join(parts) + b"\n" if parts else b""


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
    """Streams days: simulate → truth → render → deliver, keeping only late items in memory."""

    def __init__(
        self,
        home: Path,
        start: date,
        days: int,
        seed: int,
        chaos: ChaosConfig,
        scale: int = 1,
        plant_path: Path | None = None,
    ) -> None:
        if days <= 0:
            raise GenerateError(f"--days must be a positive number of days, got {days}")
        if scale <= 0:
            raise GenerateError(f"--scale must be a positive integer, got {scale}")
        self.home, self.start, self.n_days, self.seed, self.chaos = home, start, days, seed, chaos
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
        latest = latest_delivery(self.plant.timezone)
        if self.days[-1] > latest:  # deliveries never land after their last production date
            raise GenerateError(
                f"--start {start} with --days {days} would write delivery folders up to "
                f"{self.days[-1]}, after today ({latest} in the plant's time zone, "
                f"{self.plant.timezone}); the pipeline refuses a delivery folder until its date "
                f"has come: choose --start {latest - timedelta(days=days - 1)} or earlier"
            )
        self.registry = Registry(self.plant, start, days)
        self.rng = random.Random(f"{seed}:files")
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
        self.pending_rows: dict[tuple[date, str], list[Row]] = defaultdict(list)
        self.pending_truth: dict[date, dict[str, Any]] = {}
        self.tags_by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.result = GenerateResult(home, self.days, 0, Counter(), Counter(), Counter(), 0)

    # -- delivery ------------------------------------------------------------------------------
    def _lag_ok(self, day_index: int, lag: int) -> bool:
        return day_index + lag < self.n_days

    def _deliver(self, day_index: int, parts: list[SourceRows], has_shifts: bool = True) -> None:
        day = self.days[day_index]
        for part in parts:
            late_in = self.pending_rows.pop((day, part.source), [])
            if not has_shifts and not part.rows and not late_in and part.source not in ALWAYS:
                continue  # nothing was produced that date: no file, except the registry export
            if part.header and b"shift_code" in part.header:  # arrives in the drifted layout
                late_in = [Row(r.drifted or r.data, r.tags, r.drifted) for r in late_in]
            rows = part.rows + late_in
            for lag, row in part.late:
                if self._lag_ok(day_index, lag):
                    self.pending_rows[(day + timedelta(days=lag), part.source)].append(row)
                else:  # nothing to be late into: the row simply arrives on time
                    row.tags = [t for t in row.tags if t["name"] != "late_arrivals"]
                    rows.append(row)
            f = FileOut(day, part.source, part.name, part.header, rows, list(part.file_tags))
            lag = self.rng.randint(1, 2)
            if (
                part.source not in NO_LATE_FILES
                and self.chaos.on("late_arrivals")
                and self.rng.random() < self.chaos.rate("late_arrivals")
                and self._lag_ok(day_index, lag)
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
            self.pending_files[f.delivery].append(f)
            if self.chaos.on("duplicate_files") and self.rng.random() < self.chaos.rate(
                "duplicate_files"
            ):
                stem, _, ext = part.name.rpartition(".")
                file_lag = (f.delivery - day).days
                copy_lag = self.rng.randint(0, 1) if self._lag_ok(day_index, file_lag + 1) else 0
                copy = FileOut(
                    f.delivery + timedelta(days=copy_lag),
                    part.source,
                    self.rng.choice(
                        [f"{stem}__resent.{ext}", f"{stem} (1).{ext}", f"{stem}_copy.{ext}"]
                    ),
                    None,
                    [],
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
                copy.header, copy.rows = f, []  # filled with the original's bytes when written
                self.pending_files[copy.delivery].append(copy)

    def _write_delivery(self, staging: Path, delivery: date) -> None:
        files = self.pending_files.pop(delivery, [])
        originals = [f for f in files if not isinstance(f.header, FileOut)]
        copies = [f for f in files if isinstance(f.header, FileOut)]
        written: dict[int, bytes] = {}
        for f in originals + copies:
            if isinstance(f.header, FileOut):
                original = f.header
                data = written.get(id(original))
                if data is None:
                    data = (staging / original.rel_path).read_bytes()
                for tag in f.file_tags:
                    tag["file"] = f.rel_path
            else:
                data = f.render()
                written[id(f)] = data
                self.result.rows_by_source[f.source] += len(f.rows)
                self.result.bytes_by_source[f.source] += len(data)
            path = staging / f.rel_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            self.result.files += 1
            for tag in f.file_tags + [t for r in f.rows for t in r.tags]:
                self.tags_by_date[tag["production_date"]].append(tag)

    def _write_truth(self, staging: Path, day: date) -> None:
        truth = self.pending_truth.pop(day)
        tags = self.tags_by_date.pop(day.isoformat(), [])
        tags.sort(
            key=lambda t: (t["type"], t["source"], t["file"] or "", t["line"] or 0, str(t["key"]))
        )
        truth["chaos"] = tags
        truth["chaos_summary"] = dict(sorted(Counter(t["name"] for t in tags).items()))
        self.result.chaos_by_type.update(t["name"] for t in tags)
        path = Home(staging).truth_file(day)  # staging mirrors the home
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(truth, indent=1, sort_keys=False) + "\n", encoding="utf-8")

    # -- main loop -----------------------------------------------------------------------------
    def _simulate(self, i: int) -> tuple[list[SourceRows], bool]:
        """Rendered sources of day i, and whether that day has a scheduled shift."""
        day = self.days[i]
        plant_day = simulate_day(
            self.plant,
            day,
            i,
            self.seed,
            self.states,
            self.registry.ideal_by_machine(i),
            self.registry.maintenance_days,
            self.chaos.rate("degradation"),
            self.registry.present(i),
        )
        for md in plant_day.machines:
            meter_energy(md)
            self.result.units += len(md.unit_times)
        truth = compute_truth(self.plant, plant_day)
        truth |= {
            "truth_version": TRUTH_VERSION,
            "seed": self.seed,
            "chaos_level": self.chaos.level,
            "chaos_rates": self.chaos.rates,
        }
        self.pending_truth[day] = truth
        renderer = DayRenderer(
            self.plant,
            plant_day,
            self.registry.on(i),
            self.chaos,
            self.seed,
            self.counters,
            i,
            self.drift_day,
            self.names,
        )
        for md in plant_day.machines:
            if md.efficiency < 1.0:  # a real signal in the simulation, not a file artefact
                self.tags_by_date[day.isoformat()].append(
                    record(
                        "degradation",
                        "simulation",
                        md.machine.id,
                        {"efficiency": round(md.efficiency, 4)},
                        day.isoformat(),
                    )
                )
        return renderer.all_sources(), bool(plant_day.shifts)

    def run(self) -> GenerateResult:
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
                if i >= TRUTH_LAG_DAYS:
                    self._write_truth(staging, self.days[i - TRUTH_LAG_DAYS])
            for delivery in sorted(self.pending_files):
                self._write_delivery(staging, delivery)
            for day in sorted(self.pending_truth):
                self._write_truth(staging, day)
            _publish(staging, self.home)
            set_home_plant(self.home, self.plant.path, self.plant.scale)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return self.result


def _publish(staging: Path, home: Path) -> None:
    """Move every staged file into place; each move is an atomic rename on one file system."""
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = home / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)


def generate(
    home: Path,
    start: date,
    days: int,
    seed: int = 42,
    chaos_level: str = "default",
    scale: int = 1,
    overrides: dict[str, float] | None = None,
    plant_path: Path | None = None,
) -> GenerateResult:
    """Generate `days` production dates into `home` and return what was written."""
    try:
        chaos = ChaosConfig.from_level(chaos_level, overrides)
    except ValueError as exc:
        raise GenerateError(str(exc)) from exc
    return Generator(home, start, days, seed, chaos, scale, plant_path).run()
