"""Live progress of `shopfloor run`: what the running Dagster run is doing, as it does it.

Why: a run takes minutes and its lines used to appear only at the end. Dagster hands each event
of a run to the listeners registered for its run id as the event is stored
(`DagsterInstance.add_event_listener`); the CLI names the run id up front
(`execute_in_process(run_id=...)`), so it can follow the run without polling. On a terminal a
rich status line shows the stage, the running step and what it has built so far, and the
lines that stay are printed above it; in a pipe (tests, CI, logs) rich writes no terminal codes
and the same progress is one plain line per finished step.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.status import Status
from rich.text import Text

if TYPE_CHECKING:  # dagster is imported by the commands that run jobs, not by `generate`
    from dagster import EventLogEntry


def new_run_id() -> str:
    """A run id chosen before the run starts (Dagster's run ids are UUID4 strings)."""
    return str(uuid.uuid4())


def _terminal_or_stdout() -> TextIO:
    """stdout, or on a terminal a stream of its own onto that terminal. While a step runs,
    Dagster points file descriptor 1 at the step's compute log; a status line written through
    fd 1 then lands in that log, not on the screen, and the screen shows a stale line for the
    whole run. A duplicate of the descriptor taken now keeps pointing at the terminal."""
    if not sys.stdout.isatty():
        return sys.stdout
    return os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding=sys.stdout.encoding)


class Progress:
    """The CLI's output: lasting lines, plus a live status line on a terminal. A context manager:
    leaving it closes the terminal stream it opened (`close`)."""

    def __init__(self, file: TextIO | None = None) -> None:
        # The stream is fixed now: a later redirect of sys.stdout (dbt's output) never reaches it.
        stream = file or _terminal_or_stdout()
        self._opened = stream if file is None and stream is not sys.stdout else None
        self.console = Console(file=stream, highlight=False, soft_wrap=True)
        # On a terminal the status line is drawn and redrawn in place. Decided once: while a
        # step runs, Dagster tees file descriptor 1 into its compute log, and isatty() says no.
        self.live = self.console.is_terminal
        self._status: Status | None = None
        self._stage = ""
        self._running: str | None = None
        self._built: Counter[str] = Counter()
        self._steps_done = 0
        self._within_step = ""  # what the running step reported last (orchestration/progress.py)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the duplicate of the terminal's descriptor this progress opened; a stream it was
        given, and stdout, stay open."""
        if self._opened is not None:
            self._opened.close()
            self._opened = None

    def line(self, text: str = "") -> None:
        """A line that stays (above the status line while one is shown)."""
        self.console.print(text, markup=False, highlight=False, emoji=False)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Follow one stage (one Dagster run): a spinner named after it on a terminal."""
        self._stage, self._running, self._steps_done = name, None, 0
        self._within_step = ""
        self._built.clear()
        if not self.live:
            yield
            return
        with self.console.status(Text(name)) as status:
            self._status = status
            try:
                yield
            finally:
                self._status = None

    def on_event(self, entry: EventLogEntry) -> None:
        """Dagster's listener: count what the run builds and follow its steps."""
        event = entry.dagster_event
        if event is None:
            return
        from dagster import DagsterEventType  # already imported by the run that calls this

        kind = {
            DagsterEventType.ASSET_MATERIALIZATION: "assets",
            DagsterEventType.ASSET_CHECK_EVALUATION: "checks",
        }.get(event.event_type)
        if kind:
            self._built[kind] += 1
        elif event.is_step_start:
            self._running, self._within_step = entry.step_key, ""
        elif event.is_step_success or event.is_step_failure or event.is_step_skipped:
            word = "done" if event.is_step_success else (
                "FAILED" if event.is_step_failure else "skipped")  # fmt: skip
            if not self.live:
                self.line(f"  {self._stage}: step {entry.step_key} {word}")
            self._running = None
            self._steps_done += 1
        if self._status is not None:
            self._status.update(Text(self._status_text()))

    def on_within_step(self, text: str) -> None:
        """A step's own progress (a bronze loader's delivery date): shown on the status line only,
        a pipe would get a line per source and date."""
        self._within_step = text
        if self._status is not None:
            self._status.update(Text(self._status_text()))

    @contextmanager
    def following_steps(self) -> Iterator[None]:
        """Show what the running steps report through orchestration/progress.py's logger."""
        from orchestration.progress import DATE_LOADED

        progress = self

        class _Within(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                progress.on_within_step(record.getMessage())

        handler = _Within(logging.INFO)
        level = DATE_LOADED.level
        DATE_LOADED.addHandler(handler)
        DATE_LOADED.setLevel(logging.INFO)
        try:
            yield
        finally:
            DATE_LOADED.removeHandler(handler)
            DATE_LOADED.setLevel(level)

    def _status_text(self) -> str:
        so_far = [f"{n:,} {kind}" for kind, n in sorted(self._built.items())]
        if self._steps_done:
            so_far.insert(0, f"{self._steps_done} steps done")
        running = f"running {self._running}" if self._running else "between steps"
        if self._running and self._within_step:
            running += f": {self._within_step}"
        return f"{self._stage}: {running}" + (f" ({', '.join(so_far)})" if so_far else "")
