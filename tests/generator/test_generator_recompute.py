"""With --chaos none, a short independent reading of the raw files reproduces truth's headlines."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import datetime

STATE_RULES = [
    (re.compile(r"Shift \w+ started, state (\w+)"), None),
    (re.compile(r"Cycle started at"), "RUNNING"),
    (re.compile(r"Production running"), "RUNNING"),
    (re.compile(r"Cycle complete at|Minor stop|: Idle -"), "IDLE"),
    (re.compile(r"Changeover started"), "SETUP"),
    (re.compile(r"\[ERROR\] .*Fault"), "DOWN"),
    (re.compile(r"Planned stop"), "PLANNED_STOP"),
]
STATIONS = {
    "SM1": "SMELTER-01",
    "SM2": "SMELTER-02",
    "ASM1": "ASSEMBLER-01",
    "DSP1": "DISPENSER-01",
}
DAY = "2026-10-24"  # the production date whose night shift spans the DST change


def _state_seconds(path, day_end: int) -> dict[str, int]:
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stamp, rest = line.split(" ", 1)
        for pattern, state in STATE_RULES:
            m = pattern.search(rest)
            if m:
                events.append((int(datetime.fromisoformat(stamp).timestamp()), state or m[1]))
                break
    totals: dict[str, int] = defaultdict(int)
    for (t, state), (t_next, _) in zip(events, [*events[1:], (day_end, None)], strict=True):
        totals[state] += t_next - t
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
