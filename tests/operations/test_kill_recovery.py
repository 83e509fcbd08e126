"""A `shopfloor run` killed (SIGKILL, with its dbt child) in each stage leaves nothing that blocks
or corrupts the next run: the next run recovers the dead run, succeeds, builds the same gold as
a run never killed, and the serving copy is a complete publication.

One home takes the kills one after another, in pipeline order: a run killed in bronze, the next
run (which must recover it) killed in dbt, the next in the truth gate, the next in publish, and
a last run to the end. Each recovering run is seen to recover the dead run and to get through
the stage its predecessor died in (it is killed in a later one, which it only reaches when the
earlier stages succeeded: bronze before dbt, dbt before the gate, a passing gate before
publish); the last run's gold, serving copy, instance and lock are compared with a clean run's.
Why a chain and not a fresh home per stage: each stage is still killed in a run that starts
from the previous kill's leftovers, and whatever a kill leaves behind persists to the end, where
it is compared; four full recovery runs less (about 4 minutes of the suite).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from orchestration.instance import WRITER_POOL
from plants.home import Home
from tests.operations.conftest import (
    Output,
    copy_without_history,
    gold_fingerprint,
    run_to_end,
    serving_complete,
    shopfloor,
    wait_until,
)


def _started_steps(home: Path) -> set[str]:
    """Steps started by the home's unfinished runs, read from Dagster's event log. Call only
    once a run has initialised the instance's storage: two processes creating it at once can
    both stamp its schema version (alembic), which leaves it unreadable."""
    instance = DagsterInstance.from_config(str(Home(home).dagster))
    try:
        steps = set()
        live = RunsFilter(statuses=[DagsterRunStatus.STARTED])
        for record in instance.get_run_records(filters=live):
            events = instance.get_records_for_run(
                record.dagster_run.run_id, of_type=DagsterEventType.STEP_START
            ).records
            steps |= {e.event_log_entry.step_key for e in events}
        return steps
    finally:
        instance.dispose()


def _descendants(pid: int) -> list[str]:
    """Command lines of the process's descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        with contextlib.suppress(OSError):
            found.append(Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        todo += children.get(child, [])
    return found


def _in_bronze(home: Path, pid: int) -> bool:
    """The first bronze step has created the warehouse (the home had none)."""
    return Home(home).warehouse.exists()


def _in_dbt(home: Path, pid: int) -> bool:
    """dbt's own process is running under the run."""
    return any("dbt" in cmd and " build" in cmd for cmd in _descendants(pid))


def _in_gate(home: Path, pid: int) -> bool:
    """The truth gate's step has started (read from the event log, which the runs before this
    one in the chain have long initialised)."""
    return "truth_gate" in _started_steps(home)


def _in_publish(home: Path, pid: int) -> bool:
    """Publish is writing its new serving copy (orchestration/defs/serving/publish.py)."""
    serving = Home(home).serving
    return any(serving.parent.glob(f".{serving.name}.*.tmp"))


STAGES: dict[str, Callable[[Path, int], bool]] = {
    "bronze": _in_bronze,
    "dbt": _in_dbt,
    "gate": _in_gate,
    "publish": _in_publish,
}


def _killed_in(home: Path, stage: str) -> str:
    """Start `shopfloor run`, kill it (with dbt) once it is in `stage`: its output until then."""
    proc = shopfloor(home, "run", "--quiet")
    output = Output(proc)
    wait_until(proc, lambda: STAGES[stage](home, proc.pid), f"the run reached {stage}")
    os.killpg(proc.pid, signal.SIGKILL)  # as kill_group, but the pipe is read to its end first
    proc.wait()
    said = output.text()  # the reader ends at end of file: every process of the group is dead
    assert proc.stdout is not None
    proc.stdout.close()
    return said


def test_a_run_killed_in_each_stage_is_recovered_by_the_next(
    one_clean_day: Path, clean_run: Path, tmp_path: Path
) -> None:
    home = copy_without_history(one_clean_day, tmp_path / "home")
    assert not Home(home).warehouse.exists()
    _killed_in(home, "bronze")
    for stage in ("dbt", "gate", "publish"):  # each run recovers the last and dies further on
        out = _killed_in(home, stage)
        assert "Recovered run" in out, (stage, out[-3000:])
        assert "Traceback" not in out, (stage, out[-3000:])

    code, out = run_to_end(home)

    assert code == 0, out[-3000:]
    assert "Traceback" not in out
    assert "Recovered run" in out  # the killed run was found dead, marked failed, slot freed
    instance = DagsterInstance.from_config(str(Home(home).dagster))
    try:
        unfinished = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]
        assert not instance.get_run_records(filters=RunsFilter(statuses=unfinished))
        assert not instance.event_log_storage.get_concurrency_info(WRITER_POOL).claimed_slots
    finally:
        instance.dispose()
    assert gold_fingerprint(Home(home).warehouse) == gold_fingerprint(Home(clean_run).warehouse)
    serving_complete(home)
    assert not list(Home(home).warehouse_dir.glob(".*.tmp*"))  # no half-written copy left
    assert os.path.getsize(Home(home).run_lock) == 0  # the lock names no holder once released
