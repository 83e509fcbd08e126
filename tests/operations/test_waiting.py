"""Writers wait for readers and for each other, bounded, naming who they wait for; the wait
answers Ctrl-C; nothing ends in a traceback (orchestration/run_lock.py, ingestion/warehouse.py)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from orchestration.run_lock import BUSY_EXIT, INTERRUPTED_EXIT
from plants.home import Home
from tests.operations.conftest import (
    HANG_GUARD_SECONDS,
    Output,
    copy_without_history,
    finish,
    hold_reader,
    ignores_sigint,
    release,
    run_to_end,
    shopfloor,
    wait_until,
)


def test_a_run_waits_for_an_analysts_reader_and_succeeds_once_it_closes(
    clean_run: Path, tmp_path: Path
) -> None:
    home = copy_without_history(clean_run, tmp_path / "home")
    reader = hold_reader(home)
    try:
        run = shopfloor(home, "run", "--quiet", wait=600)
        output = Output(run)
        wait_until(run, lambda: output.says(f"PID {reader.pid}"), "the run named the reader")
        release(reader)
        code = run.wait(timeout=HANG_GUARD_SECONDS)
    finally:
        reader.kill()
    text = output.text()
    assert code == 0, text[-3000:]
    assert "Traceback" not in text


def test_a_reader_held_past_the_bound_stops_the_run_with_one_clear_message(
    clean_run: Path, tmp_path: Path
) -> None:
    home = copy_without_history(clean_run, tmp_path / "home")
    reader = hold_reader(home)
    try:
        code, out = run_to_end(home, wait=1)
    finally:
        release(reader)
    assert code == BUSY_EXIT, out[-3000:]
    assert f"PID {reader.pid}" in out and "holds it" in out
    assert "Traceback" not in out


def test_a_second_run_waits_for_the_first_or_refuses_naming_it(
    clean_run: Path, tmp_path: Path
) -> None:
    home = copy_without_history(clean_run, tmp_path / "home")
    first = shopfloor(home, "run", "--quiet")
    lock = Home(home).run_lock
    holds = f"pid {first.pid},"
    wait_until(first, lambda: lock.exists() and holds in lock.read_text(), "the first run held")
    os.killpg(first.pid, signal.SIGSTOP)  # the first run keeps the lock while the others try
    try:
        code, out = run_to_end(home, wait=0)
        assert code == BUSY_EXIT and holds in out and "Traceback" not in out, out[-3000:]

        interrupted = shopfloor(home, "run", "--quiet", wait=600)
        said = Output(interrupted)
        wait_until(interrupted, lambda: said.says("Waiting up to 600 s"), "the run waited")
        assert not ignores_sigint(interrupted.pid), "Ctrl-C ignored or blocked"
        interrupted.send_signal(signal.SIGINT)
        code = interrupted.wait(timeout=HANG_GUARD_SECONDS)
        assert code == INTERRUPTED_EXIT and "Traceback" not in said.text(), said.text()

        second = shopfloor(home, "run", "--quiet", wait=600)
        waits = Output(second)
        wait_until(second, lambda: waits.says(holds), "the second run waited for the first")
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    first_code, first_out = finish(first)
    second_code = second.wait(timeout=HANG_GUARD_SECONDS)
    assert first_code == 0, first_out[-3000:]
    assert second_code == 0 and "Traceback" not in waits.text(), waits.text()[-3000:]
