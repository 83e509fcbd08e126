"""Injected anomalies (generators/anomalies.py): listed in truth, visible in the simulated signal,
the same whether the days are generated at once or appended one by one."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

from generators.run import generate
from plants.home import Home
from tests.homes import read_truths

START = date(2026, 10, 20)
EVERY_DAY = 28.0  # onsets per 28 days: one starts every day


def _injected(home: Path) -> list[dict]:
    return [a for t in read_truths(home).values() for a in t["injected_anomalies"]]


def _scrap(home: Path, machine: str, reason: str) -> int:
    return sum(
        row["quantity"]
        for t in read_truths(home).values()
        for row in t["quality_daily"]
        if (row["machine_id"], row["reason_category"], row["disposition"])
        == (machine, reason, "SCRAP")
    )


def test_a_scrap_spike_is_listed_in_truth_and_scraps_its_reason(tmp_path):
    spiked, calm = tmp_path / "spiked", tmp_path / "calm"
    rates = {"scrap_spike": EVERY_DAY}
    generate(spiked, START, 1, seed=3, chaos_level="none", anomaly_overrides=rates)
    generate(calm, START, 1, seed=3, chaos_level="none")
    [spike] = _injected(spiked)
    assert spike["kind"] == "scrap_spike" and spike["metric"] == "scrap_rate"
    assert spike["onset"] == spike["end"] == START.isoformat()
    assert _injected(calm) == []
    machine, reason = spike["machine_id"], spike["detail"]["reason"]
    assert _scrap(spiked, machine, reason) >= 3 * max(1, _scrap(calm, machine, reason))


def test_a_stuck_sensor_repeats_one_value_for_hours_in_the_sensor_file(tmp_path):
    generate(tmp_path, START, 1, seed=3, chaos_level="none", anomaly_overrides={"sensor_stuck": 28})
    [stuck] = _injected(tmp_path)
    channel, hours = stuck["detail"]["channel"], stuck["detail"]["hours"]
    assert stuck["metric"] == f"longest_repeat_run:{channel}"
    [path] = (Home(tmp_path).delivery(START) / "sensor_logs").glob("*.jsonl")
    values = [
        doc[channel]
        for doc in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        if doc["machine"] == stuck["machine_id"]
    ]
    longest = run = 1
    for a, b in itertools.pairwise(values):
        run = run + 1 if a == b else 1
        longest = max(longest, run)
    assert longest >= hours * 60 * 0.9  # one reading a minute, a shift boundary may cut it


def test_appended_days_inject_the_same_anomalies_as_one_generation(tmp_path):
    rates = {"small_stop_burst": EVERY_DAY, "dispenser_phase_slow": EVERY_DAY}
    whole, split = tmp_path / "whole", tmp_path / "split"
    generate(whole, START, 2, seed=4, chaos_level="none", anomaly_overrides=rates, mode="append")
    generate(split, START, 1, seed=4, chaos_level="none", anomaly_overrides=rates, mode="append")
    generate(split, START, 1, seed=4, chaos_level="none", mode="append")  # kept with the home
    assert read_truths(whole) == read_truths(split)
    assert {a["kind"] for a in _injected(whole)} == {"small_stop_burst", "dispenser_phase_slow"}
