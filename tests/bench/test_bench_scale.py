"""The scale benchmark's gate verdict (bench/bench_scale.py) reads the audit tables the truth gate
writes and passes only a gate that passed in full.

Why: the scenario must fail loudly when the gate fails; a verdict that misread the audit (a failed
metric, a date awaiting deliveries, a countable type under 100 %, an unpublished run) would let
a broken scale-16 build through as a benchmark figure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bench.bench_scale import gate_verdict
from ground_truth.audit import ensure_audit
from ingestion.warehouse import connect

D1, D2 = date(2025, 11, 3), date(2025, 11, 4)
AT = datetime(2025, 11, 10, 6, tzinfo=UTC)
OLD = datetime(2025, 11, 9, 6, tzinfo=UTC)


def _home(tmp_path: Path, *, failed: int = 0, status: str = "truth", recall: float = 1.0,
          published: bool = True) -> Path:  # fmt: skip
    con = connect(tmp_path, read_only=False)
    try:
        ensure_audit(con)
        runs = [("old", OLD, D1, "truth", 10, 0, 10, True),  # an earlier run, ignored
                ("r1", AT, D1, "truth", 100, 100, 0, True),
                ("r1", AT, D2, status, 90, 90 - failed, failed, failed == 0)]  # fmt: skip
        con.executemany("insert into audit.validation_runs values (?, ?, ?, ?, ?, ?, ?, ?)", runs)
        recalls = [
            ("r1", AT, D1, D2, "degradation", 1, 0, 0, None, True, "real signal"),
            ("r1", AT, D1, D2, "timezone_mix", 40, round(40 * recall), 0, recall, recall >= 1, ""),
            ("old", OLD, D1, D1, "timezone_mix", 9, 0, 0, 0.0, False, ""),
        ]
        con.executemany(
            "insert into audit.chaos_recall values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", recalls
        )
        if published:
            con.execute(
                "insert into audit.publications values (?, 'r1', ?, ?, ?, 'passed', 190, 0, 'x')",
                [AT, [D1, D2], D1, D2],
            )
    finally:
        con.close()
    return tmp_path


def test_a_gate_that_passed_in_full_passes(tmp_path):
    verdict = gate_verdict(_home(tmp_path))
    assert verdict["ok"], verdict["problems"]
    assert (verdict["run_id"], verdict["checked"], verdict["failed"]) == ("r1", 190, 0)
    assert [r[0] for r in verdict["recall"]] == ["degradation", "timezone_mix"]
    assert verdict["published"] == "passed"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"failed": 3}, "2025-11-04: truth, 3 of 90 metrics failed"),
        ({"status": "awaiting deliveries"}, "2025-11-04: awaiting deliveries, 0 of 90"),
        ({"recall": 0.95}, "timezone_mix recall 95.0 % (38 / 40)"),
        ({"published": False}, "not published (the gate blocked the run)"),
    ],
)
def test_any_shortfall_fails_the_verdict(tmp_path, change, problem):
    verdict = gate_verdict(_home(tmp_path, **change))
    assert not verdict["ok"]
    assert any(p.startswith(problem) for p in verdict["problems"]), verdict["problems"]


def test_a_home_without_a_gate_run_fails(tmp_path):
    con = connect(tmp_path, read_only=False)
    ensure_audit(con)
    con.close()
    verdict = gate_verdict(tmp_path)
    assert not verdict["ok"] and verdict["problems"] == ["no gate run in audit"]
