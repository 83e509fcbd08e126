"""Shared fixtures: small generated plants, built once per test session."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from generators.run import generate

START = date(2026, 10, 23)  # four days from here include the 25 Oct DST change


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its hook is registered later)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the built pipeline share one xdist worker, so the pipeline is built only once."""
    for item in items:
        if "pipeline_home" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("pipeline"))


def load_truths(home: Path) -> dict[str, dict]:
    return {
        p.parent.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((home / "ground_truth").glob("*/truth.json"))
    }


@pytest.fixture(scope="session")
def default_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four days at default chaos (seed 7)."""
    home = tmp_path_factory.mktemp("default_home")
    generate(home, START, 4, seed=7, chaos_level="default")
    return home


@pytest.fixture(scope="session")
def clean_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three days without chaos (seed 7)."""
    home = tmp_path_factory.mktemp("clean_home")
    generate(home, START, 3, seed=7, chaos_level="none")
    return home


@pytest.fixture(scope="session")
def pipeline_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four days at default chaos taken through bronze, silver and gold by the Dagster jobs."""
    from cli.run import run_partitions, run_transform

    home = tmp_path_factory.mktemp("pipeline")
    generate(home, START, 4, seed=21, chaos_level="default")
    days = sorted(date.fromisoformat(p.name) for p in (home / "landing").iterdir())
    bronze = run_partitions(home, days, echo=lambda _: None)
    assert all(o.success for o in bronze), [o.failures for o in bronze]
    transform = run_transform(home, days[0], days[-1], echo=lambda _: None)
    assert transform.success, transform.failures
    return home


@pytest.fixture(scope="session")
def default_truths(default_home: Path) -> dict[str, dict]:
    return load_truths(default_home)


@pytest.fixture(scope="session")
def clean_truths(clean_home: Path) -> dict[str, dict]:
    return load_truths(clean_home)
