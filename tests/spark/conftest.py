"""The Spark tests' shared pieces: whether Spark can run here, and one pair of builds.

Why a session fixture: building a home on Spark costs minutes (a JVM and 90 models); every test
file of this folder reads the same pair of homes, built once per test session (tests/conftest.py
PIPELINE_HOMES groups their tests on one xdist worker).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from generators.run import generate
from monitoring.baseline import FIRST_BASELINE_DAYS_ENV
from tests.dashboard.dashboard_browser import APT_WAIT
from tests.homes import build_pipeline, seed_with_anomalies_on_the_last_day_only

JAVA_PACKAGE = "openjdk-17-jre-headless"  # Debian's Java 17, which pyspark 4 runs on
START = date(2026, 10, 22)
DAYS = 2
# Anomalies injected on the last day only, scored against a baseline of the first: the anomaly
# mart then has rows on both engines to compare.
ANOMALY_RATES = {"scrap_spike": 9.0, "small_stop_burst": 9.0}
# Doubles compared to 9 decimals: the engines sum floating-point values in a different order.
DOUBLE_DIGITS = 9


def ensure_java() -> bool:
    """Java on PATH, installed with apt-get when absent (the test command runs as root, as for
    the dashboard's chromium); False when it cannot be had."""
    apt = shutil.which("apt-get")
    if shutil.which("java") is None and apt is not None:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = [apt, *APT_WAIT, "install", "-y", "-q", JAVA_PACKAGE]
        if subprocess.run(install, env=env, check=False).returncode != 0:
            subprocess.run([apt, *APT_WAIT, "update", "-q"], env=env, check=False)
            subprocess.run(install, env=env, check=False)
    return shutil.which("java") is not None


SPARK_EXTRA = (
    importlib.util.find_spec("pyspark") is not None
    and importlib.util.find_spec("dbt.adapters.spark") is not None
)
SPARK_READY = SPARK_EXTRA and ensure_java()
# Every gold column's table, position, name and type: what "the same shape" compares.
GOLD_COLUMNS = (
    "select table_name, ordinal_position, column_name, data_type from information_schema.columns "
    "where table_schema = 'gold' order by all"
)
# The marks of a test module that builds on Spark: `pytestmark = SPARK_TESTS`.
SPARK_TESTS = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(not SPARK_READY, reason="needs `uv sync --extra spark` and Java 17"),
]


@pytest.fixture(scope="session")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(DuckDB-built home, Spark-built home, the Spark run's output) from one generated home."""
    root = tmp_path_factory.mktemp("two_engines")
    landed = root / "landed"
    seed = seed_with_anomalies_on_the_last_day_only(DAYS, ANOMALY_RATES)
    generate(landed, START, DAYS, seed=seed, chaos_level="none", anomaly_overrides=ANOMALY_RATES)
    on_duckdb, on_spark = root / "duckdb", root / "spark"
    shutil.copytree(landed, on_duckdb)
    shutil.copytree(landed, on_spark)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(FIRST_BASELINE_DAYS_ENV, str(DAYS - 1))
        build_pipeline(on_duckdb)
        shopfloor = Path(sys.executable).with_name("shopfloor")
        run = subprocess.run(
            [str(shopfloor), "--home", str(on_spark), "run", "--engine", "spark", "--quiet"],
            capture_output=True, text=True, check=False, timeout=3600,
        )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return on_duckdb, on_spark, run.stdout
