"""The run's progress: plain lines per finished step in a pipe, a status line on a terminal
(cli/progress.py), with events shaped as Dagster hands them to a run's listeners."""

from __future__ import annotations

import io
import os
import sys
from types import SimpleNamespace

from dagster import DagsterEventType

from cli.progress import Progress


def _event(step: str, event_type: DagsterEventType) -> SimpleNamespace:
    """An event log entry as the listener reads it: its step and its Dagster event."""
    dagster_event = SimpleNamespace(
        event_type=event_type,
        is_step_start=event_type == DagsterEventType.STEP_START,
        is_step_success=event_type == DagsterEventType.STEP_SUCCESS,
        is_step_failure=event_type == DagsterEventType.STEP_FAILURE,
        is_step_skipped=event_type == DagsterEventType.STEP_SKIPPED,
    )
    return SimpleNamespace(step_key=step, dagster_event=dagster_event)


def _step(progress: Progress, step: str, end: DagsterEventType) -> None:
    progress.on_event(_event(step, DagsterEventType.STEP_START))
    progress.on_event(_event(step, DagsterEventType.ASSET_MATERIALIZATION))
    progress.on_event(_event(step, end))


class Terminal(io.StringIO):
    """A terminal; `tty` turns False as stdout's isatty() does while Dagster tees fd 1 into its
    compute log during a step."""

    tty = True

    def isatty(self) -> bool:
        return self.tty


def test_a_pipe_gets_one_plain_line_per_finished_step() -> None:
    out = io.StringIO()
    progress = Progress(out)
    with progress.stage("bronze"):
        _step(progress, "bronze__qc_checks", DagsterEventType.STEP_SUCCESS)
        _step(progress, "bronze__sensor_logs", DagsterEventType.STEP_FAILURE)
    assert out.getvalue().splitlines() == [
        "  bronze: step bronze__qc_checks done",
        "  bronze: step bronze__sensor_logs FAILED",
    ]


def test_a_terminal_keeps_the_status_line_while_a_step_runs() -> None:
    out = Terminal()
    progress = Progress(out)
    assert progress.live
    with progress.stage("bronze"):
        out.tty = False  # a step runs
        _step(progress, "bronze__qc_checks", DagsterEventType.STEP_SUCCESS)
        out.tty = True
    assert "step bronze__qc_checks done" not in out.getvalue()
    assert "bronze" in out.getvalue()  # the status line was drawn


def test_a_terminal_shows_the_delivery_date_a_loader_has_just_finished() -> None:
    """Live progress per date: the status line names the running loader's last loaded date
    (orchestration/progress.py), and a pipe gets no line per source and date."""
    from datetime import date

    from orchestration.progress import date_loaded

    terminal, pipe = Progress(Terminal()), Progress(io.StringIO())
    for progress in (terminal, pipe):
        with progress.stage("bronze"), progress.following_steps():
            progress.on_event(_event("bronze__qc_checks", DagsterEventType.STEP_START))
            date_loaded("bronze__qc_checks", date(2026, 10, 21), 3, 14)
            shown = progress._status_text()
        assert "running bronze__qc_checks: delivery date 2026-10-21 loaded (3/14)" in shown
    date_loaded("bronze__qc_checks", date(2026, 10, 22), 4, 14)  # nobody follows any more
    assert "2026-10-22" not in terminal._status_text()
    assert pipe.console.file.getvalue() == ""


class _TerminalStdout(io.TextIOWrapper):
    """stdout on a terminal: a real descriptor (a temporary file's) that says it is a tty."""

    def isatty(self) -> bool:
        return True


def _open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_a_progress_on_a_terminal_closes_the_descriptor_it_duplicated(
    tmp_path, monkeypatch
) -> None:
    """On a terminal each Progress writes through a duplicate of stdout's descriptor (Dagster
    repoints fd 1 during a step); leaving it closes that duplicate, and stdout stays open."""
    with (tmp_path / "terminal").open("wb") as raw:
        stdout = _TerminalStdout(raw, encoding="utf-8", write_through=True)
        monkeypatch.setattr(sys, "stdout", stdout)
        before = _open_descriptors()
        for _ in range(3):
            with Progress() as progress:
                progress.line("a line that stays")
                assert len(_open_descriptors() - before) == 1  # the duplicate, while it runs
        assert _open_descriptors() == before
        assert not stdout.closed
        monkeypatch.undo()
    assert (tmp_path / "terminal").read_text(encoding="utf-8").count("a line that stays") == 3


def test_a_progress_leaves_a_stream_it_was_given_open() -> None:
    out = io.StringIO()
    with Progress(out) as progress:
        progress.line("kept")
    assert not out.closed and out.getvalue() == "kept\n"
