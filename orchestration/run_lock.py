"""The home's run lock and dead-run recovery: one run writes a home at a time, and a run killed
at any point (SIGKILL, a power cut) never blocks the next one.

Why a lock of our own: a killed Dagster run stays STARTED in the instance for ever and keeps its
slot of the writer pool (orchestration/instance.py): Dagster frees a run's slots when its steps
end, and its run monitoring cannot see that a run started by `execute_in_process` or by the
default run launcher has died. A run that then waits for the slot waits inside Dagster's
in-process executor, which (Dagster 1.13) neither sleeps nor listens while it waits:
`InstanceConcurrencyContext.interval_to_next_pending_claim_check` returns `min(0, …)`, never
more than 0, so `sleep_til_ready` never sleeps (the ~99 % CPU), and `capture_interrupts` turns
SIGINT and SIGTERM into a flag that only the multiprocess executors read (so Ctrl-C and kill
are ignored). So no run is let into that wait: every wait happens here, before Dagster starts,
bounded by `ingestion.warehouse.wait_seconds()` and interruptible (a plain `time.sleep`).

The lock is `fcntl.flock` on `<home>/run.lock` (plants/home.py): the kernel releases it when
its holder dies, however it dies, so it is crash-safe by construction; the file names the holder
(pid, start time, command) for the message of whoever waits. Under it, a run the instance still
calls STARTING, STARTED or CANCELING is dead when no process it recorded still runs (Dagster
records the pid of every process that executes a run's steps, in an event with its time; a pid
whose process started after that time was reused by another process, told apart by the start
time Linux keeps in /proc/<pid>/stat, as psutil does and without depending on it) or, without a
recorded pid, when it began before this lock was taken; it is marked failed
(`DagsterInstance.report_run_failed`) and its writer slots are freed
(`free_concurrency_slots_for_run`), as are the slots of any finished run. Runs the daemon
launches (the UI, the sensor, the schedule) take the same lock and recover the same way when
their warehouse resource starts (orchestration/resources.py), before their first step asks for
the slot, so they never interleave with `shopfloor run` either.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ingestion.warehouse import connect, db_path, wait_seconds
from orchestration.instance import WRITER_POOL
from plants.home import Home

POLL_SECONDS = 0.5
# /proc gives a process's start in clock ticks since boot, and the boot time in whole seconds
# (shifted by clock adjustments since boot): a start is known to about a second, so a process
# that started up to this much after its pid was recorded is still taken for the recorded one.
START_SLACK_SECONDS = 2.0
# a run without a recorded pid that started this long before the check is not starting up
PID_GRACE_SECONDS = 60.0
_held: dict[Path, float] = {}  # lock files this process holds -> when it took them (epoch s)


class HomeBusy(Exception):
    """The wait for another run (or a reader of the warehouse) reached its bound."""


def holder_of(home: Path) -> str:
    """Who holds the run lock, as its holder wrote it (pid, start time, command)."""
    try:
        text = Home(home).run_lock.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "a process that has not named itself yet"


@contextmanager
def run_lock(home: Path, command: str, echo: Callable[[str], None] = print) -> Iterator[None]:
    """Hold the home's run lock: wait for its holder up to `wait_seconds()`, then HomeBusy."""
    path = Home(home).run_lock
    if path in _held:  # this process holds it already (flock would wait for itself)
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        bound = wait_seconds()
        deadline = time.monotonic() + bound
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = holder_of(home)
                if time.monotonic() >= deadline:
                    raise HomeBusy(
                        f"another run is writing {home} ({holder}); waited {bound:.0f} s. "
                        "Run again when it has finished, or set $SHOPFLOOR_LOCK_WAIT_SECONDS "
                        "to wait longer"
                    ) from None
                if not told:
                    echo(f"Waiting up to {bound:.0f} s for the run holding {path}: {holder}")
                    told = True
                time.sleep(POLL_SECONDS)
        taken = time.time()
        os.ftruncate(fd, 0)
        started = datetime.fromtimestamp(taken, UTC).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()}, started {started}, {command}\n".encode(), 0)
        _held[path] = taken
        try:
            yield
        finally:
            del _held[path]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None when /proc
    cannot say (no such process, or not Linux)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def _alive(pid: int, stat: list[str] | None) -> bool:
    """A process with this pid exists and is not a zombie (Linux: /proc states it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return stat is None or stat[0] != "Z"


def process_start(pid: int, stat: list[str] | None = None) -> float | None:
    """When the process with this pid started (epoch s, see START_SLACK_SECONDS); None when
    /proc cannot say (no such process, or not Linux)."""
    stat = stat if stat is not None else _proc_stat(pid)
    try:
        boot = Path("/proc/stat").read_text()
    except OSError:
        return None
    if stat is None:
        return None
    # field 22 of stat, starttime in clock ticks; fields 3.. follow the command name's ")"
    ticks = int(stat[19])
    btime = next(line for line in boot.splitlines() if line.startswith("btime "))
    return int(btime.split()[1]) + ticks / os.sysconf("SC_CLK_TCK")


def _is_recorded_process(pid: int, recorded_at: float) -> bool:
    """The process now holding `pid` is the one a run recorded at `recorded_at`: alive, and
    started no later than that (a later one reused the pid)."""
    stat = _proc_stat(pid)
    if not _alive(pid, stat):
        return False
    started = process_start(pid, stat)
    return started is None or started <= recorded_at + START_SLACK_SECONDS


def _recorded_pids(instance, run_id: str) -> dict[int, float]:
    """The pids of the processes that started or executed the run (Dagster's engine events),
    each with when it was first recorded (epoch s): the process was running then."""
    from dagster import DagsterEventType

    pids: dict[int, float] = {}
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.ENGINE_EVENT).records
    for record in records:
        entry = record.event_log_entry
        event = entry.dagster_event
        data = event.engine_event_data if event is not None else None
        pid = data.metadata.get("pid") if data is not None else None
        if pid is not None and str(pid.value).isdigit():
            pids[int(pid.value)] = min(pids.get(int(pid.value), entry.timestamp), entry.timestamp)
    return pids


def _why_dead(instance, record, lock_taken: float | None) -> str | None:
    """Why an unfinished run is dead, or None while it may be alive."""
    pids = _recorded_pids(instance, record.dagster_run.run_id)
    if pids:
        if any(_is_recorded_process(pid, at) for pid, at in pids.items()):
            return None
        reused = sorted(pid for pid in pids if _alive(pid, _proc_stat(pid)))
        return f"its process{'es' if len(pids) > 1 else ''} {sorted(pids)} no longer run" + (
            f" (pid {', '.join(map(str, reused))} now belongs to a process started later)"
            if reused
            else ""
        )
    began = (record.start_time or record.create_timestamp.timestamp()) or 0.0
    if lock_taken is not None and began < lock_taken:
        return "it recorded no process and began before this run took the home's run lock"
    if began < time.time() - PID_GRACE_SECONDS:
        return f"it recorded no process in the {PID_GRACE_SECONDS:.0f} s since it began"
    return None


def recover_dead_runs(instance, home: Path, echo: Callable[[str], None] = print) -> list[str]:
    """Mark the home's dead runs failed and free the writer slots of dead and finished runs;
    the ids of the runs marked failed."""
    from dagster import DagsterRunStatus, RunsFilter

    lock_taken = _held.get(Home(home).run_lock)
    unfinished = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]
    marked = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=unfinished)):
        run = record.dagster_run
        why = _why_dead(instance, record, lock_taken)
        if why is None:
            continue
        instance.report_run_failed(
            run, message=f"Marked failed by Shopfloor: the run died ({why}); slots freed."
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        echo(f"Recovered run {run.run_id} ({run.job_name}): it died ({why}); marked failed and "
             "its writer slot freed")  # fmt: skip
        marked.append(run.run_id)
    storage = instance.event_log_storage
    holding = storage.get_concurrency_run_ids()
    if holding:
        ended = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED]
        finished = RunsFilter(run_ids=list(holding), statuses=ended)
        for record in instance.get_run_records(filters=finished):
            storage.free_concurrency_slots_for_run(record.dagster_run.run_id)
    return marked


def _slot_holders(instance) -> list[str]:
    """The runs holding a slot of the writer pool."""
    info = instance.event_log_storage.get_concurrency_info(WRITER_POOL)
    return sorted({slot.run_id for slot in info.claimed_slots})


def wait_for_writer_slot(instance, echo: Callable[[str], None] = print) -> None:
    """Wait (bounded, interruptible) until no live run holds the writer pool, so that no step
    of ours ever waits for it inside Dagster (see the module docstring)."""
    bound = wait_seconds()
    deadline = time.monotonic() + bound
    told = False
    while holders := _slot_holders(instance):
        names = ", ".join(holders)
        if time.monotonic() >= deadline:
            raise HomeBusy(
                f"run(s) {names} hold the warehouse's writer slot (launched from the Dagster UI, "
                f"the sensor or the schedule?); waited {bound:.0f} s. Run again when they have "
                "finished (shopfloor ui shows them)"
            )
        if not told:
            echo(f"Waiting up to {bound:.0f} s for run(s) {names} to free the writer slot")
            told = True
        time.sleep(POLL_SECONDS)


def wait_for_readers(home: Path) -> None:
    """Wait (bounded) until no other process holds the warehouse, so a reader left open by an
    analyst stops the run before it starts, with one clear message (HomeBusy)."""
    from ingestion.warehouse import WarehouseLocked

    if not db_path(home).exists():
        return
    try:
        connect(home).close()
    except WarehouseLocked as exc:
        raise HomeBusy(str(exc)) from None


@contextmanager
def writer_turn(home: Path, command: str, echo: Callable[[str], None] = print) -> Iterator[None]:
    """This process's turn to write the home: the run lock, dead runs recovered, the writer
    slot and the warehouse free. Raises HomeBusy when a wait reaches its bound."""
    from orchestration.instance import instance_for

    if not Path(home).is_dir():  # no home yet: nothing to guard, and a mistyped path is not made
        yield
        return
    with run_lock(home, command, echo):
        instance = instance_for(home)
        try:
            recover_dead_runs(instance, home, echo)
            wait_for_writer_slot(instance, echo)
        finally:
            instance.dispose()
        wait_for_readers(home)
        yield


BUSY_EXIT = 3  # exit code of a command that waited for another process to its bound
INTERRUPTED_EXIT = 130  # the shell's code for a command ended by Ctrl-C


def holding_writer_turn(home_of: Callable[[object], Path], command: str):
    """Decorator for a CLI command: run it in `writer_turn`; a bound reached, or Ctrl-C, is one
    line on stderr and an exit code, never a traceback."""

    def wrap(func):
        def run(args):
            try:
                with writer_turn(home_of(args), command):
                    return func(args)
            except HomeBusy as exc:
                print(f"{command}: error: {exc}", file=sys.stderr)
                return BUSY_EXIT
            except KeyboardInterrupt:
                print(f"{command}: interrupted", file=sys.stderr)
                return INTERRUPTED_EXIT

        run.__doc__ = func.__doc__
        run.__name__ = func.__name__
        return run

    return wrap
