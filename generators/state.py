"""The simulator's state between generations: what `generate --append` continues from.

Why its own file: a plant lives day by day, so the simulation must be able to stop after any
date and go on later exactly as if it had run on: the same PLC counters, machine states (batch
sequences, time to the next failure), random stream of the file-level chaos, schema-drift day, and
the rows and files still due on delivery dates after the last one written. For a date whose truth
is still open it also keeps the delivery date of each of its batch and QC rows and its machines'
states at its start: its truth as delivered (truth.json `as_delivered`) is computed over the day
simulated again from those, rather than keeping the whole simulated day in this file. The asset
registry's SCD2 history needs nothing here: it is a function of the plant file and the day index,
rebuilt from `origin`. Written as JSON (bytes as base64) under the home (plants/home.py
`Home.simulator_state`), atomically, once a generation has published its files.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generators.render import CounterState, Reported, Row
from generators.simulate import MachineState

STATE_VERSION = 2  # 2: rows say what they report; open dates' row deliveries and day starts


@dataclass
class FileOut:
    """One file of one delivery: rows of its own, or a byte-for-byte copy of another file."""

    delivery: date
    source: str
    name: str
    header: bytes | None
    rows: list[Row]
    file_tags: list[dict[str, Any]] = field(default_factory=list)
    copy_of: str | None = None  # rel_path of the file this one repeats

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
class SimState:
    """Everything a generation hands to the next one (see the module docstring)."""

    seed: int
    chaos_level: str
    chaos_rates: dict[str, float]
    origin: date  # day index 0 of the simulation (the registry's changes count from it)
    next_day: date  # the first production date not simulated yet
    drift_day: int | None
    files_rng: Any  # random.Random.getstate() of the file-level chaos stream
    counters: dict[str, CounterState]
    machines: dict[str, MachineState]
    headers: dict[str, bytes]  # each source's latest header, for files of late rows only
    pending_files: list[FileOut]
    pending_rows: dict[tuple[date, str], list[tuple[date, Row]]]  # (delivery, source) → rows
    open_truth: dict[str, dict[str, Any]]  # truth of dates whose chaos list can still grow
    tags_by_date: dict[str, list[dict[str, Any]]]
    late_by_date: dict[str, list[dict[str, Any]]]
    # open dates: each batch and QC row's delivery date, and the machines' states at the start
    # of the date (to simulate it again for its truth as delivered)
    row_deliveries: dict[date, dict[Reported, date]] = field(default_factory=dict)
    day_starts: dict[date, dict[str, MachineState]] = field(default_factory=dict)
    finished: bool = False  # `--finish` delivered everything due: nothing more can be appended
    # injected anomalies' intensities (generators/anomalies.py); a state written before they
    # existed has none, so its home simulates on exactly as before
    anomaly_rates: dict[str, float] = field(default_factory=dict)


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


def _row(row: Row) -> dict[str, Any]:
    return {
        "data": _b64(row.data),
        "tags": row.tags,
        "drifted": _b64(row.drifted),
        "machine_id": row.machine_id,
        "reports": _reported(row.reports) if row.reports else None,
    }


def _unrow(d: dict[str, Any]) -> Row:
    reports = _unreported(d["reports"]) if d["reports"] else None
    return Row(_unb64(d["data"]) or b"", d["tags"], _unb64(d["drifted"]), d["machine_id"], reports)


def _reported(r: Reported) -> list[str | None]:
    return [r.batch_id, *(r.finding or (None, None))]


def _unreported(values: list[str | None]) -> Reported:
    batch_id, reason, disposition = values
    finding = None if reason is None or disposition is None else (reason, disposition)
    return Reported(str(batch_id), finding)


def _tuples(value: Any) -> Any:
    """JSON lists back to the nested tuples random.setstate expects."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def to_json(state: SimState) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "seed": state.seed,
        "chaos_level": state.chaos_level,
        "chaos_rates": state.chaos_rates,
        "anomaly_rates": state.anomaly_rates,
        "origin": state.origin.isoformat(),
        "next_day": state.next_day.isoformat(),
        "drift_day": state.drift_day,
        "files_rng": state.files_rng,
        "counters": {k: asdict(v) for k, v in state.counters.items()},
        "machines": {k: asdict(v) for k, v in state.machines.items()},
        "headers": {k: _b64(v) for k, v in state.headers.items()},
        "pending_files": [
            {
                "delivery": f.delivery.isoformat(),
                "source": f.source,
                "name": f.name,
                "header": _b64(f.header),
                "rows": [_row(r) for r in f.rows],
                "file_tags": f.file_tags,
                "copy_of": f.copy_of,
            }
            for f in state.pending_files
        ],
        "pending_rows": [
            {
                "delivery": delivery.isoformat(),
                "source": source,
                "rows": [[produced.isoformat(), _row(r)] for produced, r in rows],
            }
            for (delivery, source), rows in sorted(state.pending_rows.items())
        ],
        "open_truth": state.open_truth,
        "tags_by_date": state.tags_by_date,
        "late_by_date": state.late_by_date,
        "row_deliveries": {
            day.isoformat(): [[*_reported(r), when.isoformat()] for r, when in rows.items()]
            for day, rows in state.row_deliveries.items()
        },
        "day_starts": {
            day.isoformat(): {k: asdict(v) for k, v in machines.items()}
            for day, machines in state.day_starts.items()
        },
        "finished": state.finished,
    }


def from_json(d: dict[str, Any]) -> SimState:
    if d.get("version") != STATE_VERSION:
        raise ValueError(f"simulator state version {d.get('version')}, expected {STATE_VERSION}")
    return SimState(
        seed=d["seed"],
        chaos_level=d["chaos_level"],
        chaos_rates=d["chaos_rates"],
        anomaly_rates=d.get("anomaly_rates", {}),
        origin=date.fromisoformat(d["origin"]),
        next_day=date.fromisoformat(d["next_day"]),
        drift_day=d["drift_day"],
        files_rng=_tuples(d["files_rng"]),
        counters={k: CounterState(**v) for k, v in d["counters"].items()},
        machines={k: MachineState(**v) for k, v in d["machines"].items()},
        headers={k: _unb64(v) or b"" for k, v in d["headers"].items()},
        pending_files=[
            FileOut(
                date.fromisoformat(f["delivery"]),
                f["source"],
                f["name"],
                _unb64(f["header"]),
                [_unrow(r) for r in f["rows"]],
                f["file_tags"],
                f["copy_of"],
            )
            for f in d["pending_files"]
        ],
        pending_rows={
            (date.fromisoformat(p["delivery"]), p["source"]): [
                (date.fromisoformat(produced), _unrow(r)) for produced, r in p["rows"]
            ]
            for p in d["pending_rows"]
        },
        open_truth=d["open_truth"],
        tags_by_date=d["tags_by_date"],
        late_by_date=d["late_by_date"],
        row_deliveries={
            date.fromisoformat(day): {
                _unreported(row[:3]): date.fromisoformat(row[3]) for row in rows
            }
            for day, rows in d["row_deliveries"].items()
        },
        day_starts={
            date.fromisoformat(day): {k: MachineState(**v) for k, v in machines.items()}
            for day, machines in d["day_starts"].items()
        },
        finished=d["finished"],
    )


def read_state(path: Path) -> SimState | None:
    """The state a home's last generation left, or None when there is none."""
    if not path.exists():
        return None
    return from_json(json.loads(path.read_text(encoding="utf-8")))


def write_state(path: Path, state: SimState) -> None:
    """Write the state atomically (a temporary file renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(to_json(state)), encoding="utf-8")
    os.replace(tmp, path)
