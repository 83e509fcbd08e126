"""Determinism and the command line: same arguments, same bytes; bad arguments, clean failure."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from generators.run import generate


def _digest(home: Path) -> dict[str, str]:
    return {
        p.relative_to(home).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(home.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, date(2026, 3, 27), 3, seed=11, chaos_level="heavy")
    # The second run is another process with another hash seed: no set or dict order may leak.
    args = ["generate", "--start", "2026-03-27", "--days", "3", "--seed", "11", "--chaos", "heavy"]
    proc = _cli(*args, home=b, extra_env={"PYTHONHASHSEED": "12345"})
    assert proc.returncode == 0, proc.stderr
    generate(c, date(2026, 3, 27), 3, seed=12, chaos_level="heavy")
    da, db, dc = _digest(a), _digest(b), _digest(c)
    assert da == db
    assert len(da) > 30
    common = set(da) & set(dc)
    assert any(da[k] != dc[k] for k in common)


def test_scale_multiplies_machines(tmp_path):
    result = generate(tmp_path, date(2026, 6, 1), 1, seed=3, chaos_level="none", scale=2)
    logs = sorted(p.name.split("__")[0] for p in tmp_path.glob("landing/*/machine_logs/*.log"))
    assert logs == ["ASM1", "ASM2", "DSP1", "DSP2", "SM1", "SM2", "SM3", "SM4"]
    assert result.rows_by_source["conveyor_requests"] > 0


def _cli(*args: str, home: Path, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = os.environ | {"SHOPFLOOR_HOME": str(home)} | (extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["generate", "--chaos", "wild"],
            "invalid choice: 'wild' (choose from 'none', 'default', 'heavy')",
        ),
        (["generate", "--days", "0"], "--days must be a positive number"),
        (["generate", "--days", "-3"], "--days must be a positive number"),
        (["generate", "--start", "2026-02-30"], "not a date"),
        (["generate", "--scale", "0"], "--scale must be a positive integer"),
        (
            ["generate", "--chaos-rate", "gremlins=0.5"],
            "unknown chaos type 'gremlins'; valid names: clock_skew, counter_resets, degradation",
        ),
        (["generate", "--chaos-rate", "timezone_mix"], "expected NAME=RATE"),
    ],
)
def test_bad_arguments_exit_nonzero_with_one_line(tmp_path, args, message):
    home = tmp_path / "home"
    proc = _cli(*args, home=home)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (home / "landing").exists() or not any((home / "landing").iterdir())


def test_unwritable_home_is_reported(tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the home folder should be")
    proc = _cli("generate", "--days", "1", home=blocker / "home")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("shopfloor generate: error: cannot write to home folder")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_failure_midway_leaves_nothing_behind(tmp_path, monkeypatch):
    from generators import run

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run.Generator, "_write_truth", explode)
    with pytest.raises(RuntimeError):
        generate(tmp_path, date(2026, 6, 1), 3, seed=1)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []
    assert not list(tmp_path.glob(".staging-*"))


def test_generate_prints_a_summary(tmp_path):
    proc = _cli("generate", "--days", "1", "--start", "2026-06-01", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "production_batches" in proc.stdout and "chaos injected" in proc.stdout
    assert (tmp_path / "ground_truth" / "2026-06-01" / "truth.json").exists()


def test_append_refuses_settings_other_than_the_homes_own(tmp_path, capsys):
    """--append continues the home's simulation: a seed, chaos, rate or scale given that differs
    from the home's own is refused in one line naming each with the home's value, not ignored."""
    from cli.main import main

    home = tmp_path / "home"
    generate(home, date(2026, 6, 1), 1, seed=7, chaos_level="none")
    before = _digest(home)
    argv = ["--home", str(home), "generate", "--append", "--days", "1", "--seed", "8",
            "--chaos", "heavy", "--chaos-rate", "late_arrivals=0.5", "--scale", "2"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    named = [
        "--seed 8 (the home's: 7)",
        "--chaos heavy (the home's: none)",
        "--chaos-rate late_arrivals=0.5 (the home's: 0.0)",
        "--scale 2 (the home's: 1)",
    ]
    assert all(n in err for n in named), err
    assert _digest(home) == before  # nothing generated

    # the home's own values, or none, continue it
    assert main(["--home", str(home), "generate", "--append", "--days", "1", "--seed", "7"]) == 0
    assert (home / "ground_truth" / "2026-06-02" / "truth.json").exists()
