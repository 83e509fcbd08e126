"""Landing oddities (issue 16, item 3): each ends loaded, rejected or quarantined with a reason.

Why one case per kind: each used to crash the loader or be ignored or misnamed in silence (a
JSON key with a quote, a folder that is no date, a gzip file named `.csv`, a copy of a
quarantined file left in landing). A future-dated folder is no case here: it is refused with a
non-zero exit (orchestration/partitions.py `refusal`), which a corpus run must not carry.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from tests.bad_delivery.case import BRONZE, LOADED, QUARANTINE, Case, Landed, append_line


def _landed(home: Path, day: date, source: str) -> Path:
    """The day's generated file of a one-file source."""
    (path,) = sorted((home / "landing" / day.isoformat() / source).iterdir())
    return path


def _rel(home: Path, path: Path) -> str:
    return path.relative_to(home).as_posix()


def _sensor_copy_with_key(home: Path, day: date, key: str) -> tuple[Path, int]:
    """Append a copy of the day's first sensor reading with one extra key: silver keeps the
    first of two identical readings, so the day's numbers do not change."""
    path = _landed(home, day, "sensor_logs")
    reading = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    reading[key] = "kept"
    return path, append_line(path, json.dumps(reading))


def quote_key(home: Path, day: date) -> Landed:
    """A key with a quote and a backslash used to become a JSON path: "JSON path error"."""
    path, line = _sensor_copy_with_key(home, day, 'probe "B"\\2')
    return Landed(_rel(home, path), line, json.dumps('probe "B"\\2'), LOADED)


def control_character_key(home: Path, day: date) -> Landed:
    """A raw control character inside a key is no JSON: the line is a reject, its file loads."""
    path = _landed(home, day, "sensor_logs")
    line = append_line(path, b'{"device_id":"SENS-X","ts":"x","bad\x07key":1}')
    return Landed(_rel(home, path), line, "control character U+0007", BRONZE)


def not_a_date_folder(home: Path, day: date) -> Landed:
    """A folder under landing/ that is no delivery date used to be ignored without a word."""
    path = home / "landing" / "not-a-date" / "sensor_logs" / "notes.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"note": "delivered to the wrong folder"}\n', encoding="utf-8")
    return Landed(_rel(home, path), None, "'not-a-date' under landing/ is not a delivery date",
                  QUARANTINE)  # fmt: skip


def impossible_date_folder(home: Path, day: date) -> Landed:
    """A folder shaped like a date that is none (month 13) used to crash the folder listing."""
    path = home / "landing" / "2026-13-45" / "qc_checks" / "qc_checks__2026-13-45.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"check_id\nQC-1\n")
    return Landed(_rel(home, path), None, "is not a real date", QUARANTINE)


def file_directly_in_landing(home: Path, day: date) -> Landed:
    path = home / "landing" / "README.txt"
    path.write_text("deliveries go into dated folders\n", encoding="utf-8")
    return Landed(_rel(home, path), None, "directly in landing/", QUARANTINE)


def gzip_named_csv(home: Path, day: date) -> Landed:
    """A gzip file named `.csv` used to be "not valid UTF-8" line by line, never "gzip"."""
    real = _landed(home, day, "qc_checks")
    copy = real.with_name(real.name.replace(".csv", "__resent.csv"))
    copy.write_bytes(gzip.compress(real.read_bytes(), mtime=0))
    return Landed(_rel(home, copy), None, "gzip-compressed", QUARANTINE)


def gzip_copy_of_quarantined(home: Path, day: date) -> Landed:
    """The same bytes as an already quarantined file used to be a "duplicate" left in landing."""
    real = _landed(home, day, "production_batches")
    data = gzip.compress(real.read_bytes(), mtime=0)
    first = real.with_name(real.name.replace(".csv", " (1).csv"))  # loads first: shorter name
    copy = real.with_name(real.name.replace(".csv", "__resent.csv"))
    first.write_bytes(data)
    copy.write_bytes(data)
    return Landed(_rel(home, copy), None, "gzip-compressed", QUARANTINE)


CASES: list[Case] = [
    Case("json key with a quote and a backslash", quote_key),
    Case("raw control character in a json key", control_character_key),
    Case("folder not-a-date under landing", not_a_date_folder),
    Case("folder 2026-13-45 under landing", impossible_date_folder),
    Case("file directly in landing", file_directly_in_landing),
    Case("gzip file named .csv", gzip_named_csv),
    Case("gzip copy of a quarantined file", gzip_copy_of_quarantined),
]
