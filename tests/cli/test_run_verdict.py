"""`shopfloor run` ends with PASSED or FAILED for this run, quietly (issue 18).

A passing run ends PASSED with its own publication; a run whose gold misses the truth ends
FAILED with "serving copy unchanged since <the last publication>", never the previous run's
validation. dbt's output goes to the home's log file, named on the screen, not to the terminal;
a pipe gets plain lines. The runs start `.venv/bin/shopfloor` with the venv off PATH, as a cron
job or a service would, and dbt is still found.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from generators.run import generate
from plants.home import Home
from tests.homes import query

DAY = date(2026, 10, 22)
ANSI_ESCAPE = "\x1b["


def _run(home: Path) -> subprocess.CompletedProcess:
    """`shopfloor run --home HOME` (global option after the subcommand), venv off PATH."""
    venv_bin = Path(sys.executable).parent
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != venv_bin]
    env = {**os.environ, "PATH": os.pathsep.join(path or ["/usr/bin", "/bin"])}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(venv_bin / "shopfloor"), "run", "--home", str(home)],
        capture_output=True, text=True, env=env, check=False, timeout=900,
    )  # fmt: skip


def _tail(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stdout.splitlines() if line.strip()][-2:]


def _published_times(home: Path) -> list:
    return [t for (t,) in query(home, "select published_at from audit.publications order by 1")]


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """One clean generated day, taken through `shopfloor run` once: the home and that run."""
    home = tmp_path_factory.mktemp("cli_home")
    generate(home, DAY, 1, seed=5, chaos_level="none")
    return home, _run(home)


def test_a_passing_run_ends_passed_quietly(cli_home) -> None:
    home, proc = cli_home
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [published] = _published_times(home)
    assert _tail(proc) == [
        "PASSED",
        f"  serving copy published {published:%Y-%m-%d %H:%M:%S} UTC: {Home(home).serving}",
    ]
    step = proc.stdout.index("  bronze: step bronze__production_batches done")  # plain progress
    assert step < proc.stdout.index(f"  {DAY}  ok ")  # printed as the run went, before its end
    assert "silver + gold, truth gate, publish: step truth_gate done" in proc.stdout
    log = Home(home).dbt_log
    assert f"dbt's output: {log}" in proc.stdout
    dbt_output = log.read_text(encoding="utf-8")
    assert "Completed successfully" in dbt_output and "START sql" in dbt_output
    for text in (proc.stdout, proc.stderr):
        assert "START sql" not in text and "Completed successfully" not in text
        assert ANSI_ESCAPE not in text
    assert ANSI_ESCAPE not in dbt_output


def test_a_run_that_misses_the_truth_ends_failed_and_the_serving_copy_is_unchanged(
    cli_home,
) -> None:
    home, passing = cli_home
    assert passing.returncode == 0
    truth_file = Home(home).truth_file(DAY)
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    truth["machine_daily"][0]["good_qty"] += 1  # gold now misses the truth: the gate blocks
    truth_file.write_text(json.dumps(truth), encoding="utf-8")
    [last_published] = _published_times(home)
    proc = _run(home)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert _published_times(home) == [last_published]
    verdict, copy = _tail(proc)
    assert verdict.startswith("FAILED: ") and "matches_truth" in verdict, verdict
    assert copy == (
        f"  serving copy unchanged since {last_published:%Y-%m-%d %H:%M:%S} UTC "
        f"({Home(home).serving})"
    )
    assert "PASSED" not in proc.stdout and "serving copy published" not in proc.stdout
    [validation] = [line for line in proc.stdout.splitlines() if line.startswith("Validation")]
    assert " 0 failed" not in validation, validation  # this run's, not the passing run's
