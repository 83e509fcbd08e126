"""ingestion.warehouse.connect: a writer waits (bounded) for a reader to close; past the bound,
and for a reader while a writer holds the file, one error naming the holder's PID."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingestion.warehouse import WarehouseLocked, connect, ensure_schema
from plants.home import Home
from tests.operations.conftest import HANG_GUARD_SECONDS, hold_reader, release


@pytest.fixture
def warehouse_home(tmp_path: Path) -> Path:
    con = connect(tmp_path)
    ensure_schema(con)
    con.close()
    return tmp_path


def test_a_writer_waits_for_a_reader_to_close(
    warehouse_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reader = hold_reader(warehouse_home)
    opened: list = []
    writer = threading.Thread(target=lambda: opened.append(connect(warehouse_home, wait=600)))
    writer.start()
    said = ""
    while f"for PID {reader.pid}" not in said:  # the writer is waiting, and says for whom
        assert writer.is_alive(), "the writer did not wait for the reader"
        time.sleep(0.05)
        said += capsys.readouterr().err
    release(reader)
    writer.join(timeout=HANG_GUARD_SECONDS)
    (con,) = opened
    con.execute("create table written_after_the_reader_closed (x int)")
    con.close()


def test_past_the_bound_the_writer_is_told_who_holds_the_file(warehouse_home: Path) -> None:
    reader = hold_reader(warehouse_home)
    try:
        with pytest.raises(WarehouseLocked, match=f"PID {reader.pid}.*holds it"):
            connect(warehouse_home, wait=0.5)
    finally:
        release(reader)


def test_a_reader_during_a_write_fails_at_once_naming_the_writer(warehouse_home: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
         "print('writing', flush=True); sys.stdin.readline()", str(Home(warehouse_home).warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        with pytest.raises(WarehouseLocked, match=f"PID {writer.pid}"):
            connect(warehouse_home, read_only=True)
    finally:
        release(writer)
