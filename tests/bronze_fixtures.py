"""Landing and bronze for the tests: files landed by hand, bronze loaded without Dagster, and the
bronze fixtures the bronze and orchestration tests share (a plugin of tests/conftest.py).

Why: landing data is generated once per test session and copied into each test's own home,
because loading quarantines (moves) files and must never touch another test's data.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from ingestion.accounting import accounting_breaks, stuck_files
from ingestion.contracts import SOURCES
from ingestion.landing import STRAY, delivery_dates
from ingestion.loader import PartitionReport, load_partition, sweep_strays
from ingestion.warehouse import connect
from tests.homes import query, read_truths

BRONZE_START = date(2026, 10, 23)  # the first day of `default_home` (tests/conftest.py)
LANDED_DAY = date(2026, 10, 20)  # the delivery date of files landed by hand
QC_HEADER = (
    b"check_id,batch_id,machine_id,product,checked_at,inspector_id,sample_size,defects_found,"
    b"reason_category,disposition"
)
QC_ROW = b"QC1,B1,SMELTER-01,IRON_PLATE,2026-10-20T06:01:44Z,QC-02,172,2,MATERIAL,SCRAP"
QC_ROW2 = b"QC2,B1,SMELTER-01,IRON_PLATE,2026-10-20T06:02:44Z,QC-02,172,0,,PASS"


def copy_home(src: Path, dst: Path) -> Path:
    """A fresh home with the landing (and truth) of `src`, no warehouse."""
    for part in ("landing", "ground_truth"):
        if (src / part).exists():
            shutil.copytree(src / part, dst / part)
    return dst


def land(home: Path, source: str, name: str, data: bytes, day: date = LANDED_DAY) -> str:
    """Write one delivered file by hand; its path relative to the home."""
    path = home / "landing" / day.isoformat() / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path.relative_to(home).as_posix()


def load_all(home: Path, days: list[date] | None = None) -> list[PartitionReport]:
    """Load every source of every (or the given) delivery date, without Dagster."""
    reports = []
    con = connect(home)
    try:
        for day in days or delivery_dates(home):
            reports += [load_partition(con, home, s, day) for s in SOURCES]
            reports.append(sweep_strays(con, home, day))
    finally:
        con.close()
    return reports


def manifest(home: Path, rel: str) -> dict:
    """The one manifest entry of a landed file."""
    cols = ("outcome", "rows_read", "rows_loaded", "rows_rejected", "error", "added_columns",
            "quarantine_path")  # fmt: skip
    rows = query(home, f"SELECT {', '.join(cols)} FROM bronze._files WHERE path = ?", [rel])
    assert len(rows) == 1, rows
    return dict(zip(cols, rows[0], strict=True))


def assert_accounted(home: Path) -> None:
    """Row accounting holds for every source and no landed file is without an entry."""
    con = connect(home, read_only=True)
    try:
        for source in (*SOURCES, STRAY):
            if source != STRAY:
                assert accounting_breaks(con, source) == []
            assert stuck_files(con, home, source) == []
    finally:
        con.close()


def malformed_locations(home: Path) -> set[tuple[str, int]]:
    """(file, line) of every malformed line the generator injected, from ground truth."""
    return {
        (item["file"], item["line"])
        for truth in read_truths(home).values()
        for item in truth["chaos"]
        if item["name"] == "malformed_lines"
    }


@pytest.fixture(scope="session")
def bronze_loaded(default_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of `default_home` loaded into bronze once (read-only for tests)."""
    home = copy_home(default_home, tmp_path_factory.mktemp("bronze_loaded"))
    load_all(home)
    return home


@pytest.fixture
def fresh_home(default_home: Path, tmp_path: Path) -> Path:
    """A private copy of the generated landing, for tests that load or mutate it."""
    return copy_home(default_home, tmp_path / "home")
