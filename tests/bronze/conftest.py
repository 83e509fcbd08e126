"""Landing homes of the bronze tests (loaded without Dagster; the pipeline ones are elsewhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generators.run import generate
from tests.bad_delivery.case import Landed
from tests.bad_delivery.cases_oddities import CASES as ODDITIES
from tests.bronze_fixtures import LANDED_DAY, copy_home, load_all


@pytest.fixture(scope="session")
def clean_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated day without chaos (seed 7), delivered on LANDED_DAY; never loaded: copy it
    (`copy_home`) before landing more or loading."""
    home = tmp_path_factory.mktemp("clean_day")
    generate(home, LANDED_DAY, 1, seed=7, chaos_level="none")
    return home


@pytest.fixture(scope="session")
def oddities_home(
    clean_day: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[tuple[str, Landed]]]:
    """The clean day with every landing oddity (tests/bad_delivery/cases_oddities.py) applied,
    loaded into bronze once (read-only for tests)."""
    home = copy_home(clean_day, tmp_path_factory.mktemp("oddities"))
    landed = [(case.name, case.apply(home, LANDED_DAY)) for case in ODDITIES]
    load_all(home)
    return home, landed
