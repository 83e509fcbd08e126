"""Homes shared by several areas, each generated (and built) once per test session.

Why here: a home costs seconds to generate and a minute or more to take through the pipeline;
one definition per home lets every area read the same one, and shows in one file what the
suite builds. Each area's own homes are in its folder's conftest.py; the helpers that build,
copy and read homes are in tests/homes.py, landing and bronze ones in tests/bronze_fixtures.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from generators.run import generate
from tests.homes import build_pipeline, run_as_cron

# One code location serves every home of a test process, and it loads before they are generated:
# its partitions must begin before the oldest date a test lands (orchestration/partitions.py).
os.environ.setdefault("SHOPFLOOR_FIRST_DATE", "2024-01-01")

pytest_plugins = ["tests.bronze_fixtures"]  # bronze_loaded, fresh_home: bronze and orchestration

START = date(2026, 10, 23)  # four days from here include the 25 Oct DST change
ONE_DAY = date(2026, 10, 22)  # the one clean day the CLI and operations tests run
# Session homes built through the pipeline (a minute or more each), wherever they are defined,
# costliest first: the tests on one of them form an xdist group of that name, so one worker
# builds it, once.
PIPELINE_HOMES = (
    "two_builds",
    "one_day_run",
    "restated",
    "corpus_run",
    "pipeline_home",
    "prairie_week",
)
# A pipeline home per parameter, each read by one test: no group, but scheduled before the
# cheap tests so that no worker starts one of them while the other has nothing left to do.
HOME_PER_TEST = ("gate_home",)


def _cost_rank(item: pytest.Item) -> tuple[int, int]:
    """Where a test goes in the order xdist hands work out: a multi-day plant run in the test
    itself (`slow`, no shared home: the day-by-day plant), then the groups of the pipeline
    homes in PIPELINE_HOMES order, then the tests with a home of their own, then the rest."""
    names = set(getattr(item, "fixturenames", ()))
    groups = [i for i, name in enumerate(PIPELINE_HOMES) if name in names]
    if groups:
        return 1, groups[0]
    if names & set(HOME_PER_TEST):
        return 2, 0
    return (0 if item.get_closest_marker("slow") else 3), 0


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its hook is registered later)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group the tests of each pipeline home on one xdist worker; the costliest work first.

    Why: `--dist loadgroup` hands a worker a whole group or a single test, in collection order
    (`--no-loadscope-reorder`, pyproject.toml: by default it would hand out the groups with the
    most tests first, whatever they cost, and the ten-day plant test last of all), so the units
    that take longest start first and the cheap tests fill in at the end on both workers.
    """
    for item in items:
        used = [name for name in PIPELINE_HOMES if name in getattr(item, "fixturenames", ())]
        if used:
            item.add_marker(pytest.mark.xdist_group(used[0]))
    items.sort(key=_cost_rank)


@pytest.fixture(scope="session")
def default_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four generated days at default chaos (seed 7), never loaded: read it, or copy it first
    (`fresh_home`, `copy_home`), since loading moves quarantined files out of landing."""
    home = tmp_path_factory.mktemp("default_home")
    generate(home, START, 4, seed=7, chaos_level="default")
    return home


@pytest.fixture(scope="session")
def pipeline_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four days at default chaos (seed 21) taken through bronze, silver, gold, the truth gate
    and publish by the Dagster jobs, as `shopfloor run` does. Read it, or copy it first
    (`tests.homes.copy_built`)."""
    home = tmp_path_factory.mktemp("pipeline")
    generate(home, START, 4, seed=21, chaos_level="default")
    build_pipeline(home)
    return home


@pytest.fixture(scope="session")
def one_clean_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated day without chaos (seed 5), never run: copy it before running."""
    home = tmp_path_factory.mktemp("one_clean_day")
    generate(home, ONE_DAY, 1, seed=5, chaos_level="none")
    return home


@pytest.fixture(scope="session")
def one_day_run(
    one_clean_day: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess]:
    """A copy of `one_clean_day` taken through `shopfloor run` once, as cron starts it
    (`tests.homes.run_as_cron`): the home and that run. The CLI tests read the run's output;
    the operations tests compare gold with it and run again on copies. Read it, never change it.

    Why one run for both areas: a run costs a minute, and both ask for a clean day run once.
    """
    home = tmp_path_factory.mktemp("one_day_run") / "home"
    shutil.copytree(one_clean_day, home)
    return home, run_as_cron(home)
