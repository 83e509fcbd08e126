"""Live progress inside a step: which delivery date a bronze loader has just finished.

Why a stdlib logger and not `context.log`: every `context.log` line is an event Dagster stores,
and a year's range run would write one per source and date (about 4,000) to show progress nobody
reads afterwards. A plain `logging` record costs nothing when no one listens (the daemon, the UI);
`shopfloor run` executes the job in its own process and listens (cli/progress.py).
"""

from __future__ import annotations

import logging
from datetime import date

DATE_LOADED = logging.getLogger("shopfloor.progress.date_loaded")


def date_loaded(source: str, day: date, done: int, of: int) -> None:
    """Say that `source` has loaded delivery date `day`, the `done`-th of `of` in this step."""
    DATE_LOADED.info(
        "delivery date %s loaded (%d/%d)", day, done, of,
        extra={"source": source, "day": day, "done": done, "of": of},
    )  # fmt: skip
