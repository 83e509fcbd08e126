"""With --chaos none, a short independent reading of the raw files reproduces truth's headlines."""

from __future__ import annotations

import csv
from collections import defaultdict

from tests.generator.log_replay import log_intervals

STATIONS = {
    "SM1": "SMELTER-01",
    "SM2": "SMELTER-02",
    "ASM1": "ASSEMBLER-01",
    "DSP1": "DISPENSER-01",
}
DAY = "2026-10-24"  # the production date whose night shift spans the DST change


def _state_seconds(path, day_end: int) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for start, end, state, _ in log_intervals(path, day_end):
        totals[state] += end - start
    return totals


def test_raw_files_reproduce_truth_for_one_day(clean_home, clean_truths):
    truth = clean_truths[DAY]
    folder = clean_home / "landing" / DAY
    produced: dict[str, int] = defaultdict(int)
    with open(folder / "production_batches" / f"production_batches__{DAY}.csv") as f:
        for row in csv.DictReader(f):
            produced[row["machine_id"]] += int(row["units_produced"])
    defective: dict[str, int] = defaultdict(int)
    with open(folder / "qc_checks" / f"qc_checks__{DAY}.csv") as f:
        for row in csv.DictReader(f):
            if row["disposition"] in {"SCRAP", "REWORK"}:
                defective[row["machine_id"]] += int(row["defects_found"])
    running = {
        STATIONS[p.name.split("__")[0]]: _state_seconds(p, truth["day_end_utc"])["RUNNING"]
        for p in (folder / "machine_logs").glob("*.log")
    }
    for m in truth["machine_daily"]:
        mid = m["machine_id"]
        assert produced[mid] == m["produced_qty"], mid
        assert produced[mid] - defective[mid] == m["good_qty"], mid
        assert running[mid] == m["actual_production_time_s"], mid
    plant = truth["plant_daily"][0]
    assert sum(produced.values()) == plant["produced_qty"]
    assert plant["shift_time_s"] == 4 * 25 * 3600  # four machines, a 25-hour production date
