"""The silver quarantine end to end: rows the plant cannot resolve never stop the plant.

One 2-day clean home gets every silver case (tests/bad_delivery/cases_silver.py) appended to its
first delivery; `shopfloor run` must then succeed and publish, the serving copy's
gold.fct_row_rejects must hold each bad row with its file, line and reason (stage silver), and
gold.data_quality_daily must count them per production date and source. The appended rows are
not in the plant's truth, so the truth gate passing also proves they were left out of gold.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from generators.run import generate
from tests.bad_delivery.case import SILVER, Landed
from tests.bad_delivery.cases_silver import CASES

START = date(2026, 10, 22)


@pytest.fixture(scope="module")
def quarantined_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Landed]]:
    """A clean 2-day home with every silver case landed on its first day, after `shopfloor run`."""
    home = tmp_path_factory.mktemp("silver_quarantine")
    generate(home, START, 2, seed=7, chaos_level="none")
    landed = {case.name: case.apply(home, START) for case in CASES}
    run = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "--home", str(home), "run"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    assert "Published" in run.stdout and "(passed)" in run.stdout, run.stdout[-4000:]
    return home, landed


def _serving(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)


@pytest.mark.slow
@pytest.mark.parametrize("case", [c.name for c in CASES])
def test_each_unresolvable_row_is_in_the_quarantine(quarantined_home, case: str) -> None:
    home, landed = quarantined_home
    bad = landed[case]
    assert bad.where == SILVER
    con = _serving(home)
    try:
        rows = con.execute(
            "select stage, field, value, reason from gold.fct_row_rejects "
            "where source_file = ? and source_row_number = ?",
            [bad.path, bad.line],
        ).fetchall()
    finally:
        con.close()
    assert rows, f"{bad.path}:{bad.line} is not in gold.fct_row_rejects"
    assert all(stage == "silver" and field and value for stage, field, value, _ in rows), rows
    assert all(bad.reason.lower() in reason.lower() for *_, reason in rows), rows


@pytest.mark.slow
def test_data_quality_daily_counts_the_quarantined_rows(quarantined_home) -> None:
    home, landed = quarantined_home
    con = _serving(home)
    try:
        counted = dict(
            con.execute(
                "select source_name, items_found from gold.data_quality_daily "
                "where chaos_type = 'rows_quarantined' and chaos_type_id is null "
                "and production_date = ?",
                [START],
            ).fetchall()
        )
        refused = Counter(
            dict(
                con.execute(
                    "select source_name, count(*) from gold.fct_row_rejects "
                    "where stage = 'silver' group by 1"
                ).fetchall()
            )
        )
    finally:
        con.close()
    sources = {bad.path.split("/")[2] for bad in landed.values()}
    assert set(counted) == sources
    assert counted == dict(refused)
    assert sum(counted.values()) >= len(landed)
