"""Reading truth.json: the only pipeline code that opens ground-truth files (DESIGN §3).

Why: gold is computed from landing data alone; keeping every read of truth in this package makes
that rule checkable with one grep.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from plants.home import Home


def truth_path(home: Path, day: date) -> Path:
    return Home(home).truth_file(day)


def load_truth(home: Path, day: date) -> dict[str, Any] | None:
    """The truth of one production date, or None when there is none (real plant data)."""
    path = truth_path(home, day)
    if not path.exists():
        return None
    # orjson: a plant-day's truth is ~1.4 MB (every chaos item), and the stdlib parser took
    # 26 ms a day, 9.5 s of a plant-year gate
    return orjson.loads(path.read_bytes())


def truth_fingerprint(home: Path) -> str:
    """sha256 of the names, sizes and modification times of every truth file: changes when
    truth is added or replaced, without reading it (a year of truth is about 500 MB)."""
    digest = hashlib.sha256()
    for path in sorted(Home(home).ground_truth.glob("*/truth.json")):
        stat = path.stat()
        digest.update(f"{path.parent.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()
