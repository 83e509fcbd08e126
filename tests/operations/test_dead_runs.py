"""A run that dies holding the writer slot is found dead, marked failed and its slot freed; a
live run is left alone (orchestration/run_lock.py: recover_dead_runs)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import DagsterRunStatus

from ingestion.warehouse import LOCK_WAIT_ENV
from orchestration.instance import WRITER_POOL, instance_for
from orchestration.run_lock import recover_dead_runs
from tests.operations.conftest import HANG_GUARD_SECONDS, kill_group, wait_until

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from dagster import in_process_executor, job, op
    from orchestration.instance import WRITER_POOL, instance_for

    @op(pool=WRITER_POOL)
    def hold_the_writer_slot():
        print("holding", flush=True)
        time.sleep(600)

    @job(executor_def=in_process_executor)
    def writer():
        hold_the_writer_slot()

    writer.execute_in_process(instance=instance_for(Path(sys.argv[1])))
    """
)


def _slot_runs(instance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info(WRITER_POOL)
    return {slot.run_id for slot in info.claimed_slots}


@contextmanager
def _slot_holder(home: Path) -> Iterator[tuple[subprocess.Popen, object, str]]:
    """A process running a job that holds the writer slot: (process, instance, its run id)."""
    # The instance (its SQLite storage) exists before the holder starts: two processes creating
    # it at once race on Dagster's schema migration table.
    instance = instance_for(home)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until(proc, lambda: bool(_slot_runs(instance)), "the job held the writer slot")
        (run_id,) = _slot_runs(instance)
        yield proc, instance, run_id
    finally:
        if proc.poll() is None:
            kill_group(proc)
        instance.dispose()


def test_a_killed_slot_holder_is_marked_failed_and_frees_the_slot(tmp_path: Path) -> None:
    with _slot_holder(tmp_path) as (proc, instance, run_id):
        assert recover_dead_runs(instance, tmp_path, echo=lambda _: None) == []  # alive: kept
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED

        kill_group(proc)
        told: list[str] = []
        assert recover_dead_runs(instance, tmp_path, echo=told.append) == [run_id]
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
        assert _slot_runs(instance) == set()
        assert run_id in told[0] and "marked failed" in told[0]


WAREHOUSE_USER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from dagster import in_process_executor, job, op
    from orchestration.instance import WRITER_POOL, instance_for
    from orchestration.resources import WarehouseResource

    @op(pool=WRITER_POOL)
    def write(warehouse: WarehouseResource):
        warehouse.connect().close()

    warehouse = WarehouseResource(home=sys.argv[1])

    @job(executor_def=in_process_executor, resource_defs={"warehouse": warehouse})
    def writer():
        write()

    result = writer.execute_in_process(
        instance=instance_for(Path(sys.argv[1])), raise_on_error=False
    )
    for event in result.all_events:
        error = event.event_specific_data.error if event.is_failure else None
        while error is not None:  # Dagster's error, then its cause
            print(error.message, flush=True)
            error = error.cause
    sys.exit(0 if result.success else 1)
    """
)


def test_a_run_started_after_a_crash_recovers_the_dead_run_itself(tmp_path: Path) -> None:
    """What a run the sensor or the schedule launches does: its warehouse resource recovers
    the dead run before the step asks for the writer slot, which it then gets."""
    with _slot_holder(tmp_path) as (proc, instance, dead):
        kill_group(proc)

        after = subprocess.run(
            [sys.executable, "-c", WAREHOUSE_USER, str(tmp_path)], timeout=HANG_GUARD_SECONDS
        )

        assert after.returncode == 0
        assert instance.get_run_by_id(dead).status == DagsterRunStatus.FAILURE


LOCK_HOLDER = """
import sys
from pathlib import Path
from orchestration.run_lock import run_lock

with run_lock(Path(sys.argv[1]), "shopfloor run"):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def test_a_run_launched_while_shopfloor_run_writes_waits_for_it_or_fails_naming_it(
    tmp_path: Path,
) -> None:
    """What a run the UI, the sensor or the schedule launches does while `shopfloor run` holds
    the home: it waits for the run lock, and past the bound fails naming the holder."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        env = {**os.environ, LOCK_WAIT_ENV: "0.5"}
        after = subprocess.run(
            [sys.executable, "-c", WAREHOUSE_USER, str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=HANG_GUARD_SECONDS,
        )
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=HANG_GUARD_SECONDS)
    assert after.returncode == 1
    assert f"another run is writing {tmp_path} (pid {holder.pid}," in after.stdout, after.stdout
