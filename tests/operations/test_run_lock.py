"""The home's run lock (orchestration/run_lock.py), in one process; between processes it is
tested by tests/operations/test_waiting.py."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.run_lock import holder_of, run_lock
from plants.home import Home


def test_the_run_lock_is_held_once_per_process_and_names_its_holder(tmp_path: Path) -> None:
    """Taken again in the process that holds it, it does not wait for itself; while held, its
    file names the holder (what a waiting run prints); once released, nobody."""
    with run_lock(tmp_path, "outer"), run_lock(tmp_path, "inner"):
        assert holder_of(tmp_path).startswith(f"pid {os.getpid()},")
        assert holder_of(tmp_path).endswith("outer")
    assert Home(tmp_path).run_lock.read_text() == ""
