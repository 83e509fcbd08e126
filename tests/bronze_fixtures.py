"""Fixtures for the bronze and orchestration tests (imported explicitly, not a conftest).

Why: landing data is generated once per test session and copied into each test's own home,
because loading quarantines (moves) files and must never touch another test's data.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from generators.run import generate
from ingestion.contracts import SOURCES
from ingestion.landing import delivery_dates
from ingestion.loader import PartitionReport, load_partition, sweep_strays
from ingestion.warehouse import connect

BRONZE_START = date(2026, 10, 23)  # includes the 25 Oct DST change
BRONZE_DAYS = 4


def copy_home(src: Path, dst: Path) -> Path:
    """A fresh home with the landing (and truth) of `src`, no warehouse."""
    for part in ("landing", "ground_truth"):
        if (src / part).exists():
            shutil.copytree(src / part, dst / part)
    return dst


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


def query(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = connect(home, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def malformed_locations(home: Path) -> set[tuple[str, int]]:
    """(file, line) of every malformed line the generator injected, from ground truth."""
    out = set()
    for path in (home / "ground_truth").glob("*/truth.json"):
        for item in json.loads(path.read_text(encoding="utf-8"))["chaos"]:
            if item["name"] == "malformed_lines":
                out.add((item["file"], item["line"]))
    return out


@pytest.fixture(scope="session")
def bronze_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four generated days at default chaos (seed 7); never loaded in place."""
    home = tmp_path_factory.mktemp("bronze_landing")
    generate(home, BRONZE_START, BRONZE_DAYS, seed=7, chaos_level="default")
    return home


@pytest.fixture(scope="session")
def bronze_loaded(bronze_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of `bronze_landing` loaded into bronze once (read-only for tests)."""
    home = copy_home(bronze_landing, tmp_path_factory.mktemp("bronze_loaded"))
    load_all(home)
    return home


@pytest.fixture
def fresh_home(bronze_landing: Path, tmp_path: Path) -> Path:
    """A private copy of the generated landing, for tests that load or mutate it."""
    return copy_home(bronze_landing, tmp_path / "home")
