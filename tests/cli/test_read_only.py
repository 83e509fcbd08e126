"""Commands that only print figures open the warehouse read-only (issue 18): an analyst's
read-only connection, which takes DuckDB's shared lock, never stops them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cli.main import main
from cli.refused import refused_lines
from cli.summary import publications, summary_lines
from ingestion.loader import load_partition
from ingestion.warehouse import connect
from plants.home import Home
from tests.bronze_fixtures import LANDED_DAY, QC_HEADER, QC_ROW, land

HOLD_READ_ONLY = (
    "import duckdb, sys, time\n"
    "con = duckdb.connect(sys.argv[1], read_only=True)\n"
    "print('holding', flush=True)\n"
    "time.sleep(300)\n"
)


@pytest.fixture
def analyst_reading(tmp_path: Path) -> Iterator[Path]:
    """A home with one loaded file, and another process holding it open read-only."""
    land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC_HEADER + b"\n" + QC_ROW + b"\n")
    con = connect(tmp_path)
    try:
        load_partition(con, tmp_path, "qc_checks", LANDED_DAY, load_id="load-1")
    finally:
        con.close()
    analyst = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(Home(tmp_path).warehouse)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert analyst.stdout.readline().strip() == "holding"
        yield tmp_path
    finally:
        analyst.kill()
        analyst.wait()


def test_printing_figures_works_while_an_analyst_reads(analyst_reading: Path, capsys) -> None:
    home = analyst_reading
    assert main(["landing", "history", "--home", str(home)]) == 0
    assert "Retract / restore audit trail:" in capsys.readouterr().out
    from cli.main import _print_accounting

    _print_accounting(home)
    assert "qc_checks" in capsys.readouterr().out
    assert refused_lines(home, datetime(2026, 1, 1, tzinfo=UTC)) == []
    assert summary_lines(home, "run-1") == ["Validation: this run did not reach the truth gate"]
    assert publications(home, "run-1") == (None, None)
