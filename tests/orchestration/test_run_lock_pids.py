"""A dead run whose recorded pid was reused by a later process is still dead (orchestration/
run_lock.py): a pid is the run's process only if that process started before the run recorded it."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from orchestration.run_lock import START_SLACK_SECONDS, _why_dead, process_start


def _instance(pid: int, recorded_at: float) -> SimpleNamespace:
    """An instance whose one unfinished run recorded `pid` at `recorded_at`, in an engine event
    shaped as Dagster stores it (metadata "pid", the entry's timestamp)."""
    metadata = {"pid": SimpleNamespace(value=str(pid))}
    event = SimpleNamespace(engine_event_data=SimpleNamespace(metadata=metadata))
    entry = SimpleNamespace(timestamp=recorded_at, dagster_event=event)
    records = SimpleNamespace(records=[SimpleNamespace(event_log_entry=entry)])
    return SimpleNamespace(get_records_for_run=lambda run_id, of_type: records)


def _record(began: float) -> SimpleNamespace:
    return SimpleNamespace(dagster_run=SimpleNamespace(run_id="r1"), start_time=began)


@contextmanager
def _live_process() -> Iterator[int]:
    """A process started now, as one that reused a dead run's pid would be."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


def test_a_live_pid_started_after_the_run_recorded_it_is_not_the_runs_process() -> None:
    recorded_at = time.time() - 3600  # the run recorded its process an hour ago, then died
    with _live_process() as pid:
        assert process_start(pid) > recorded_at + START_SLACK_SECONDS
        why = _why_dead(_instance(pid, recorded_at), _record(recorded_at), lock_taken=None)
    assert why is not None
    assert f"pid {pid} now belongs to a process started later" in why


def test_a_live_pid_started_before_the_run_recorded_it_is_the_runs_process() -> None:
    with _live_process() as pid:
        recorded_at = time.time()  # recorded by the process itself, once running
        assert _why_dead(_instance(pid, recorded_at), _record(recorded_at), None) is None
    assert _why_dead(_instance(os.getpid(), time.time()), _record(time.time()), None) is None
