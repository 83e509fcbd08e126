"""A shift whose clock time is before the plant's day start (00:00 with day start 06:00) belongs
to its production date D but starts on the next calendar day, D+1 00:00 local, as plants/check.py
and dbt's int_shift_instances read it. Four 6-hour shifts tile the production day; on 24 Oct 2026
(Europe/Berlin falls back on 25 Oct at 03:00) the 00:00 shift is 7 h and the day 25 h."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from generators.calendar import day_bounds, shifts_for
from generators.run import generate
from plants.check import check_plant
from plants.model import DEFAULT_PLANT, PlantConfig, load_plant
from tests.generator.log_replay import log_intervals
from tests.homes import read_truths

FRIDAY, SATURDAY = date(2026, 10, 23), date(2026, 10, 24)  # the DST change is on Sunday 25 Oct
SHIFTS = [
    {"code": "A", "start": "06:00", "hours": 6, "breaks": [{"start": "09:00", "minutes": 20}]},
    {"code": "B", "start": "12:00", "hours": 6, "breaks": [{"start": "15:00", "minutes": 20}]},
    {"code": "C", "start": "18:00", "hours": 6, "breaks": [{"start": "21:00", "minutes": 20}]},
    {"code": "D", "start": "00:00", "hours": 6, "breaks": [{"start": "02:00", "minutes": 20}]},
]
PARTS = ("actual_production_time_s", "idle_time_s", "setup_time_s", "down_time_s",
         "planned_stop_time_s")  # fmt: skip


@pytest.fixture(scope="module")
def four_shift_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = yaml.safe_load(DEFAULT_PLANT.read_text(encoding="utf-8"))
    raw["shift_model"]["day_start"] = "06:00"
    raw["shift_model"]["shifts"] = SHIFTS
    path = tmp_path_factory.mktemp("plant") / "four_shifts.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def plant(four_shift_file: Path) -> PlantConfig:
    return load_plant(four_shift_file)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, four_shift_file: Path) -> Path:
    home = tmp_path_factory.mktemp("four_shifts")
    generate(home, FRIDAY, 2, seed=11, chaos_level="none", plant_path=four_shift_file)
    return home


def _local(day: date, hour: int, minute: int = 0) -> int:
    tz = ZoneInfo("Europe/Berlin")
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).timestamp())


def test_the_plant_file_passes_the_check(four_shift_file):
    assert check_plant(four_shift_file) == []


def test_the_midnight_shift_starts_on_the_next_calendar_day(plant):
    by_code = {s.code: s for s in shifts_for(plant, FRIDAY)}
    night = by_code["D"]
    assert night.production_date == FRIDAY
    assert night.start == _local(FRIDAY + timedelta(days=1), 0)  # Sat 00:00, not Fri 00:00
    assert night.end == _local(FRIDAY + timedelta(days=1), 6) == day_bounds(plant, FRIDAY)[1]
    assert night.breaks == ((_local(SATURDAY, 2), _local(SATURDAY, 2, 20)),)
    # The four shifts tile the production day [Fri 06:00, Sat 06:00) without a gap.
    ordered = sorted(by_code.values(), key=lambda s: s.start)
    assert [s.code for s in ordered] == ["A", "B", "C", "D"]
    assert ordered[0].start == day_bounds(plant, FRIDAY)[0]
    assert all(a.end == b.start for a, b in pairwise(ordered))
    assert {s.code: s.shift_time_s for s in ordered} == dict.fromkeys("ABCD", 6 * 3600)


def test_the_midnight_shift_over_the_dst_change_is_7_hours(plant):
    """Sun 25 Oct 00:00-06:00 local holds the repeated hour 02:00-03:00: 7 h of real time."""
    by_code = {s.code: s for s in shifts_for(plant, SATURDAY)}
    assert by_code["D"].start == _local(date(2026, 10, 25), 0)
    assert by_code["D"].shift_time_s == 7 * 3600
    assert sum(s.shift_time_s for s in by_code.values()) == 25 * 3600
    day_start, day_end = day_bounds(plant, SATURDAY)
    assert (day_start, day_end) == (by_code["A"].start, by_code["D"].end)


def test_the_generated_days_truth_adds_up(home, plant):
    for day, hours in ((FRIDAY, 24), (SATURDAY, 25)):
        truth = read_truths(home)[day.isoformat()]
        rows = truth["machine_shift"]
        assert {(r["machine_id"], r["shift_code"]) for r in rows} == {
            (m.id, code) for m in plant.machines for code in "ABCD"
        }
        lengths = {s.code: s.shift_time_s for s in shifts_for(plant, day)}
        for row in rows:
            assert row["shift_time_s"] == lengths[row["shift_code"]]
            assert sum(row[p] for p in PARTS) == row["shift_time_s"], row
            assert row["planned_stop_time_s"] >= 20 * 60  # the calendar break at least
        for row in truth["machine_daily"]:
            assert row["shift_time_s"] == hours * 3600
            assert sum(row[p] for p in PARTS) == row["shift_time_s"], row
        assert truth["plant_daily"][0]["shift_time_s"] == len(plant.machines) * hours * 3600


def test_the_machine_logs_start_the_midnight_shift_at_midnight(home, plant):
    """Shift D starts at D+1 00:00 in every log, and each log of a machine that is not the
    dispensing cell (its running time is its cycles, not a state line) reproduces truth's state
    times per shift."""
    truth = read_truths(home)[FRIDAY.isoformat()]
    windows = {s.code: (s.start, s.end) for s in shifts_for(plant, FRIDAY)}
    stations = {m.station: m.id for m in plant.machines}
    logs = sorted((home / "landing" / FRIDAY.isoformat() / "machine_logs").glob("*.log"))
    assert len(logs) == len(plant.machines)
    checked = 0
    for path in logs:
        text = path.read_text(encoding="utf-8")
        started = [line for line in text.splitlines() if "Shift D started" in line]
        assert len(started) == 1 and started[0].startswith("2026-10-24T00:00:00+02:00 ")
        machine = stations[path.name.split("__")[0]]
        if plant.machine(machine).is_dispenser:
            continue
        checked += 1
        seconds: dict[tuple[str, str], int] = defaultdict(int)
        for a, b, state, _ in log_intervals(path, truth["day_end_utc"]):
            for code, (lo, hi) in windows.items():
                seconds[code, state] += max(0, min(b, hi) - max(a, lo))
        for row in (r for r in truth["machine_shift"] if r["machine_id"] == machine):
            code = row["shift_code"]
            assert seconds[code, "RUNNING"] == row["actual_production_time_s"]
            assert seconds[code, "PLANNED_STOP"] == row["planned_stop_time_s"]
            assert sum(v for (c, _), v in seconds.items() if c == code) == row["shift_time_s"]
    assert checked == len(plant.machines) - 1
