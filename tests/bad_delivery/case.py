"""One kind of bad delivery, as a small fixture the end-to-end corpus applies to a clean home.

Why a shape of its own: every kind of bad input the plant can send (issue 16) must prove the
same four things on the real landing path: the run's message names file and line, the bad rows
sit in rejects or quarantine with a reason, accounting holds and the rest of the date publishes.
Each area declares its cases (`cases_<area>.py`, a list `CASES`); `test_corpus.py` applies all of
them to one home, runs the pipeline once and checks every case.

Cases only *add* bad input (an appended line, a new file, a new folder): a real row replaced by a
bad one would change the day's true numbers, and the truth gate would then rightly refuse to
publish.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

BRONZE = "bronze"  # the row sits in bronze.<source>_rejects
SILVER = "silver"  # the row sits in the silver quarantine (plant-aware rules)
QUARANTINE = "quarantine"  # the whole file sits in quarantine/ with a manifest entry
LOADED = "loaded"  # the row loads into bronze.<source>, its oddity kept (in `_extra_columns`)


@dataclass(frozen=True)
class Landed:
    """Where a case put its bad input and what the product must say about it."""

    path: str  # relative to the home, as landed (landing/<delivery>/<source>/<file>)
    line: int | None  # physical line of the bad row; None for a whole-file case
    reason: str  # a substring of the recorded reason (case-insensitive)
    where: str  # BRONZE, SILVER, QUARANTINE or LOADED


@dataclass(frozen=True)
class Case:
    """A named bad delivery: `apply(home, day)` lands it for delivery date `day`."""

    name: str
    apply: Callable[[Path, date], Landed]


def append_line(path: Path, text: str | bytes) -> int:
    """Append one physical line to a landed file; returns its 1-based line number."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    line = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(data + line + b"\n")
    return data.count(b"\n") + 1
