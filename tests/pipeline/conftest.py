"""The second plant's pipeline home, shared by the time-model and the optional-sources tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generators.run import generate
from plants.home import resolve_plant_path
from tests.homes import build_pipeline
from tests.pipeline.weekend import SATURDAY, SATURDAY_BATCH, SATURDAY_LOG


@pytest.fixture(scope="session")
def prairie_week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The second plant (no dispensing cell) Monday to Friday, simulated with truth, plus a
    Saturday delivery of a machine log and a batch written by hand (a real plant's weekend
    overtime: no truth), taken through the pipeline once. Read it, never change it.

    Why one home for both modules: each asks something of the same plant-week (what the weekend
    is counted as; what an absent source is said to be), and a pipeline build costs a minute.
    """
    home = tmp_path_factory.mktemp("prairie_week")
    generate(home, date(2026, 11, 16), 5, seed=3, chaos_level="none",
             plant_path=resolve_plant_path("prairie"))  # fmt: skip
    landing = home / "landing" / SATURDAY
    (landing / "machine_logs").mkdir(parents=True)
    (landing / "machine_logs" / f"PR1__{SATURDAY}.log").write_text(SATURDAY_LOG, encoding="utf-8")
    (landing / "production_batches").mkdir()
    (landing / "production_batches" / f"production_batches__{SATURDAY}.csv").write_text(
        SATURDAY_BATCH, encoding="utf-8"
    )
    build_pipeline(home)
    return home
