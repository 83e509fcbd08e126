"""The closing verdict as a function of this run's facts (cli/summary.py verdict_lines)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cli.summary import PROBLEMS_NAMED, verdict_lines

EARLIER = datetime(2026, 12, 1, 6, 0, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 5, 6, 0, 0, tzinfo=UTC)


def test_a_run_with_problems_fails_and_names_the_copy_analysts_still_read(tmp_path: Path) -> None:
    problems = [f"check gold/kpi_{n}:matches_truth failed" for n in range(PROBLEMS_NAMED + 2)]
    verdict, copy = verdict_lines(tmp_path, problems + problems[:1], None, EARLIER)
    assert verdict.startswith(f"FAILED: {problems[0]}; ") and verdict.endswith(
        "; and 2 more (above)"
    )
    assert copy.startswith("  serving copy unchanged since 2026-12-01 06:00:00 UTC (")
    assert verdict_lines(tmp_path, ["x"], None, None) == ["FAILED: x", "  no serving copy yet"]


def test_a_run_that_published_nothing_without_a_reason_fails(tmp_path: Path) -> None:
    assert verdict_lines(tmp_path, [], None, EARLIER)[0] == "FAILED: this run published nothing"
    passed = verdict_lines(tmp_path, [], None, EARLIER, "nothing new to build")
    assert passed[0] == "PASSED: nothing new to build" and "unchanged since" in passed[1]


def test_a_run_that_published_passes_with_its_own_time(tmp_path: Path) -> None:
    verdict, copy = verdict_lines(tmp_path, [], NOW, NOW)
    assert verdict == "PASSED" and copy.startswith(
        "  serving copy published 2026-12-05 06:00:00 UTC"
    )
