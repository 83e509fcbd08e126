"""`shopfloor plant check`: the default plant passes; each mistake is named by key and reason."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.main import main
from plants import check as check_module
from plants.check import Problem, check_and_load, check_plant, spelling_key
from plants.model import DEFAULT_PLANT

DEFAULT_TEXT = DEFAULT_PLANT.read_text(encoding="utf-8")
DEFAULT_RAW = yaml.safe_load(DEFAULT_TEXT)

Mutation = Callable[[dict[str, Any]], None]


def _at(raw: Any, keys: tuple[Any, ...]) -> Any:
    """The value at a key path inside parsed YAML."""
    for key in keys:
        raw = raw[key]
    return raw


def _set(*keys: Any, value: Any) -> Mutation:
    """A mutation that sets the value at a key path."""
    return lambda raw: _at(raw, keys[:-1]).__setitem__(keys[-1], value)


def _del(*keys: Any) -> Mutation:
    """A mutation that deletes the key at a key path."""
    return lambda raw: _at(raw, keys[:-1]).__delitem__(keys[-1])


def _append(*keys: Any, value: Any) -> Mutation:
    """A mutation that appends to the list at a key path."""
    return lambda raw: _at(raw, keys).append(value)


def _write_raw(tmp_path: Path, mutate: Mutation) -> Path:
    """A modified copy of the default plant, dumped as YAML into tmp_path."""
    raw = copy.deepcopy(DEFAULT_RAW)
    mutate(raw)
    path = tmp_path / "plant.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _write_text(tmp_path: Path, old: str, new: str) -> Path:
    """The default plant's text with one passage replaced (for mistakes only raw YAML can make)."""
    assert DEFAULT_TEXT.count(old) == 1, old
    path = tmp_path / "plant.yaml"
    path.write_text(DEFAULT_TEXT.replace(old, new), encoding="utf-8")
    return path


def _found(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.key, p.reason) for p in problems]


def _assert_exactly(problems: list[Problem], expected: list[tuple[str, str]]) -> None:
    """The problems are exactly the expected ones: each key, with the reason containing its text."""
    found = _found(problems)
    assert [key for key, _ in found] == [key for key, _ in expected], found
    for (_, reason), (_, text) in zip(found, expected, strict=True):
        assert text in reason, (reason, text)


# --- valid plants -------------------------------------------------------------------------------


def test_default_plant_passes_and_loads():
    plant, problems = check_and_load(DEFAULT_PLANT)
    assert problems == []
    assert plant is not None
    assert (len(plant.lines), len(plant.machines), len(plant.shifts)) == (2, 4, 3)


def test_dumped_copy_of_default_passes(tmp_path):
    # The mutation cases below rely on a dumped copy being as valid as the original.
    assert check_plant(_write_raw(tmp_path, lambda raw: None)) == []


def _weekend_pattern(raw: dict[str, Any]) -> None:
    """A 12 h WEEKEND shift that overlaps EARLY but never runs on the same day as it."""
    model = raw["shift_model"]
    model["shifts"].append({"code": "WEEKEND", "start": "06:00", "hours": 12, "breaks": []})
    week = ["EARLY", "LATE", "NIGHT"]
    model["weekdays"] = {d: week for d in ("mon", "tue", "wed", "thu", "fri")}
    model["weekdays"] |= {"sat": ["WEEKEND"], "sun": None}
    model["holidays"] = [{"date": "2026-12-25", "name": "Christmas Day"}]


def _night_break_after_midnight(raw: dict[str, Any]) -> None:
    """Two NIGHT breaks on either side of midnight (the second is on the next calendar day)."""
    shifts = raw["shift_model"]["shifts"]
    shifts[2]["breaks"] = [{"start": "23:30", "minutes": 15}, {"start": "03:00", "minutes": 30}]


@pytest.mark.parametrize("mutate", [_weekend_pattern, _night_break_after_midnight])
def test_valid_variations_pass(tmp_path, mutate):
    assert check_plant(_write_raw(tmp_path, mutate)) == []


# --- one mistake each ---------------------------------------------------------------------------

SHIFTS = ("shift_model", "shifts")
SMELTER_1 = ("lines", 0, "machines", 0)
SMELTER_2 = ("lines", 0, "machines", 1)
ASSEMBLER = ("lines", 0, "machines", 2)
DISPENSER = ("lines", 1, "machines", 0)

RAW_CASES: list[tuple[str, Mutation, list[tuple[str, str]]]] = [
    # missing required keys and wrong types
    ("no plant.id", _del("plant", "id"), [("plant.id", "missing required key id")]),
    ("no plant.name", _del("plant", "name"), [("plant.name", "missing required key name")]),
    ("no timezone", _del("plant", "timezone"), [("plant.timezone", "missing required key")]),
    ("no sources", _del("sources"), [("sources", "missing required key sources (a list)")]),
    ("no shifts", _del(*SHIFTS), [("shift_model.shifts", "missing required key shifts")]),
    ("no products", _del("products"), [("products", "missing required key products")]),
    ("no lines", _del("lines"), [("lines", "missing required key lines (a list)")]),
    ("no state codes", _del("state_codes"), [("state_codes", "missing required key")]),
    ("name a number", _set("plant", "name", value=42), [("plant.name", "got integer 42")]),
    ("lines a mapping", _set("lines", value={"L1": {}}), [("lines", "expected a list")]),
    ("no shifts listed", _set(*SHIFTS, value=[]), [("shift_model.shifts", "must not be empty")]),
    (
        "hours a word",
        _set(*SHIFTS, 0, "hours", value="eight"),
        [("shift_model.shifts[0].hours", "expected a number, got string 'eight'")],
    ),
    (
        "target a boolean",
        _set("targets", "plant", "oee", value=True),
        [("targets.plant.oee", "expected a number, got boolean True")],
    ),
    (
        "typo in a section name",
        lambda raw: raw.__setitem__("target", raw.pop("targets")),
        [("target", "unknown key 'target' (did you mean targets?)")],
    ),
    (
        "typo in a shift key",
        lambda raw: raw["shift_model"]["shifts"][0].__setitem__("brakes", []),
        [("shift_model.shifts[0].brakes", "unknown key 'brakes' (did you mean breaks?)")],
    ),
    # time zone
    (
        "misspelt time zone",
        _set("plant", "timezone", value="Europe/Berlinn"),
        [("plant.timezone", "unknown time zone 'Europe/Berlinn' (did you mean Europe/Berlin?)")],
    ),
    (
        "invented time zone",
        _set("plant", "timezone", value="Mars/Olympus_Mons"),
        [("plant.timezone", "unknown time zone 'Mars/Olympus_Mons'")],
    ),
    # times and hours
    (
        "start not HH:MM",
        _set(*SHIFTS, 1, "start", value="2pm"),
        [
            (
                "shift_model.shifts[1].start",
                "expected a time \"HH:MM\" (00:00 to 23:59), got string '2pm'",
            )
        ],
    ),
    (
        "start not zero-padded",
        _set(*SHIFTS, 0, "start", value="6:00"),
        [("shift_model.shifts[0].start", "got string '6:00'")],
    ),
    (
        "day_start out of range",
        _set("shift_model", "day_start", value="24:00"),
        [("shift_model.day_start", "got string '24:00'")],
    ),
    (
        "break start not HH:MM",
        _set(*SHIFTS, 0, "breaks", 0, "start", value="10.00"),
        [("shift_model.shifts[0].breaks[0].start", "expected a time")],
    ),
    (
        "zero hours",
        _set(*SHIFTS, 0, "hours", value=0),
        [("shift_model.shifts[0].hours", "shift hours must be > 0 and ≤ 24, got 0")],
    ),
    (
        "more than a day",
        _set(*SHIFTS, 2, "hours", value=25),
        [("shift_model.shifts[2].hours", "must be > 0 and ≤ 24, got 25")],
    ),
    (
        "duplicate shift code",
        _set(*SHIFTS, 2, "code", value="LATE"),
        [("shift_model.shifts[2].code", "duplicate shift code LATE (also shift_model.shifts[1])")],
    ),
    # overlapping shifts and the production day
    (
        "shifts overlap",
        _set(*SHIFTS, 1, "start", value="13:00"),
        [
            (
                "shift_model.shifts[1].start",
                "shift LATE (13:00–21:00) overlaps shift EARLY (06:00–14:00) (every day)",
            )
        ],
    ),
    (
        "overlap on one weekday only",
        lambda raw: (
            _weekend_pattern(raw),
            raw["shift_model"]["weekdays"].__setitem__("sat", ["EARLY", "WEEKEND"]),
        ),
        [("shift_model.shifts[3].start", "shift WEEKEND (06:00–18:00) overlaps shift EARLY")],
    ),
    (
        "night shift past day end",
        _set(*SHIFTS, 2, "hours", value=10),
        [
            (
                "shift_model.shifts[2]",
                "shift NIGHT (22:00–08:00) runs past the end of its production day (06:00–06:00",
            )
        ],
    ),
    (
        "day starts after the first shift",
        _set("shift_model", "day_start", value="07:00"),
        [("shift_model.shifts[0]", "shift EARLY (06:00–14:00) runs past the end")],
    ),
    # breaks
    (
        "break after its shift",
        _set(*SHIFTS, 1, "breaks", 0, "start", value="23:00"),
        [
            (
                "shift_model.shifts[1].breaks[0].start",
                "break 23:00 is outside shift LATE (14:00–22:00)",
            )
        ],
    ),
    (
        "break before the shift start is the next day",
        _set(*SHIFTS, 0, "breaks", 0, "start", value="05:00"),
        [("shift_model.shifts[0].breaks[0].start", "break 05:00 is outside shift EARLY")],
    ),
    (
        "break runs past the shift end",
        _set(*SHIFTS, 1, "breaks", 0, "start", value="21:45"),
        [
            (
                "shift_model.shifts[1].breaks[0].minutes",
                "break 21:45–22:15 ends after shift LATE (14:00–22:00)",
            )
        ],
    ),
    (
        "breaks overlap",
        _append(*SHIFTS, 0, "breaks", value={"start": "10:15", "minutes": 15}),
        [
            (
                "shift_model.shifts[0].breaks[1].start",
                "break 10:15–10:30 overlaps break 10:00–10:30 in shift EARLY",
            )
        ],
    ),
    (
        "breaks overlap across midnight",
        _set(
            *SHIFTS,
            2,
            "breaks",
            value=[{"start": "23:30", "minutes": 60}, {"start": "00:15", "minutes": 10}],
        ),
        [("shift_model.shifts[2].breaks[1].start", "break 00:15–00:25 overlaps break 23:30–00:30")],
    ),
    (
        "break of no minutes",
        _set(*SHIFTS, 0, "breaks", 0, "minutes", value=0),
        [("shift_model.shifts[0].breaks[0].minutes", "must be > 0, got 0")],
    ),
    # weekdays and holidays
    (
        "weekday spelt out",
        _set("shift_model", "weekdays", value={"monday": ["EARLY"]}),
        [("shift_model.weekdays.monday", "unknown weekday 'monday' (use mon, tue")],
    ),
    (
        "weekday names an unknown shift",
        _set("shift_model", "weekdays", value={"sat": ["EARLY", "MID"]}),
        [("shift_model.weekdays.sat[1]", "unknown shift code 'MID' (shifts: EARLY, LATE, NIGHT)")],
    ),
    (
        "holiday on 30 February",
        _set("shift_model", "holidays", value=[{"date": "2026-02-30", "name": "Leap"}]),
        [("shift_model.holidays[0].date", "not a date YYYY-MM-DD: string '2026-02-30'")],
    ),
    (
        "holiday in another format",
        _set("shift_model", "holidays", value=[{"date": "25.12.2026"}]),
        [("shift_model.holidays[0].date", "not a date YYYY-MM-DD")],
    ),
    (
        "holiday twice",
        _set("shift_model", "holidays", value=[{"date": "2026-12-25"}, {"date": "2026-12-25"}]),
        [("shift_model.holidays[1].date", "holiday 2026-12-25 is listed twice")],
    ),
    # sources and state codes
    (
        "unknown source",
        _append("sources", value="qc_check"),
        [("sources[10]", "unknown source 'qc_check' (did you mean qc_checks?)")],
    ),
    (
        "source twice",
        _append("sources", value="qc_checks"),
        [("sources[10]", "source qc_checks is listed twice (also sources[1])")],
    ),
    (
        "state missing",
        _del("state_codes", "PLANNED_STOP"),
        [("state_codes.PLANNED_STOP", "missing state PLANNED_STOP")],
    ),
    (
        "extra state",
        _set("state_codes", "BROKEN", value=6),
        [("state_codes.BROKEN", "unknown state 'BROKEN' (need exactly RUNNING, IDLE")],
    ),
    (
        "two states share a code",
        _set("state_codes", "DOWN", value=1),
        [("state_codes.DOWN", "code 1 is also the code of RUNNING")],
    ),
    (
        "state code a string",
        _set("state_codes", "IDLE", value="2"),
        [("state_codes.IDLE", "expected an integer, got string '2'")],
    ),
    # products and machines
    (
        "machine makes an unknown product",
        _set(*SMELTER_1, "products", "STEEL_PLATE", value=40),
        [("lines[0].machines[0].products.STEEL_PLATE", "product STEEL_PLATE is not in products")],
    ),
    (
        "no ideal cycle",
        _set(*SMELTER_1, "products", "IRON_PLATE", value=None),
        [
            (
                "lines[0].machines[0].products.IRON_PLATE",
                "no ideal cycle time (s) for product IRON_PLATE",
            )
        ],
    ),
    (
        "zero ideal cycle",
        _set(*SMELTER_2, "products", "COPPER_PLATE", value=0),
        [("lines[0].machines[1].products.COPPER_PLATE", "must be > 0 s, got 0")],
    ),
    (
        "BOM component not a product",
        _set("products", "GEAR_WHEEL", "bom", value={"IRON_PLAT": 2}),
        [("products.GEAR_WHEEL.bom.IRON_PLAT", "BOM component IRON_PLAT is not a product")],
    ),
    (
        "BOM cycle",
        _set("products", "IRON_PLATE", "bom", "GEARBOX_S", value=1),
        [("products.IRON_PLATE.bom", "BOM cycle IRON_PLATE → GEARBOX_S → GEAR_WHEEL → IRON_PLATE")],
    ),
    (
        "unknown product kind",
        _set("products", "IRON_ORE", "kind", value="ore"),
        [("products.IRON_ORE.kind", "unknown kind 'ore' (use raw, intermediate, finished)")],
    ),
    (
        "power of a state missing",
        _del(*SMELTER_1, "power_kw", "SETUP"),
        [("lines[0].machines[0].power_kw.SETUP", "missing power for state SETUP")],
    ),
    (
        "machine id without a number",
        _set(*DISPENSER, "id", value="DISPENSER"),
        [("lines[1].machines[0].id", "must end in -<number>")],
    ),
    # duplicate ids, stations and spellings
    (
        "duplicate machine id",
        _set(*SMELTER_2, "id", value="SMELTER-01"),
        [
            (
                "lines[0].machines[1].id",
                "duplicate machine id SMELTER-01 (also lines[0].machines[0].id)",
            )
        ],
    ),
    (
        "duplicate station",
        _set(*DISPENSER, "station", value="SM1"),
        [
            (
                "lines[1].machines[0].station",
                "duplicate station code SM1 (also lines[0].machines[0].station, "
                "machine SMELTER-01)",
            )
        ],
    ),
    (
        "station differing only in punctuation",
        _set(*DISPENSER, "station", value="SM-1"),
        [
            (
                "lines[1].machines[0].station",
                "generated spelling 'SM-1' of machine DISPENSER-01 and generated spelling 'SM1' "
                "of machine SMELTER-01 both normalize to SM1",
            )
        ],
    ),
    (
        "declared spelling of another machine's id",
        _set(*ASSEMBLER, "spellings", value=["smelter_02"]),
        [
            (
                "lines[0].machines[2].spellings[0]",
                "declared spelling 'smelter_02' of machine ASSEMBLER-01 and generated spelling "
                "'SMELTER-02' of machine SMELTER-02 both normalize to SMELTER02",
            )
        ],
    ),
    (
        "declared spelling of another machine's generated name",
        _set(*SMELTER_2, "spellings", value=["Smelter 1"]),
        [
            (
                "lines[0].machines[1].spellings[0]",
                "of machine SMELTER-02 and generated spelling 'Smelter 1' of machine SMELTER-01",
            )
        ],
    ),
    (
        "spelling without letters",
        _set(*SMELTER_1, "spellings", value=["--"]),
        [("lines[0].machines[0].spellings[0]", "spelling '--' has no letter or digit")],
    ),
    (
        "product spellings collide",
        _set("products", "COPPER_PLATE", "spellings", value=["iron-plate"]),
        [
            (
                "products.COPPER_PLATE.spellings[0]",
                "declared spelling 'iron-plate' of product COPPER_PLATE and generated spelling "
                "'IRON_PLATE' of product IRON_PLATE both normalize to IRONPLATE",
            )
        ],
    ),
    (
        "product named like another",
        _set("products", "GEARBOX_M", "name", value="Sealed-Gearbox-S"),
        [("products.GEARBOX_M.name", "of product GEARBOX_S both normalize to SEALEDGEARBOXS")],
    ),
    # targets
    (
        "target as a percentage",
        _set("targets", "plant", "oee", value=65),
        [("targets.plant.oee", "target 65 is not in [0, 1]")],
    ),
    (
        "negative target",
        _set("targets", "lines", value={"L2": {"quality": -0.1}}),
        [("targets.lines.L2.quality", "target -0.1 is not in [0, 1]")],
    ),
    (
        "target for an unknown machine",
        _set("targets", "machines", value={"SMELTER-09": {"oee": 0.5}}),
        [("targets.machines.SMELTER-09", "unknown machine 'SMELTER-09'")],
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [c[1:] for c in RAW_CASES], ids=[c[0] for c in RAW_CASES]
)
def test_each_mistake_is_named(tmp_path, mutate, expected):
    path = _write_raw(tmp_path, mutate)
    problems = check_plant(path)
    _assert_exactly(problems, expected)
    assert all(p.file == str(path) for p in problems)
    plant, again = check_and_load(path)
    assert plant is None
    assert again == problems


# Mistakes only raw YAML text can make: (old text, new text, expected (key, reason), line).
TEXT_CASES = [
    pytest.param(
        'start: "14:00"',
        "start: 14:00",
        (
            "shift_model.shifts[1].start",
            'got the number 840: YAML reads unquoted 14:00 as base 60; write "14:00"',
        ),
        None,
        id="unquoted time",
    ),
    pytest.param(
        "holidays: []",
        "holidays: [{date: 2026-13-01, name: Nowhere}]",
        ("shift_model.holidays[0].date", "not a date YYYY-MM-DD: string '2026-13-01'"),
        None,
        id="impossible unquoted date",
    ),
    pytest.param(
        "state_codes: {RUNNING: 1,",
        "state_codes: {RUNNING: 1,,",
        ("", "invalid YAML: while parsing a flow node; expected the node content, but found ','"),
        34,
        id="syntax error",
    ),
    pytest.param(
        "  COPPER_ORE: {name: Copper Ore, kind: raw, unit: kg}\n",
        "  COPPER_ORE: {name: Copper Ore, kind: raw, unit: kg}\n"
        "  IRON_ORE: {name: Ore, kind: raw, unit: t}\n",
        ("products.IRON_ORE", "duplicate key IRON_ORE (first at line 44); YAML keeps the last"),
        46,
        id="duplicate key",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected", "line"), TEXT_CASES)
def test_raw_yaml_mistakes(tmp_path, old, new, expected, line):
    problems = check_plant(_write_text(tmp_path, old, new))
    _assert_exactly(problems, [expected])
    assert problems[0].line == line


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"# only a comment\n", "the file is empty"),
        (b"- plant\n- lines\n", "expected a mapping of plant sections at the top, got a list"),
        (b"plant: \xff\xfe\n", "cannot read the file"),
        (b"a: 1\n---\nb: 2\n", "invalid YAML"),
    ],
)
def test_unreadable_files_are_problems(tmp_path, content, reason):
    path = tmp_path / "plant.yaml"
    path.write_bytes(content)
    problems = check_plant(path)
    assert len(problems) == 1
    assert problems[0].key == ""
    assert reason in problems[0].reason


def test_missing_file_is_a_problem(tmp_path):
    problems = check_plant(tmp_path / "nope.yaml")
    assert [(p.key, "cannot read the file" in p.reason) for p in problems] == [("", True)]


def test_load_failure_is_reported_not_raised(monkeypatch):
    def broken(path: Path) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(check_module, "load_plant", broken)
    plant, problems = check_and_load(DEFAULT_PLANT)
    assert plant is None
    assert _found(problems) == [("", "load_plant failed: RuntimeError: boom")]


def test_many_mistakes_are_all_reported(tmp_path):
    def mutate(raw: dict[str, Any]) -> None:
        raw["plant"]["timezone"] = "Nowhere/City"
        raw["shift_model"]["shifts"][1]["breaks"][0]["start"] = "23:00"
        raw["lines"][0]["machines"][0]["products"]["NOPE"] = 1

    keys = [p.key for p in check_plant(_write_raw(tmp_path, mutate))]
    assert keys == [
        "plant.timezone",
        "shift_model.shifts[1].breaks[0].start",
        "lines[0].machines[0].products.NOPE",
    ]


def test_spelling_key_matches_dbt_alias_key():
    # dbt: upper(regexp_replace(x, '[^A-Za-z0-9]', '', 'g'))
    assert spelling_key("SM2 (Smelter)") == "SM2SMELTER"
    assert spelling_key("smelter_02") == "SMELTER02"
    assert spelling_key("Gerät-1") == "GERT1"


def test_problem_text():
    assert str(Problem("p.yaml", "plant.id", "missing")) == "p.yaml: plant.id: missing"
    assert str(Problem("p.yaml", "", "invalid YAML", 3)) == "p.yaml:3: invalid YAML"


# --- command line -------------------------------------------------------------------------------


def test_cli_ok(capsys):
    assert main(["plant", "check", str(DEFAULT_PLANT)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{DEFAULT_PLANT}: OK (2 lines, 4 machines, 3 shifts)\n"
    assert err == ""


def test_cli_bad_file_exits_2_naming_file_and_key(tmp_path, capsys):
    path = _write_raw(tmp_path, _set(*SHIFTS, 1, "breaks", 0, "start", value="23:00"))
    assert main(["plant", "check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{path}: shift_model.shifts[1].breaks[0].start: "
        "break 23:00 is outside shift LATE (14:00–22:00)"
    ]


def test_cli_syntax_error_names_the_line(tmp_path, capsys):
    path = _write_text(tmp_path, "state_codes: {RUNNING: 1,", "state_codes: {RUNNING: 1,,")
    assert main(["plant", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:34: invalid YAML: ")
    assert len(err.splitlines()) == 1


def test_cli_without_file_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["plant", "check"])
    assert exc.value.code == 2
    assert "FILE" in capsys.readouterr().err


def test_run_with_a_bad_plant_file_stops_before_loading(tmp_path, capsys):
    """`shopfloor run --plant FILE` checks the file first: every mistake, exit 2, nothing named."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT_TEXT.replace("Europe/Berlin", "Europe/Nowhere"), encoding="utf-8")
    home = tmp_path / "home"
    assert main(["--home", str(home), "run", "--plant", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: plant.timezone: unknown time zone 'Europe/Nowhere'" in err
    assert not (home / "shopfloor.yaml").exists()
    assert not (home / "warehouse").exists()


def test_run_plant_names_the_plant_in_the_home_and_vars_follow_it(tmp_path, capsys):
    """A good --plant is named in the home (later runs use it); `plant vars` prints its dbt vars."""
    import json

    from plants.home import home_plant

    home = tmp_path / "home"
    # no landing folders: the run stops after naming the plant, with its own error
    assert main(["--home", str(home), "run", "--plant", "prairie"]) == 2
    assert home_plant(home).id == "PLANT-02"
    capsys.readouterr()
    assert main(["--home", str(home), "plant", "vars"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["plant_timezone"] == "America/Chicago"
    assert [s["code"] for s in printed["plant_shifts"]] == ["DAY", "NIGHT"]


def _plant_with_log_rules(tmp_path: Path, rules: list[dict[str, Any]]) -> Path:
    raw = copy.deepcopy(DEFAULT_RAW)
    raw["log_rules"] = rules
    path = tmp_path / "own_logs.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _dbt_default_log_rules() -> list[dict[str, Any]]:
    project = DEFAULT_PLANT.parents[1] / "dbt_project" / "dbt_project.yml"
    return yaml.safe_load(project.read_text(encoding="utf-8"))["vars"]["log_rules"]


def test_a_plant_may_bring_its_own_log_rules_and_dbt_gets_them(tmp_path):
    """A plant whose machines log in German: its rules pass the check and replace dbt's table."""
    from plants.dbt_vars import dbt_vars
    from plants.model import load_plant

    rules = _dbt_default_log_rules()
    running = next(r for r in rules if r["name"] == "production_running")
    running["pattern"] = r"^(\S+): Produktion läuft, Produkt (\S+)$"
    path = _plant_with_log_rules(tmp_path, rules)
    assert check_plant(path) == []
    assert dbt_vars(load_plant(path))["log_rules"] == rules
    assert "log_rules" not in dbt_vars(load_plant(DEFAULT_PLANT))  # dbt's default table


@pytest.mark.parametrize(
    ("change", "key", "reason"),
    [
        ({"pattern": "^(unclosed"}, "log_rules[1].pattern", "not a valid regular expression"),
        ({"state": "SLEEPING"}, "log_rules[1].state", "unknown state 'SLEEPING'"),
        ({"detail_group": 5}, "log_rules[1].detail_group", "no capture group 5"),
        ({"counts": "sometimes"}, "log_rules[1].counts", "must be failure, small_stop or null"),
        ({"name": "shift_started"}, "log_rules[1].name", "is used twice"),
    ],
)
def test_bad_log_rules_are_named_by_key(tmp_path, change, key, reason):
    rules = _dbt_default_log_rules()
    rules[1] |= change
    problems = check_plant(_plant_with_log_rules(tmp_path, rules))
    assert any(p.key == key and reason in p.reason for p in problems), problems
