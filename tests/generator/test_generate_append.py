"""`generate` into a home that already holds a simulation: refused, continued (--append), finished
(--finish) or replaced (--overwrite); late rows never later than the lateness bound."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from generators.run import GenerateError, generate
from plants.dbt_vars import lateness_bound_days
from plants.home import Home

START = date(2026, 10, 20)
# File-level chaos on, schema drift off: the drift day depends on the length of the first
# generation, so it is the one thing a split run may place differently.
LATE = {"schema_drift": 0.0, "late_arrivals": 0.3}


def _files(home: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(home)): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and p.name != "simulator_state.json"
    }


def _total_counts(home: Path, day: date) -> dict[str, list[int]]:
    """Every PLC TotalCount read of a delivery's controller snapshots, per machine, in order."""
    reads: dict[str, list[int]] = {}
    for path in sorted((Home(home).delivery(day) / "controller_snapshots").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for node in json.loads(line)["nodes"]:
                machine, _, name = node["node_id"].removeprefix("ns=2;s=").rpartition(".")
                if name == "TotalCount" and node["value"] is not None:
                    reads.setdefault(machine, []).append(node["value"])
    return reads


def test_plain_generate_into_a_home_with_deliveries_is_refused(tmp_path: Path) -> None:
    generate(tmp_path, START, 1, seed=7, chaos_level="none")
    before = _files(tmp_path)
    with pytest.raises(GenerateError, match=r"--append to continue the simulation from 2026-10-21"):
        generate(tmp_path, START + timedelta(days=1), 1, seed=7, chaos_level="none")
    assert _files(tmp_path) == before  # nothing merged


def test_append_continues_the_counters(tmp_path: Path) -> None:
    """The next day's first counter read follows the last one (no restart from the PLC's
    initial value) and batch numbers go on."""
    generate(tmp_path, START, 1, seed=7, chaos_level="none")
    generate(tmp_path, date(2000, 1, 1), 1, mode="append")  # --start is the home's next day
    first, second = _total_counts(tmp_path, START), _total_counts(tmp_path, START + timedelta(1))
    assert second.keys() == first.keys()
    for machine, reads in second.items():
        assert reads[0] >= first[machine][-1] > 0, machine
    batches = (Home(tmp_path).delivery(START + timedelta(1)) / "production_batches").glob("*.csv")
    ids = [line.split(",")[0] for p in batches for line in p.read_text().splitlines()[1:]]
    assert not any(i.endswith("-0001") for i in ids)  # each machine's sequence goes on


def test_append_equals_one_run_on(tmp_path: Path) -> None:
    """2 days, then 2 appended, then --finish write byte for byte what 4 days and --finish
    write: counters, machine states, random streams, SCD2 registry, rows due late."""
    split, whole = tmp_path / "split", tmp_path / "whole"
    generate(split, START, 2, seed=7, overrides=LATE, mode="append")
    generate(split, date(2000, 1, 1), 2, mode="append")
    generate(split, date(2000, 1, 1), 0, mode="append", finish=True)
    generate(whole, START, 4, seed=7, overrides=LATE, mode="append")
    generate(whole, date(2000, 1, 1), 0, mode="append", finish=True)
    assert _files(split) == _files(whole)


def test_late_rows_wait_for_the_next_append_within_the_bound(tmp_path: Path) -> None:
    """With --append, rows late past the last date are not delivered on time: they wait, and
    nothing ever arrives more than lookback_days after its production date."""
    heavy = {"late_arrivals": 0.5, "duplicate_files": 0.5}
    generate(tmp_path, START, 3, seed=5, overrides=heavy, mode="append")
    last = Home(tmp_path).truth_file(START + timedelta(days=2))
    due = json.loads(last.read_text())["late_deliveries"]
    assert due and all(d["delivery_date"] > "2026-10-22" for d in due)  # still to come
    assert not Home(tmp_path).delivery(START + timedelta(days=3)).exists()
    generate(tmp_path, date(2000, 1, 1), 0, mode="append", finish=True)
    bound = lateness_bound_days()
    for path in Home(tmp_path).ground_truth.glob("*/truth.json"):
        truth = json.loads(path.read_text())
        day = date.fromisoformat(truth["production_date"])
        for late in truth["late_deliveries"]:
            assert (date.fromisoformat(late["delivery_date"]) - day).days <= bound, late
        for item in truth["chaos"]:
            delivered = re.match(r"landing/(\d{4}-\d\d-\d\d)/", item["file"] or "")
            if delivered:
                assert (date.fromisoformat(delivered[1]) - day).days <= bound, item
    with pytest.raises(GenerateError, match="was finished"):
        generate(tmp_path, date(2000, 1, 1), 1, mode="append")


def test_overwrite_replaces_and_append_needs_a_state(tmp_path: Path) -> None:
    generate(tmp_path, START, 2, seed=7, chaos_level="none")
    Home(tmp_path).simulator_state.unlink()  # a home from before the state file existed
    with pytest.raises(GenerateError, match="no simulator state"):
        generate(tmp_path, START, 1, mode="append")
    generate(tmp_path, START + timedelta(days=5), 1, seed=7, chaos_level="none", mode="overwrite")
    assert [p.name for p in sorted(Home(tmp_path).landing.iterdir())] == ["2026-10-25"]
    assert [p.parent.name for p in Home(tmp_path).ground_truth.glob("*/truth.json")] == [
        "2026-10-25"
    ]
