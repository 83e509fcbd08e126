"""Bad values and bad lines at the bronze edge: each becomes one reject with file, line and reason.

Why these: each kind once loaded into bronze and then failed a test on every later run (issue
16). Every case appends one line to a different source's file of the day, so the handful of
rejects per file stays far below the share that blocks a date; the row copies a real row of the
file with one field spoiled (and an id of its own), so nothing else about it is wrong.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from tests.bad_delivery.case import BRONZE, Case, Landed, append_line

BIG_LINE_BYTES = 20 * 1024 * 1024  # a runaway writer's 20 MB line


def day_file(home: Path, day: date, source: str, ext: str = "csv") -> Path:
    """The day's own file of a source (`<source>__<day>.<ext>`), which a clean home has."""
    path = home / "landing" / day.isoformat() / source / f"{source}__{day}.{ext}"
    if not path.exists():
        raise FileNotFoundError(f"{path}: the case needs the day's {source} file")
    return path


def spoiled_row(path: Path, **fields: str) -> str:
    """The file's first data row as a CSV line, with `fields` replaced."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = [c.strip().lower() for c in next(reader)]
        row = next(reader)
    for name, value in fields.items():
        row[header.index(name)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    return out.getvalue()


def _landed(home: Path, path: Path, line: int, reason: str) -> Landed:
    return Landed(path.relative_to(home).as_posix(), line, reason, BRONZE)


def _bad_value(source: str, field: str, value: str, reason: str, **ids: str) -> Case:
    """A row of `source` whose `field` holds `value`; the reject names it with `reason`."""

    def apply(home: Path, day: date) -> Landed:
        path = day_file(home, day, source)
        line = append_line(path, spoiled_row(path, **ids, **{field: value}))
        return _landed(home, path, line, reason)

    return Case(f"{source}.{field} = {value!r}", apply)


def _huge_log_line(home: Path, day: date) -> Landed:
    folder = home / "landing" / day.isoformat() / "machine_logs"
    path = sorted(folder.glob(f"*__{day}.log"))[0]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = first.split(" [", 1)[0] + " [INFO] "  # a valid timestamp and level
    line = append_line(path, prefix + "x" * (BIG_LINE_BYTES - len(prefix)))
    return _landed(home, path, line, "line too long")


def _control_character(home: Path, day: date) -> Landed:
    path = day_file(home, day, "operator_logs")
    row = spoiled_row(path, event_id="OE-EDGE-NUL", note="seal changed\x00ok")
    return _landed(home, path, append_line(path, row), "control character U+0000")


CASES: list[Case] = [
    _bad_value("production_batches", "units_produced", "1,234",
               'units_produced: "1,234" is not a whole number', batch_id="B-EDGE-1"),
    _bad_value("production_batches", "units_produced", "NaN",
               'units_produced: "NaN" is not a whole number', batch_id="B-EDGE-2"),
    _bad_value("production_batches", "units_produced", "-5",
               'units_produced: "-5" is not a whole number', batch_id="B-EDGE-3"),
    _bad_value("conveyor_requests", "requested_at", "20",
               'requested_at: "20" is not a complete timestamp', request_id="CR-EDGE-1"),
    _bad_value("product_scans", "scanned_at", "2026-03-05",
               'scanned_at: "2026-03-05" is not a complete timestamp', scan_id="SC-EDGE-1"),
    _bad_value("equipment_records", "recorded_at", "2026-03-05T05:2",
               'recorded_at: "2026-03-05T05:2" is not a complete timestamp',
               record_id="EQ-EDGE-1"),
    _bad_value("qc_checks", "checked_at", "2029-03-05T05:20:00Z",
               "is outside the plausible window", check_id="QC-EDGE-2029"),
    Case("machine_logs: a 20 MB line with a valid timestamp prefix", _huge_log_line),
    Case("operator_logs: a NUL character inside a field", _control_character),
]  # fmt: skip
