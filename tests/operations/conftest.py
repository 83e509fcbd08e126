"""Homes and helpers for the operations tests: `shopfloor run` as a subprocess, killed, raced
and blocked, on a one-day home without chaos (chaos is not the point here; time is).

Why subprocesses: a kill, a second run and a reader are other processes in real life, and the
locks involved (flock, DuckDB's file lock) are per process, so a test in one process would
prove nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from ingestion.warehouse import LOCK_WAIT_ENV
from plants.home import HOME_ENV, Home

SHOPFLOOR = Path(sys.executable).with_name("shopfloor")
HANG_GUARD_SECONDS = 900  # only against a hang: no assertion is about time
POLL_SECONDS = 0.05


def shopfloor(home: Path, *args: str, wait: float | None = None, **popen) -> subprocess.Popen:
    """`shopfloor --home HOME ARGS` started as its own process group (so a kill reaches dbt),
    with Ctrl-C (SIGINT) not ignored, as from a terminal (_sigint_not_ignored)."""
    env = {k: v for k, v in os.environ.items() if k not in (HOME_ENV, LOCK_WAIT_ENV)}
    env["PATH"] = f"{SHOPFLOOR.parent}{os.pathsep}{env.get('PATH', '')}"
    if wait is not None:
        env[LOCK_WAIT_ENV] = str(wait)
    with _sigint_not_ignored():
        return subprocess.Popen(
            [str(SHOPFLOOR), "--home", str(home), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            **popen,
        )


@contextmanager
def _sigint_not_ignored() -> Iterator[None]:
    """A child inherits an ignored SIGINT (then Python never raises KeyboardInterrupt in it, as
    under nohup) and a blocked one (the signal mask survives exec). A worker of the suite may have
    either from earlier in-process work, and a test that presses Ctrl-C must start its run as a
    terminal would; the parent's disposition and mask are restored after the start."""
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if blocked:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
    try:
        yield
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def ignores_sigint(pid: int) -> bool:
    """Whether process `pid`'s main thread ignores or blocks SIGINT (/proc/<pid>/status)."""
    bit = 1 << (signal.SIGINT - 1)
    masks = {}
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        name, _, value = line.partition(":")
        if name in ("SigIgn", "SigBlk"):
            masks[name] = int(value.strip(), 16)
    return any(mask & bit for mask in masks.values())


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    """Exit code and output of a started `shopfloor`."""
    out, _ = proc.communicate(timeout=HANG_GUARD_SECONDS)
    return proc.returncode, out


def run_to_end(home: Path, wait: float | None = None) -> tuple[int, str]:
    return finish(shopfloor(home, "run", "--quiet", wait=wait))


def wait_until(proc: subprocess.Popen, seen: Callable[[], bool], what: str) -> None:
    """Poll `seen` until it holds; fails when the process ends first (it never got there)."""
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while not seen():
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"shopfloor ended (exit {proc.returncode}) before {what}:\n{out[-3000:]}")
        assert time.monotonic() < deadline, f"hung waiting for {what}"
        time.sleep(POLL_SECONDS)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the run and its children (dbt), as a power cut would."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if proc.stdout:
        proc.stdout.close()


def gold_fingerprint(database: Path) -> dict[str, tuple[int, int]]:
    """Per gold table: row count and an order-free sum of row hashes."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'gold' "
            "and table_type = 'BASE TABLE' order by 1"
        ).fetchall()]  # fmt: skip
        return {
            t: con.execute(
                f'select count(*), coalesce(sum(hash(r)), 0) from gold."{t}" r'
            ).fetchone()
            for t in tables
        }
    finally:
        con.close()


@pytest.fixture(scope="session")
def clean_run(one_day_run: tuple[Path, subprocess.CompletedProcess]) -> Path:
    """The home of `shopfloor run` on a copy of `one_clean_day`, never killed: the result to
    equal (tests/conftest.py `one_day_run`, shared with the CLI tests)."""
    home, run = one_day_run
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return home


def copy_without_history(src: Path, dst: Path) -> Path:
    """A copy of a home without its Dagster instance (whose settings name the original home)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("dagster"))
    return dst


def serving_complete(home: Path) -> None:
    """The serving copy opens and holds every gold table of the warehouse."""
    warehouse = set(gold_fingerprint(Home(home).warehouse))
    con = duckdb.connect(str(Home(home).serving), read_only=True)
    try:
        served = {t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'gold'"
        ).fetchall()}  # fmt: skip
        assert con.execute("select count(*) from meta.publication").fetchone()[0] >= 1
    finally:
        con.close()
    assert warehouse and warehouse <= served, warehouse - served


class Output:
    """The lines a started process has printed so far (read by a thread, so a test can wait for
    a line while the process runs)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append(line)

    def says(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def text(self) -> str:
        self._thread.join(timeout=HANG_GUARD_SECONDS)
        return "".join(self.lines)


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("select count(*) from bronze._files").fetchall()
print("reading", flush=True)
sys.stdin.readline()
con.close()
"""


def hold_reader(home: Path) -> subprocess.Popen:
    """An analyst's read-only connection on the warehouse, held until a line comes on stdin."""
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(Home(home).warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "reading"
    return proc


def release(reader: subprocess.Popen) -> None:
    assert reader.stdin is not None
    reader.stdin.write("\n")
    reader.stdin.flush()
    reader.wait(timeout=HANG_GUARD_SECONDS)
