"""Renderers: one simulated production date written as every raw source, with chaos injected.

Each renderer yields `Row`s (the bytes of one line plus the chaos records that line carries);
`run.py` assembles rows into files, numbers the lines and fills in where each record landed.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from generators import timefmt
from generators.calendar import day_bounds
from generators.chaos import ChaosConfig, machine_variants, product_variants, record
from generators.registry import AssetRecord
from generators.simulate import PHASES, MachineDay, PlantDay, state_at
from plants.model import Machine, PlantConfig
from plc import nodes, snapshot

BATCH_COLUMNS = [
    "batch_id",
    "machine_id",
    "product",
    "operator_id",
    "start_time",
    "end_time",
    "units_produced",
    "units_defective",
    "energy_kwh",
]
DRIFTED_BATCH_COLUMNS = [*BATCH_COLUMNS[:-1], "energy_consumed_kwh", "shift_code"]
QC_COLUMNS = [
    "check_id",
    "batch_id",
    "machine_id",
    "product",
    "checked_at",
    "inspector_id",
    "sample_size",
    "defects_found",
    "reason_category",
    "disposition",
]
OPERATOR_COLUMNS = [
    "event_id",
    "operator_id",
    "operator_name",
    "machine_id",
    "event_type",
    "event_time",
    "note",
]
CONVEYOR_COLUMNS = ["request_id", "conveyor_id", "station_id", "requested_at"]
SCAN_COLUMNS = ["scan_id", "scanner_id", "station_id", "product_code", "scanned_at"]
EQUIPMENT_COLUMNS = [
    "record_id",
    "controller_id",
    "station_id",
    "status_word",
    "recorded_at",
    "operator_id",
]
REGISTRY_COLUMNS = [
    "export_date",
    "machine_id",
    "line_id",
    "machine_type",
    "manufacturer",
    "model",
    "firmware_version",
    "location",
    "ideal_cycle_times",
    "last_maintenance_date",
    "effective_date",
]
PHASE_LINES = {
    "SIDE_A": "Dispensing Started at {st} side A",
    "SIDE_B": "Dispensing Started at {st} side B",
    "UNCLAMP": "Unclamping at {st}",
    "EJECT": "Ejecting at {st}",
}


# The sources whose every row reports one batch or one QC finding (Row.reports): the truth as
# delivered restates what gold shows while some of their rows are still to come (truth.json
# `as_delivered`), so nothing of theirs has to be held back from the truth gate.
RESTATED_SOURCES = ("production_batches", "qc_checks")


@dataclass(frozen=True)
class Reported:
    """What one row of the batch or QC file reports: a batch (`finding` None) or one QC finding
    (reason, disposition) of a batch."""

    batch_id: str
    finding: tuple[str, str] | None = None


@dataclass
class Row:
    data: bytes
    tags: list[dict[str, Any]] = field(default_factory=list)
    # The same row in the layout after schema drift, for rows that arrive late into such a file.
    drifted: bytes | None = None
    # The machine whose KPIs the row feeds, on rows that can arrive late (batches, QC checks).
    machine_id: str | None = None
    # What the row reports, on rows of RESTATED_SOURCES (a truncated partial write reports nothing).
    reports: Reported | None = None


@dataclass
class SourceRows:
    """Rows of one file for one production date, plus rows that will arrive late."""

    source: str
    name: str  # file name inside landing/<delivery>/<source>/
    header: bytes | None
    rows: list[Row]
    late: list[tuple[int, Row]] = field(default_factory=list)  # (days late, row)
    file_tags: list[dict[str, Any]] = field(default_factory=list)  # items about the whole file
    machine_id: str | None = None  # the one machine the file is about (a machine log), if any


def csv_line(values: list[Any]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(["" if v is None else v for v in values])
    return buf.getvalue().encode("utf-8")


@dataclass
class CounterState:
    """A PLC's cumulative unit counter carried across days."""

    units_before_today: int = 0
    base: int = 0
    reset_at_units: int = 0
    last_value: int | None = None


class DayRenderer:
    """Renders one production date of the simulation as raw source rows."""

    def __init__(
        self,
        plant: PlantConfig,
        day: PlantDay,
        registry: dict[str, AssetRecord],
        chaos: ChaosConfig,
        seed: int,
        counters: dict[str, CounterState],
        day_index: int,
        drift_day: int | None,
        names: dict[str, str],
    ) -> None:
        self.plant, self.day, self.registry, self.chaos = plant, day, registry, chaos
        self.rng = random.Random(f"{seed}:chaos:{day.production_date.isoformat()}")
        self.tz = ZoneInfo(plant.timezone)
        self.counters = counters
        self.day_index = day_index
        self.drift_day = drift_day
        self.names = names
        self.date_s = day.production_date.isoformat()
        self.tag = f"{day.production_date:%Y%m%d}"
        self.start, self.end = day_bounds(plant, day.production_date)
        self.stuck_values: dict[str, float] = {}  # machine → the value its stuck sensor repeats

    # -- chaos helpers -----------------------------------------------------------------------
    def _hit(self, name: str, scale: float = 1.0) -> bool:
        rate = self.chaos.rate(name) * scale
        return rate > 0 and self.rng.random() < rate

    def _rec(self, name: str, source: str, key: str, detail: Any = None) -> dict[str, Any]:
        return record(name, source, key, detail, self.date_s)

    def _product(self, product: str, source: str, key: str, tags: list) -> str:
        if self._hit("product_variants"):
            display = self.plant.products[product]["name"]
            variant = self.rng.choice(product_variants(product, display))
            tags.append(self._rec("product_variants", source, key, variant))
            return variant
        return product

    def _machine(self, machine: Machine, source: str, key: str, tags: list) -> str:
        if self._hit("machine_variants"):
            variant = self.rng.choice(machine_variants(machine.id, machine.station))
            tags.append(self._rec("machine_variants", source, key, variant))
            return variant
        return machine.id

    def _time_form(self, source: str, key: str, tags: list) -> str:
        if self._hit("timezone_mix"):
            form = self.rng.choice([timefmt.OFFSET_FORMAT, timefmt.NAIVE_FORMAT])
            tags.append(self._rec("timezone_mix", source, key, form))
            return form
        return timefmt.UTC_FORMAT

    def _ts(self, epoch: int, form: str, tags: list | None = None) -> str:
        if form == timefmt.NAIVE_FORMAT and timefmt.is_ambiguous_local(epoch, self.tz):
            for tag in tags or []:  # say what was written, not what was asked for
                if tag["name"] == "timezone_mix":
                    tag["detail"] = "local_naive, with offset in the repeated DST hour"
        return timefmt.render(epoch, form, self.tz)

    def _malformed(self, rows: list[Row], source: str) -> list[Row]:
        """Partial writes: a truncated copy of a row, followed by the row written again."""
        if not self.chaos.on("malformed_lines"):
            return rows
        out: list[Row] = []
        for row in rows:
            if len(row.data) > 12 and self._hit("malformed_lines"):
                cut = self.rng.randint(5, len(row.data) - 5)
                tag = self._rec("malformed_lines", source, "partial write", "truncated row")
                out.append(Row(row.data[:cut], [tag]))
            out.append(row)
        return out

    def _late_split(self, rows: list[Row], source: str, key_of: list[str]) -> SourceRowsPart:
        on_time, late = [], []
        for row, key in zip(rows, key_of, strict=True):
            if self._hit("late_arrivals"):
                lag = self.rng.randint(1, 2)
                row.tags.append(self._rec("late_arrivals", source, key, f"row {lag} day(s) late"))
                late.append((lag, row))
            else:
                on_time.append(row)
        return on_time, late

    # -- sources -----------------------------------------------------------------------------
    def production_batches(self) -> SourceRows:
        drifted = self.drift_day is not None and self.day_index >= self.drift_day
        columns = DRIFTED_BATCH_COLUMNS if drifted else BATCH_COLUMNS
        rows, keys = [], []
        for md in self.day.machines:
            for b in md.batches:
                tags: list[dict[str, Any]] = []
                form = self._time_form("production_batches", b.batch_id, tags)
                values = [
                    b.batch_id,
                    self._machine(md.machine, "production_batches", b.batch_id, tags),
                    self._product(b.product, "production_batches", b.batch_id, tags),
                    b.operator_id,
                    self._ts(b.start, form, tags),
                    self._ts(b.end, form, tags),
                    b.produced,
                    b.scrap + b.rework,
                    f"{b.energy_kwh:.3f}",
                ]
                if drifted:
                    values.append(b.shift)
                rows.append(
                    Row(
                        csv_line(values),
                        tags,
                        None if drifted else csv_line([*values, b.shift]),
                        md.machine.id,
                        Reported(b.batch_id),
                    )
                )
                keys.append(b.batch_id)
        rows.sort(key=lambda r: r.data)  # the MES exports in batch-id order
        keys = [r.data.split(b",", 1)[0].decode() for r in rows]
        file_tags = []
        if drifted and self.day_index == self.drift_day:
            file_tags.append(
                self._rec(
                    "schema_drift",
                    "production_batches",
                    "header",
                    "energy_kwh renamed energy_consumed_kwh; shift_code added",
                )
            )
            file_tags[-1]["line"] = 1  # the header line
        out: list[Row] = []
        out_keys: list[str] = []
        for row, key in zip(rows, keys, strict=True):
            out.append(row)
            out_keys.append(key)
            if self._hit("duplicate_batches"):
                dup = Row(
                    row.data,
                    [self._rec("duplicate_batches", "production_batches", key)],
                    row.drifted,
                    row.machine_id,
                    row.reports,
                )
                out.append(dup)
                out_keys.append(key)
        on_time, late = self._late_split(out, "production_batches", out_keys)
        header = csv_line(columns)
        return SourceRows(
            "production_batches",
            f"production_batches__{self.date_s}.csv",
            header,
            self._malformed(on_time, "production_batches"),
            late,
            file_tags,
        )

    def qc_checks(self) -> SourceRows:
        rows, keys = [], []
        seq = 0
        for md in self.day.machines:
            for b in md.batches:
                checked = b.end + self.rng.randint(60, 1200)
                inspector = f"QC-{self.rng.randint(1, 6):02d}"
                findings = sorted(b.defects.items()) or [(("", "PASS"), 0)]
                for (reason, disposition), n in findings:
                    seq += 1
                    check_id = f"QC{self.tag}-{seq:05d}"
                    tags: list[dict[str, Any]] = []
                    form = self._time_form("qc_checks", check_id, tags)
                    values = [
                        check_id,
                        b.batch_id,
                        self._machine(md.machine, "qc_checks", check_id, tags),
                        self._product(b.product, "qc_checks", check_id, tags),
                        self._ts(checked, form, tags),
                        inspector,
                        b.produced,
                        n,
                        reason,
                        disposition,
                    ]
                    finding = Reported(b.batch_id, (reason, disposition))
                    rows.append(Row(csv_line(values), tags, None, md.machine.id, finding))
                    keys.append(check_id)
        on_time, late = self._late_split(rows, "qc_checks", keys)
        return SourceRows(
            "qc_checks",
            f"qc_checks__{self.date_s}.csv",
            csv_line(QC_COLUMNS),
            self._malformed(on_time, "qc_checks"),
            late,
        )

    def operator_logs(self) -> SourceRows:
        rows = []
        for i, ev in enumerate(self.day.operator_events, start=1):
            event_id = f"OE{self.tag}-{i:05d}"
            tags: list[dict[str, Any]] = []
            form = self._time_form("operator_logs", event_id, tags)
            machine = self.plant.machine(ev.machine_id)
            values = [
                event_id,
                ev.operator_id,
                self.names[ev.operator_id],
                self._machine(machine, "operator_logs", event_id, tags),
                ev.event_type,
                self._ts(ev.t, form, tags),
                ev.note,
            ]
            data = csv_line(values)
            if ev.event_type == "NOTE" and self._hit("malformed_lines", 10):
                # A note typed on an old terminal: Windows-1252 bytes in a UTF-8 file.
                note = f"Prüfung {ev.machine_id}: Dichtung gewechselt, Maß ok"
                data = csv_line([*values[:-1], note]).decode().encode("cp1252")
                tags.append(self._rec("malformed_lines", "operator_logs", event_id, "bad bytes"))
            rows.append(Row(data, tags))
        return SourceRows(
            "operator_logs",
            f"operator_logs__{self.date_s}.csv",
            csv_line(OPERATOR_COLUMNS),
            self._malformed(rows, "operator_logs"),
        )

    def _sensor_values(
        self, md: MachineDay, state: str, rng: random.Random, t: int
    ) -> dict[str, float]:
        """One reading of the machine's sensors in `state` at `t`, with its injected anomalies."""
        values = self._clean_sensor_values(md, state, rng)
        wear = md.effects.vibration_factor()
        values["vibration_mm_s"] = round(values["vibration_mm_s"] * wear, 3)
        hot = md.effects.sensor_window("temperature_excursion", self.start)
        if hot and hot[0] <= t < hot[1]:
            values["temperature_c"] = round(values["temperature_c"] * 1.15, 2)
        stuck = md.effects.sensor_window("sensor_stuck", self.start)
        if stuck and stuck[0] <= t < stuck[1]:  # the first value in the window, repeated
            channel = stuck[2].params["channel"]
            values[channel] = self.stuck_values.setdefault(md.machine.id, values[channel])
        return values

    def _clean_sensor_values(
        self, md: MachineDay, state: str, rng: random.Random
    ) -> dict[str, float]:
        m = md.machine
        wear = 1.0 - md.efficiency
        running = state == "RUNNING"
        if m.type == "SMELTER":
            temp = {"RUNNING": 1150, "IDLE": 1080, "SETUP": 1000, "DOWN": 620}.get(state, 900)
            pressure = 1.02
        elif m.type == "ASSEMBLER":
            temp, pressure = (46 if running else 38), 6.0 if running else 5.8
        else:
            temp, pressure = (34 if running else 29), 5.5 if running else 2.1
        vibration = (2.2 if running else 0.4) * (1 + 8 * wear)
        return {
            "temperature_c": round(temp + rng.gauss(0, temp * 0.01), 2),
            "pressure_bar": round(pressure + rng.gauss(0, 0.05), 3),
            "power_kw": round(m.power_kw[state] * (1 + rng.gauss(0, 0.03)), 3),
            "vibration_mm_s": round(max(0.0, vibration + rng.gauss(0, 0.15)), 3),
        }

    def _states(self, md: MachineDay) -> tuple[list, list[int]]:
        return md.intervals, [iv.start for iv in md.intervals]

    def sensor_logs(self) -> SourceRows:
        step = int(self.plant.sampling["sensor_interval_s"])
        rows: list[Row] = []
        for md in self.day.machines:
            device = f"SENS-{md.machine.station}"
            intervals, starts = self._states(md)
            drift = 0
            if self._hit("sensor_drift"):
                drift = self.rng.choice([-1, 1]) * self.rng.randint(60, 300)
                rows_tag = self._rec(
                    "sensor_drift",
                    "sensor_logs",
                    f"{device}/{self.date_s}",
                    {"device_id": device, "max_drift_s": drift},
                )
            else:
                rows_tag = None
            for t in range(self.start, self.end, step):
                iv = state_at(intervals, starts, t)
                if iv is None:  # outside every scheduled shift the machine sends nothing
                    continue
                values: dict[str, Any] = self._sensor_values(md, iv.state, self.rng, t)
                tags: list[dict[str, Any]] = []
                if rows_tag:  # on the machine-day's first row
                    tags.append(rows_tag)
                    rows_tag = None
                for name in list(values):
                    if self._hit("sensor_nulls"):
                        values[name] = None
                        tags.append(self._rec("sensor_nulls", "sensor_logs", f"{device}@{t}", name))
                device_t = t + round(drift * (t - self.start) / (self.end - self.start))
                doc = {
                    "device_id": device,
                    "machine": self._machine(md.machine, "sensor_logs", f"{device}@{t}", tags),
                    "ts": timefmt.utc_iso(device_t),
                    "received_at": timefmt.utc_iso(t + self.rng.randint(0, 2)),
                    **values,
                }
                rows.append(Row(json.dumps(doc, separators=(",", ":")).encode(), tags))
        return SourceRows(
            "sensor_logs",
            f"sensor_logs__{self.date_s}.jsonl",
            None,
            self._malformed(rows, "sensor_logs"),
        )

    def controller_snapshots(self) -> SourceRows:
        step = int(self.plant.sampling["snapshot_interval_s"])
        wrap = self.chaos.on("counter_resets")
        rows: list[Row] = []
        for md in self.day.machines:
            m = md.machine
            cs = self.counters[m.id]
            intervals, starts = self._states(md)
            reset_t = None
            if self._hit("counter_resets"):
                reset_t = self.rng.randint(self.start + 600, self.end - 600)
            words = sorted(
                (t, (1 << (i + 1)) - 1) for c in md.cycles for i, t in enumerate(c.step_times)
            )
            word_times = [t for t, _ in words]
            last: dict[str, tuple[Any, str]] = {}
            for t in range(self.start, self.end, step):
                iv = state_at(intervals, starts, t)
                if iv is None:  # outside every scheduled shift the PLC is not read
                    continue
                units = cs.units_before_today + bisect.bisect_right(md.unit_times, t)
                reset_tag = None
                if reset_t is not None and t >= reset_t:
                    reset_t = None  # one reset per machine-day at most
                    cs.base, cs.reset_at_units = 0, units
                    reset_tag = self._rec(
                        "counter_resets",
                        "controller_snapshots",
                        f"{m.id}.TotalCount@{t}",
                        "PLC counter reset to 0",
                    )
                count = units - cs.reset_at_units + cs.base
                value = count % 65536 if wrap else count
                tags: list[dict[str, Any]] = [reset_tag] if reset_tag else []
                if wrap and cs.last_value is not None and value < cs.last_value and not reset_tag:
                    tags.append(
                        self._rec(
                            "counter_resets",
                            "controller_snapshots",
                            f"{m.id}.TotalCount@{t}",
                            "16-bit rollover",
                        )
                    )
                cs.last_value = value
                values = {nodes.STATE: self.plant.state_codes[iv.state], nodes.TOTAL_COUNT: value}
                if m.is_dispenser:
                    i = bisect.bisect_right(word_times, t) - 1
                    values[nodes.STATUS_WORD] = words[i][1] if i >= 0 else 0
                reads = []
                for name in nodes.node_names(m):
                    node_id = nodes.node_id(m.id, name)
                    read = snapshot.node_read(
                        node_id,
                        values[name],
                        nodes.data_type(name, wrap),
                        timefmt.utc_iso(t),
                        nodes.GOOD,
                    )
                    if node_id in last and self._hit("opcua_bad_values"):
                        if self.rng.random() < 0.5:
                            prev_val, prev_ts = last[node_id]
                            read |= {
                                "value": prev_val,
                                "source_timestamp": prev_ts,
                                "status_code": nodes.STALE,
                            }
                            kind = "stale"
                        else:
                            read |= {"value": None, "status_code": nodes.BAD}
                            kind = "bad"
                        tags.append(
                            self._rec(
                                "opcua_bad_values", "controller_snapshots", f"{node_id}@{t}", kind
                            )
                        )
                    else:
                        last[node_id] = (read["value"], read["source_timestamp"])
                    reads.append(read)
                doc = snapshot.snapshot_doc(nodes.plant_endpoint(m), timefmt.utc_iso(t), reads)
                rows.append(Row(snapshot.encode(doc), tags))
            cs.units_before_today += len(md.unit_times)
        return SourceRows(snapshot.SOURCE, snapshot.file_name(self.day.production_date), None, rows)

    def _log_line(self, t: int, level: str, message: str) -> bytes:
        return f"{timefmt.local_iso(t, self.tz)} [{level}] {message}".encode()

    def machine_logs(self) -> list[SourceRows]:
        out = []
        shift_starts = {s.start: s.code for s in self.day.shifts}
        # A shift followed by time without a shift says so: no state until the next start line.
        shift_ends = {
            s.end: s.code for s in self.day.shifts if s.end < self.end and s.end not in shift_starts
        }
        for md in self.day.machines:
            st = md.machine.station
            lines: list[tuple[int, int, Row]] = []
            completions = {c.step_times[-1] for c in md.cycles if c.completed}
            cycle_starts = {c.step_times[0] for c in md.cycles}
            for t, code in shift_ends.items():
                msg = f"{st}: Shift {code} ended"
                lines.append((t, 0, Row(self._log_line(t, "INFO", msg))))
            for iv in md.intervals:
                if iv.start in shift_starts:
                    msg = f"{st}: Shift {shift_starts[iv.start]} started, state {iv.state}"
                    lines.append((iv.start, 0, Row(self._log_line(iv.start, "INFO", msg))))
                    continue
                level, msg = "INFO", ""
                if iv.state == "RUNNING":
                    if md.machine.is_dispenser and iv.start in cycle_starts:
                        msg = f"Cycle started at {st}"
                    else:
                        msg = f"{st}: Production running, product {iv.detail}"
                elif iv.state == "IDLE":
                    if iv.start in completions:
                        msg = f"Cycle complete at {st}"
                    elif iv.detail.startswith("minor stop"):
                        level, msg = "WARN", f"{st}: Minor stop ({iv.detail[12:]})"
                    else:
                        msg = f"{st}: Idle - {iv.detail}"
                elif iv.state == "SETUP":
                    msg = f"{st}: Changeover started, next product {iv.detail}"
                elif iv.state == "DOWN":
                    level, msg = "ERROR", f"{st}: Fault {iv.detail}"
                else:
                    msg = f"{st}: Planned stop ({iv.detail})"
                lines.append((iv.start, 1, Row(self._log_line(iv.start, level, msg))))
            for c in md.cycles:
                for i, phase in enumerate(PHASES[1:], start=1):
                    if i >= len(c.step_times):
                        break
                    t = c.step_times[i]
                    row = Row(self._log_line(t, "INFO", PHASE_LINES[phase].format(st=st)))
                    if self._hit("skipped_log_states"):
                        skipped = self._rec(
                            "skipped_log_states", "machine_logs", f"{st}@{t}", phase
                        )
                        # The record points at the line after the gap, where the parser notices.
                        lines.append((t, 3, Row(b"", [skipped])))
                        continue
                    lines.append((t, 2, row))
            intervals, starts = self._states(md)
            beats = [
                t
                for t in range(self.start + 300, self.end, 600)
                if state_at(intervals, starts, t) is not None  # only while a shift runs
            ]
            for k, t in enumerate(beats):
                lines.append((t, 4, Row(self._log_line(t, "DEBUG", f"{st}: heartbeat seq={k}"))))
            lines.sort(key=lambda x: (x[0], x[1]))
            rows: list[Row] = []
            pending: list[dict[str, Any]] = []
            for _, _, row in lines:
                if not row.data:
                    pending.extend(row.tags)
                    continue
                row.tags.extend(pending)
                pending = []
                rows.append(row)
            if pending and rows:
                rows[-1].tags.extend(pending)
            out.append(
                SourceRows(
                    "machine_logs",
                    f"{st}__{self.date_s}.log",
                    None,
                    self._malformed(rows, "machine_logs"),
                    machine_id=md.machine.id,
                )
            )
        return out

    def dispensing_cell(self) -> list[SourceRows]:
        conveyor, scans, equipment = [], [], []
        skew = 0
        if self.chaos.on("clock_skew"):
            amplitude = max(5, round(20 * self.chaos.rate("clock_skew")))
            skew = self.rng.choice([-1, 1]) * self.rng.randint(5, amplitude)
        for md in self.day.machines:
            m = md.machine
            if not m.is_dispenser:
                continue
            if skew:
                scans_tag = self._rec(
                    "clock_skew",
                    "product_scans",
                    f"{m.scanner}/{self.date_s}",
                    {"scanner_id": m.scanner, "skew_s": skew},
                )
            for n, c in enumerate(md.cycles, start=1):
                rid = f"CR-{self.tag}-{m.station}-{n:05d}"
                tags: list[dict[str, Any]] = []
                form = self._time_form("conveyor_requests", rid, tags)
                conveyor.append(
                    Row(
                        csv_line([rid, m.conveyor, m.station, self._ts(c.request_t, form, tags)]),
                        tags,
                    )
                )
                sid = f"SC-{self.tag}-{m.station}-{n:05d}"
                tags = [scans_tag] if skew and n == 1 else []
                form = self._time_form("product_scans", sid, tags)
                code = c.serial
                if self._hit("scanner_misreads"):
                    pos = self.rng.randint(0, len(code) - 1)
                    code = code[:pos] + self.rng.choice("?#*") + code[pos + 1 :]
                    tags.append(self._rec("scanner_misreads", "product_scans", sid, "misread"))
                scan_t = c.scan_t + skew
                scans.append(
                    Row(
                        csv_line([sid, m.scanner, m.station, code, self._ts(scan_t, form, tags)]),
                        tags,
                    )
                )
                if self._hit("scanner_misreads", 2):
                    did = f"{sid}-R"
                    dtags = [self._rec("scanner_misreads", "product_scans", did, "double scan")]
                    dform = self._time_form("product_scans", did, dtags)
                    scans.append(
                        Row(
                            csv_line(
                                [
                                    did,
                                    m.scanner,
                                    m.station,
                                    c.serial,
                                    self._ts(scan_t + self.rng.randint(1, 3), dform, dtags),
                                ]
                            ),
                            dtags,
                        )
                    )
                for i, t in enumerate(c.step_times):
                    eid = f"EQ-{self.tag}-{m.station}-{n:05d}-{i}"
                    tags = []
                    form = self._time_form("equipment_records", eid, tags)
                    equipment.append(
                        Row(
                            csv_line(
                                [
                                    eid,
                                    f"PLC-{m.station}",
                                    m.station,
                                    (1 << (i + 1)) - 1,
                                    self._ts(t, form, tags),
                                    c.operator_id,
                                ]
                            ),
                            tags,
                        )
                    )
        return [
            SourceRows(
                "conveyor_requests",
                f"conveyor_requests__{self.date_s}.csv",
                csv_line(CONVEYOR_COLUMNS),
                self._malformed(conveyor, "conveyor_requests"),
            ),
            SourceRows(
                "product_scans",
                f"product_scans__{self.date_s}.csv",
                csv_line(SCAN_COLUMNS),
                self._malformed(scans, "product_scans"),
            ),
            SourceRows(
                "equipment_records",
                f"equipment_records__{self.date_s}.csv",
                csv_line(EQUIPMENT_COLUMNS),
                self._malformed(equipment, "equipment_records"),
            ),
        ]

    def asset_registry(self) -> SourceRows:
        rows = []
        for rec in self.registry.values():
            ideal = ";".join(f"{p}={v:g}" for p, v in rec.ideal_cycle_s)
            rows.append(
                Row(
                    csv_line(
                        [
                            self.date_s,
                            rec.machine_id,
                            rec.line_id,
                            rec.machine_type,
                            rec.manufacturer,
                            rec.model,
                            rec.firmware_version,
                            rec.location,
                            ideal,
                            rec.last_maintenance_date.isoformat(),
                            rec.effective_date.isoformat(),
                        ]
                    )
                )
            )
        return SourceRows(
            "asset_registry",
            f"asset_registry__{self.date_s}.csv",
            csv_line(REGISTRY_COLUMNS),
            rows,
        )

    def all_sources(self) -> list[SourceRows]:
        """Every source the plant delivers (a source not in `sources` is not even rendered)."""
        on = self.plant.delivers
        parts: list[SourceRows] = []
        for source, render in (
            ("production_batches", self.production_batches),
            ("qc_checks", self.qc_checks),
            ("operator_logs", self.operator_logs),
            ("sensor_logs", self.sensor_logs),
        ):
            if on(source):
                parts.append(render())
        if any(on(s) for s in ("conveyor_requests", "product_scans", "equipment_records")):
            parts += [p for p in self.dispensing_cell() if on(p.source)]
        if on("machine_logs"):
            parts += self.machine_logs()
        for source, render in (
            ("controller_snapshots", self.controller_snapshots),
            ("asset_registry", self.asset_registry),
        ):
            if on(source):
                parts.append(render())
        return parts


SourceRowsPart = tuple[list[Row], list[tuple[int, Row]]]
