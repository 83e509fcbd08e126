"""The capture's landing writer: lines of a production date kept in a spool until the date is
complete, then moved into `landing/<delivery date>/controller_snapshots/` in one rename.

Why a spool under `<home>/capture/`: a reader must never see half a file, and a capture that is
stopped (or loses its server) must lose nothing it already read: lines are appended per machine
to `capture/spool/<date>/<machine>.jsonl` as they are read, a restarted capture continues after
the last one, and a complete date is assembled to a temporary name on the same file system and
renamed into place (data contract §1: files are moved into place with an atomic rename).
The delivery date is the production date the file holds (contract §3.4: a file is delivered on
its date; only the generator's chaos makes one late).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

from plants.home import Home
from plc import snapshot


def delivery_date(production_date: date) -> date:
    """The delivery folder of a production date's file (contract §3.4: on its date)."""
    return production_date


class SnapshotSpool:
    """Captured lines by production date and machine, until the date is published."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.root = home.capture_dir / "spool"

    def _file(self, day: date, machine_id: str) -> Path:
        return self.root / day.isoformat() / f"{machine_id}.jsonl"

    def append(self, day: date, machine_id: str, line: bytes) -> None:
        path = self._file(day, machine_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as out:
            out.write(line + b"\n")

    def last_instant(self, machine_id: str) -> int | None:
        """The newest instant spooled for a machine (epoch seconds), if any."""
        newest = None
        for path in self.root.glob(f"*/{machine_id}.jsonl"):
            lines = path.read_bytes().splitlines()
            if lines:
                t = datetime.fromisoformat(json.loads(lines[-1])["server_timestamp"]).timestamp()
                newest = max(newest or 0, int(t))
        return newest

    def published(self, day: date) -> Path:
        """Where a production date's file lands."""
        folder = self.home.delivery(delivery_date(day)) / "controller_snapshots"
        return folder / snapshot.file_name(day)

    def publish(self, day: date, machine_order: list[str]) -> Path | None:
        """Assemble a complete date (machines in plant order) and rename it into landing/."""
        folder = self.root / day.isoformat()
        if not folder.exists():
            return None
        temp = self.root / f".{day.isoformat()}.jsonl.partial"
        with temp.open("wb") as out:
            for machine_id in machine_order:
                path = folder / f"{machine_id}.jsonl"
                if path.exists():
                    out.write(path.read_bytes())
            out.flush()
            os.fsync(out.fileno())
        target = self.published(day)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        return target
