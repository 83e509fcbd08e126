"""Generated homes the generator tests read (landing files and truth; never loaded)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generators.run import generate
from tests.homes import read_truths

START = date(2026, 10, 23)  # the first day of `default_home` (tests/conftest.py) too


@pytest.fixture(scope="session")
def clean_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three days without chaos (seed 7)."""
    home = tmp_path_factory.mktemp("clean_home")
    generate(home, START, 3, seed=7, chaos_level="none")
    return home


@pytest.fixture(scope="session")
def default_truths(default_home: Path) -> dict[str, dict[str, Any]]:
    return read_truths(default_home)


@pytest.fixture(scope="session")
def clean_truths(clean_home: Path) -> dict[str, dict[str, Any]]:
    return read_truths(clean_home)
