"""Recall: a phase line skipped right before a fault is recognized from the landing file."""

from __future__ import annotations

from pathlib import Path

from ground_truth.recall import _skip_before_fault

LOG = """\
2026-11-01T20:47:34+01:00 [INFO] Cycle started at DSP1
2026-11-01T20:47:52+01:00 [INFO] Dispensing Started at DSP1 side B
2026-11-01T20:48:09+01:00 [INFO] Unclamping at DSP1
2026-11-01T20:48:13+01:00 [ERROR] DSP1: Fault E322 Bead vision check failed
2026-11-01T20:56:45+01:00 [INFO] Cycle started at DSP1
2026-11-01T20:57:19+01:00 [INFO] Unclamping at DSP1
"""


def _item(line: int, name: str = "skipped_log_states") -> dict:
    return {"name": name, "file": "landing/d/machine_logs/DSP1.log", "line": line}


def test_a_phase_skipped_right_before_a_fault_is_unobservable(tmp_path: Path) -> None:
    log = tmp_path / "landing" / "d" / "machine_logs" / "DSP1.log"
    log.parent.mkdir(parents=True)
    log.write_text(LOG, encoding="utf-8")
    cache: dict[str, list[str]] = {}
    assert _skip_before_fault(tmp_path, _item(4), cache)  # EJECT skipped, then the fault
    assert not _skip_before_fault(tmp_path, _item(6), cache)  # SIDE_A/B skipped mid-cycle
    assert not _skip_before_fault(tmp_path, _item(4, "malformed_lines"), cache)
    assert not _skip_before_fault(tmp_path / "elsewhere", _item(4), {})  # file not there
