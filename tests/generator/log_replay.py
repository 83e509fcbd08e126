"""An independent reading of clean machine logs into state intervals, for generator tests.

Why here and not the product's parser: the tests check the generator's truth against its own
log files with a few regexes of their own, so a bug in the dbt rule table cannot hide a bug in
the simulator (and the other way round).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

STATE_RULES = [
    (re.compile(r"Shift \w+ started, state (\w+)"), None),
    (re.compile(r"Shift \w+ ended"), "OFF"),
    (re.compile(r"Cycle started at"), "RUNNING"),  # a station that runs cycle by cycle
    (re.compile(r"Production running"), "RUNNING"),
    (re.compile(r"Cycle complete at|Minor stop|: Idle -"), "IDLE"),
    (re.compile(r"Changeover started"), "SETUP"),
    (re.compile(r"\[ERROR\] .*Fault"), "DOWN"),
    (re.compile(r"Planned stop \((.+)\)$"), "PLANNED_STOP"),
]


def log_intervals(path: Path, day_end: int) -> list[tuple[int, int, str, str]]:
    """(start, end, state, planned-stop reason) from one clean machine log file; the time after
    a `Shift … ended` line (OFF) is dropped."""
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stamp, rest = line.split(" ", 1)
        for pattern, state in STATE_RULES:
            m = pattern.search(rest)
            if m:
                reason = m[1] if state == "PLANNED_STOP" else ""
                events.append(
                    (int(datetime.fromisoformat(stamp).timestamp()), state or m[1], reason)
                )
                break
    ends = [t for t, _, _ in events[1:]] + [day_end]
    return [(t, end, s, r) for (t, s, r), end in zip(events, ends, strict=True) if s != "OFF"]
