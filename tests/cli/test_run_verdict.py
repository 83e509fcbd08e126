"""`shopfloor run` ends with PASSED or FAILED for this run, quietly (issue 18).

A passing run ends PASSED with its own publication; a run whose gold misses the truth ends
FAILED with "serving copy unchanged since <the last publication>", never the previous run's
validation. dbt's output goes to the home's log file, named on the screen, not to the terminal;
a pipe gets plain lines. The runs start `.venv/bin/shopfloor` with the venv off PATH, as a cron
job or a service would, and dbt is still found. The passing run is the shared `one_day_run`
(tests/conftest.py), which the operations tests compare their runs with; the failing run runs on
a copy of it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from plants.home import Home
from tests.conftest import ONE_DAY as DAY
from tests.homes import copy_built, query, run_as_cron

ANSI_ESCAPE = "\x1b["


def _tail(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stdout.splitlines() if line.strip()][-2:]


def _published_times(home: Path) -> list:
    return [t for (t,) in query(home, "select published_at from audit.publications order by 1")]


def test_a_passing_run_ends_passed_quietly(one_day_run) -> None:
    home, proc = one_day_run
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
    one_day_run, tmp_path: Path
) -> None:
    passed_home, passing = one_day_run
    assert passing.returncode == 0
    home = copy_built(passed_home, tmp_path / "home")  # the shared home stays as it passed
    truth_file = Home(home).truth_file(DAY)
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    truth["machine_daily"][0]["good_qty"] += 1  # gold now misses the truth: the gate blocks
    truth_file.write_text(json.dumps(truth), encoding="utf-8")
    [last_published] = _published_times(home)
    proc = run_as_cron(home)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert _published_times(home) == [last_published]
    verdict, copy = _tail(proc)
    assert verdict.startswith("FAILED: ") and "matches_truth" in verdict, verdict
    assert copy == (
        f"  serving copy unchanged since {last_published:%Y-%m-%d %H:%M:%S} UTC "
        f"({Home(home).serving})"
    )
    assert "PASSED" not in proc.stdout and "serving copy published" not in proc.stdout
    # the run raised its own failure alert, no daemon needed (notify/failures.py)
    assert "run failed: 1 alert recorded in audit.alerts" in proc.stdout
    assert query(home, "select rule from audit.alerts where rule like '%failed'") == [
        ("gate_failed",)
    ]
    [validation] = [line for line in proc.stdout.splitlines() if line.startswith("Validation")]
    assert " 0 failed" not in validation, validation  # this run's, not the passing run's
