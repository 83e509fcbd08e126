"""A second plant (plants/prairie.yaml): weekends and a holiday off, two 12-hour shifts with two
breaks each, extra logged planned stops, a machine working through breaks, a machine commissioned
and one retired during the period, no dispensing cell; plus the generator's limits at scale."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from cli.main import main as cli_main
from generators.calendar import shifts_for
from generators.run import GenerateError, generate, operator_names
from plants.model import PLANTS_DIR, load_plant
from tests.generator.log_replay import log_intervals
from tests.homes import read_truths

PRAIRIE = PLANTS_DIR / "prairie.yaml"
START = date(2026, 11, 16)  # a Monday; 14 days span two weekends and Thanksgiving (26 Nov)
DAYS = 14
OFF_DAYS = {"2026-11-21", "2026-11-22", "2026-11-26", "2026-11-28", "2026-11-29"}
DISPENSING_SOURCES = ("conveyor_requests", "product_scans", "equipment_records")
STATIONS = {"PR1": "PRESS-01", "PR2": "PRESS-02", "MO1": "MOLDER-01", "WE1": "WELDER-01",
            "WE2": "WELDER-02"}  # fmt: skip
CALENDAR_BREAKS_S = (30 + 20) * 60  # per shift of this plant


def _overlap(a: int, b: int, lo: int, hi: int) -> int:
    return max(0, min(b, hi) - max(a, lo))


@pytest.fixture(scope="module")
def prairie_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("prairie")
    generate(home, START, DAYS, seed=5, chaos_level="none", plant_path=PRAIRIE)
    return home


@pytest.fixture(scope="module")
def prairie_truths(prairie_home: Path) -> dict[str, dict]:
    return read_truths(prairie_home)


@pytest.fixture(scope="module")
def prairie():
    return load_plant(PRAIRIE)


@pytest.fixture(scope="module")
def log_stops(prairie_home, prairie_truths, prairie) -> dict[tuple[str, str, str], dict]:
    """(date, machine, shift) → PLANNED_STOP seconds per reason, read from the machine logs."""
    out: dict[tuple[str, str, str], dict] = defaultdict(lambda: defaultdict(int))
    for day, truth in prairie_truths.items():
        windows = shifts_for(prairie, date.fromisoformat(day))
        for path in (prairie_home / "landing" / day).glob("machine_logs/*.log"):
            machine = STATIONS[path.name.split("__")[0]]
            for a, b, state, reason in log_intervals(path, truth["day_end_utc"]):
                for w in windows:
                    if state == "PLANNED_STOP" and _overlap(a, b, w.start, w.end):
                        out[(day, machine, w.code)][reason] += _overlap(a, b, w.start, w.end)
    return out


def test_prairie_plant_is_what_it_says(prairie):
    assert (prairie.id, prairie.timezone, prairie.day_start) == (
        "PLANT-02",
        "America/Chicago",
        "06:00",
    )
    assert [(s.code, s.start, s.hours, len(s.breaks)) for s in prairie.shifts] == [
        ("DAY", "06:00", 12.0, 2),
        ("NIGHT", "18:00", 12.0, 2),
    ]
    assert not any(m.is_dispenser for m in prairie.machines)
    assert not any(prairie.delivers(s) for s in DISPENSING_SOURCES)
    assert 4 <= len(prairie.machines) <= 6 and len(prairie.lines) in (2, 3)


def test_only_scheduled_shifts_produce(prairie_home, prairie_truths):
    assert len(prairie_truths) == DAYS
    for day, truth in prairie_truths.items():
        sections = ("machine_shift", "machine_daily", "plant_daily", "operator_daily",
                    "product_daily", "quality_daily", "material_flow_daily")  # fmt: skip
        folders = {p.name for p in (prairie_home / "landing" / day).iterdir()}
        if day in OFF_DAYS:
            assert all(truth[s] == [] for s in (*sections, "anomalies")), day
            # Without chaos nothing arrives late, so the registry export is all that is delivered.
            assert folders == {"asset_registry"}, day
        else:
            assert {r["shift_code"] for r in truth["machine_shift"]} == {"DAY", "NIGHT"}, day
            assert len(truth["plant_daily"]) == 1
            assert len(truth["machine_shift"]) == 2 * len(truth["machine_daily"])
            assert "machine_logs" in folders and "sensor_logs" in folders


def test_a_period_without_any_shift_generates(tmp_path):
    generate(tmp_path, date(2026, 11, 21), 2, seed=1, chaos_level="heavy", plant_path=PRAIRIE)
    truths = read_truths(tmp_path)
    assert sorted(truths) == ["2026-11-21", "2026-11-22"]
    assert all(t["machine_shift"] == [] and t["plant_daily"] == [] for t in truths.values())
    assert {p.parent.name for p in tmp_path.glob("landing/*/*/*")} == {"asset_registry"}


def test_time_model_adds_up_with_12_hour_shifts(prairie_truths):
    parts = ("actual_production_time_s", "idle_time_s", "setup_time_s", "down_time_s",
             "planned_stop_time_s")  # fmt: skip
    for truth in prairie_truths.values():
        for row in truth["machine_shift"]:
            assert row["shift_time_s"] == 12 * 3600
            assert sum(row[p] for p in parts) == row["shift_time_s"]
            assert row["produced_qty"] > 0
        for row in truth["plant_daily"]:
            assert row["shift_time_s"] == len(truth["machine_daily"]) * 24 * 3600


def test_extra_planned_stops_are_logged_and_counted(prairie_truths, log_stops):
    reasons_seen = set()
    longer = 0
    for day, truth in prairie_truths.items():
        for row in truth["machine_shift"]:
            from_logs = log_stops[(day, row["machine_id"], row["shift_code"])]
            # Every planned stop second of truth is a `Planned stop (...)` interval in the log.
            assert sum(from_logs.values()) == row["planned_stop_time_s"], (day, row)
            extra = {r: s for r, s in from_logs.items() if r != "break"}
            reasons_seen |= set(extra)
            if extra:
                assert row["planned_stop_time_s"] == from_logs.get("break", 0) + sum(extra.values())
                if from_logs.get("break", 0) == CALENDAR_BREAKS_S:
                    assert row["planned_stop_time_s"] > CALENDAR_BREAKS_S
                    longer += 1
    assert reasons_seen == {"meeting", "preventive maintenance", "no orders"}
    assert longer >= 5


def test_a_machine_works_through_some_breaks(prairie_home, prairie_truths, prairie, log_stops):
    worked_through = []
    for day, truth in prairie_truths.items():
        for row in truth["machine_shift"]:
            breaks = log_stops[(day, row["machine_id"], row["shift_code"])].get("break", 0)
            if breaks < CALENDAR_BREAKS_S:
                worked_through.append((day, row["machine_id"], row["shift_code"]))
    assert worked_through
    assert {m for _, m, _ in worked_through} == {"WELDER-01"}  # the one machine with the key
    day, machine, code = worked_through[0]
    shift = next(s for s in shifts_for(prairie, date.fromisoformat(day)) if s.code == code)
    truth = prairie_truths[day]
    row = next(
        r for r in truth["machine_shift"] if r["machine_id"] == machine and r["shift_code"] == code
    )
    assert row["planned_stop_time_s"] < shift.planned_stop_s
    # The operator of that machine-shift takes only the breaks the machine stops for.
    op = next(
        r for r in truth["operator_daily"] if r["machine_id"] == machine and r["shift_code"] == code
    )
    assert op["break_s"] < shift.planned_stop_s
    text = (
        prairie_home / "landing" / day / "operator_logs" / f"operator_logs__{day}.csv"
    ).read_text()
    starts = [r for r in csv.DictReader(io.StringIO(text)) if r["operator_id"] == op["operator_id"]
              and r["event_type"] == "BREAK_START"]  # fmt: skip
    assert len(starts) < len(shift.breaks)


def test_commissioned_and_retired_machines_exist_only_in_their_span(prairie_home, prairie_truths):
    commissioned, retired = START + timedelta(days=3), START + timedelta(days=9)
    for day, truth in prairie_truths.items():
        d = date.fromisoformat(day)
        registry = prairie_home / "landing" / day / "asset_registry" / f"asset_registry__{day}.csv"
        exported = {r["machine_id"]: r for r in csv.DictReader(io.StringIO(registry.read_text()))}
        in_truth = {r["machine_id"] for r in truth["machine_daily"]}
        logs = {
            p.name.split("__")[0] for p in (prairie_home / "landing" / day).glob("machine_logs/*")
        }
        batches = (
            prairie_home / "landing" / day / "production_batches" / f"production_batches__{day}.csv"
        )
        batch_machines = (
            {r["machine_id"] for r in csv.DictReader(io.StringIO(batches.read_text()))}
            if batches.exists()
            else set()
        )
        for machine, station, exists in (
            ("PRESS-02", "PR2", d >= commissioned),
            ("WELDER-02", "WE2", d < retired),
        ):
            assert (machine in exported) is exists, (day, machine)
            if day not in OFF_DAYS:
                assert (machine in in_truth) is exists, (day, machine)
                assert (station in logs) is exists, (day, machine)
                assert (machine in batch_machines) is exists, (day, machine)
            else:
                assert machine not in in_truth and station not in logs
        if day == commissioned.isoformat():
            assert exported["PRESS-02"]["effective_date"] == day


def test_absent_sources_have_no_files(prairie_home):
    written = {p.name for p in prairie_home.glob("landing/*/*")}
    assert written == {
        "production_batches", "qc_checks", "operator_logs", "asset_registry", "sensor_logs",
        "controller_snapshots", "machine_logs",
    }  # fmt: skip


def test_late_rows_into_days_off_are_delivered(tmp_path):
    """With chaos, rows late into a weekend or holiday still land (in a file of that date) and
    every chaos item points at a written file."""
    generate(tmp_path, START, 12, seed=3, chaos_level="heavy", plant_path=PRAIRIE)
    truths = read_truths(tmp_path)
    expected = sum(r["batch_count"] for t in truths.values() for r in t["machine_daily"])
    ids = set()
    for path in tmp_path.glob("landing/*/production_batches/*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()[1:]
        for line, after in zip(lines, [*lines[1:], ""], strict=True):
            if after.startswith(line) and after != line:
                continue  # a truncated partial write
            ids.add(line.split(",", 1)[0])
    assert len(ids) == expected
    tags = [tag for t in truths.values() for tag in t["chaos"] if tag["source"] != "simulation"]
    assert tags and all(tag["file"] for tag in tags)


def _variant(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(PRAIRIE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_dst_night_shift_is_13_hours_and_the_off_day_25(tmp_path):
    """Chicago falls back on Sunday 1 Nov 2026 at 02:00: prairie is off that weekend (the date
    of 31 Oct is 25 h long but empty); with Saturday scheduled its NIGHT shift is 13 h."""
    generate(
        tmp_path / "off", date(2026, 10, 30), 3, seed=2, chaos_level="none", plant_path=PRAIRIE
    )
    off = read_truths(tmp_path / "off")
    assert off["2026-10-31"]["day_end_utc"] - off["2026-10-31"]["day_start_utc"] == 25 * 3600
    assert off["2026-10-31"]["machine_shift"] == [] and off["2026-10-30"]["machine_shift"]

    def saturday_on(raw):
        raw["shift_model"]["weekdays"] = {"sun": []}

    plant_path = _variant(tmp_path, saturday_on)
    spring = shifts_for(load_plant(plant_path), date(2027, 3, 13))  # clocks go forward on Sunday
    assert {s.code: s.shift_time_s for s in spring} == {"DAY": 12 * 3600, "NIGHT": 11 * 3600}
    generate(
        tmp_path / "on", date(2026, 10, 30), 3, seed=2, chaos_level="none", plant_path=plant_path
    )
    on = read_truths(tmp_path / "on")["2026-10-31"]
    lengths = {(r["machine_id"], r["shift_code"]): r["shift_time_s"] for r in on["machine_shift"]}
    assert set(lengths.values()) == {12 * 3600, 13 * 3600}
    assert all(v == 13 * 3600 for (_, code), v in lengths.items() if code == "NIGHT")
    assert all(r["shift_time_s"] == 25 * 3600 for r in on["machine_daily"])
    sensors = (tmp_path / "on" / "landing" / "2026-10-31" / "sensor_logs").glob("*.jsonl")
    per_device = defaultdict(int)
    for line in next(sensors).read_text().splitlines():
        per_device[json.loads(line)["device_id"]] += 1
    assert set(per_device.values()) == {25 * 60}


def test_gaps_between_shifts_and_any_breaks(tmp_path):
    """Two 8-hour shifts (three breaks, none) leave 22:00-06:00 without a shift: the machine says
    the shift ended, sends no samples then, and its log still reproduces truth's state times."""

    def two_short_shifts(raw):
        raw["shift_model"]["shifts"] = [
            {"code": "EARLY", "start": "06:00", "hours": 8, "breaks": [
                {"start": "08:00", "minutes": 10}, {"start": "10:00", "minutes": 30},
                {"start": "12:00", "minutes": 10}]},
            {"code": "LATE", "start": "14:00", "hours": 8, "breaks": []},
        ]  # fmt: skip

    home = tmp_path / "home"
    generate(
        home, START, 1, seed=4, chaos_level="none", plant_path=_variant(tmp_path, two_short_shifts)
    )
    truth = read_truths(home)[START.isoformat()]
    folder = home / "landing" / START.isoformat()
    for path in folder.glob("machine_logs/*.log"):
        text = path.read_text()
        assert text.count("Shift LATE ended") == 1 and "Shift EARLY ended" not in text
        machine = STATIONS[path.name.split("__")[0]]
        seconds = defaultdict(int)
        for a, b, state, _ in log_intervals(path, truth["day_end_utc"]):
            seconds[state] += b - a
        row = next(r for r in truth["machine_daily"] if r["machine_id"] == machine)
        assert seconds["RUNNING"] == row["actual_production_time_s"]
        assert seconds["PLANNED_STOP"] == row["planned_stop_time_s"]
        assert sum(seconds.values()) == row["shift_time_s"] == 16 * 3600
    samples = (folder / "sensor_logs" / f"sensor_logs__{START}.jsonl").read_text().splitlines()
    assert len(samples) == len(truth["machine_daily"]) * 16 * 60


def test_cli_picks_the_plant(tmp_path):
    args = ["--home", str(tmp_path), "generate", "--plant", "prairie", "--start", "2026-11-20",
            "--days", "1", "--chaos", "none"]  # fmt: skip
    assert cli_main(args) == 0
    truth = read_truths(tmp_path)["2026-11-20"]
    assert truth["plant_id"] == "PLANT-02" and truth["timezone"] == "America/Chicago"
    assert "prairie.yaml" in (tmp_path / "shopfloor.yaml").read_text()


def test_operator_names_stay_unique_beyond_the_pool():
    names = operator_names(1, ["Ann", "Bo"], ["Lee", "Ng"], 9)
    assert len(set(names)) == 9
    assert set(names[:4]) == {"Ann Lee", "Ann Ng", "Bo Lee", "Bo Ng"}
    assert names[4] == f"{names[0]} 2" and names[8] == f"{names[0]} 3"
    # Within the pool the draw is what it always was (the default plant's names are unchanged).
    pool = [f"{f} {s}" for f in ("Ann", "Bo") for s in ("Lee", "Ng")]
    assert operator_names(1, ["Ann", "Bo"], ["Lee", "Ng"], 3) == random.Random("1:names").sample(
        pool, 3
    )


@pytest.mark.parametrize("scale", [16, 26])
def test_default_plant_generates_at_large_scale(tmp_path, scale):
    result = generate(tmp_path, date(2026, 10, 19), 1, seed=42, chaos_level="default", scale=scale)
    truth = read_truths(tmp_path)["2026-10-19"]
    assert len(truth["machine_daily"]) == 4 * scale
    assert len(list(tmp_path.glob("landing/*/machine_logs/*.log"))) >= 4 * scale
    names = {}
    for path in tmp_path.glob("landing/*/operator_logs/*.csv"):
        for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8", errors="replace"))):
            if r["operator_id"] and r["operator_name"]:
                names[r["operator_id"]] = r["operator_name"]
    assert len(set(names.values())) == len(names) > 0
    assert result.units > 0


def test_bad_plant_arguments_fail_cleanly(tmp_path, capsys):
    args = ["--home", str(tmp_path / "h"), "generate", "--plant", "no-such-plant", "--days", "1"]
    assert cli_main(args) == 2
    assert "no-such-plant: cannot read the file" in capsys.readouterr().err

    def unknown_reason(raw):
        raw["process"]["extra_planned_stops"]["lunch"] = {"prob": 0.5, "minutes": [5, 10]}

    with pytest.raises(GenerateError, match="lunch not in planned_stop_reasons"):
        generate(tmp_path / "h", START, 1, plant_path=_variant(tmp_path, unknown_reason))
