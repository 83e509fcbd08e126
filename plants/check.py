"""Validate a plant file before anything reads it: every mistake with its file, key path and reason.

Why a checker apart from `load_plant`: the loader trusts its input, so a mistake surfaces as a
KeyError deep inside a run, or never (YAML reads an unquoted 14:00 as the number 840, keeps the
last of two equal keys without a word, and a spelling shared by two machines joins rows to the
wrong one). The checker reads the raw YAML, reports each mistake where it is written and never
raises; `load_plant` runs last, so a file that passes the check always loads.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import combinations
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import yaml

from plants.model import STATES, WEEKDAYS, Machine, PlantConfig, load_plant
from plants.spellings import machine_spellings, product_spellings

DAY_MINUTES = 24 * 60
PRODUCT_KINDS = ("raw", "intermediate", "finished")  # dim_product tests kind = 'raw'
REQUIRED_SECTIONS = {
    "plant": "a mapping",
    "sources": "a list",
    "shift_model": "a mapping",
    "state_codes": "a mapping",
    "products": "a mapping",
    "lines": "a list",
    # load_plant reads these for the simulator; their contents are the simulator's business.
    "operators": "a mapping",
    "process": "a mapping",
    "sampling": "a mapping",
    "asset_registry": "a mapping",
}
OPTIONAL_SECTIONS = {
    "planned_stop_reasons": "a list",
    "targets": "a mapping",
    "log_rules": "a list",
    "max_rejected_share": "a number",
    "late_after_days": "a mapping",
}
# A machine-log rule (dbt var `log_rules`, dbt_project.yml documents each key).
LOG_RULE_KEYS = (
    "name", "pattern", "level", "event_type", "state", "state_group", "detail_group", "phase",
    "counts",
)  # fmt: skip
MACHINE_KEYS = (
    "id", "type", "station", "conveyor", "scanner", "products", "power_kw", "mtbf_h", "mttr_min",
    "degradation_per_day", "spellings", "works_through_break_prob",
)  # fmt: skip
# Zero-padded, because generators/calendar.py and dbt compare "HH:MM" texts as strings.
HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# `--scale K` renumbers copies of a machine or device from the number after its last dash.
NUMBERED_ID = re.compile(r".+-\d+")
PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
TYPES: dict[str, tuple[type, ...]] = {
    "a mapping": (dict,),
    "a list": (list,),
    "a string": (str,),
    "a number": (int, float),
    "an integer": (int,),
}


@dataclass(frozen=True)
class Problem:
    """One mistake in a plant file: where (key path, and the line when YAML gives one) and why."""

    file: str
    key: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.reason}" if self.key else f"{where}: {self.reason}"


class _Report:
    """The problems found so far in one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, reason: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.file, key, reason, line))


@dataclass(frozen=True)
class _Span:
    """A valid shift as minutes from the start of its production day."""

    code: str
    path: str
    clock: int  # start, minutes after midnight
    minutes: int
    offset: int  # start, minutes after day_start

    @property
    def end(self) -> int:
        return self.offset + self.minutes

    @property
    def label(self) -> str:
        return f"{self.code} ({_clock(self.clock)}–{_clock(self.clock + self.minutes)})"


@dataclass(frozen=True)
class _Named:
    """A machine or product with the names that must resolve to it."""

    owner: str
    spellings: tuple[tuple[str, str, bool], ...]  # (spelling, key path, declared)


# --- entry points -------------------------------------------------------------------------------


def check_plant(path: Path | str) -> list[Problem]:
    """Every problem of a plant file; empty when it is valid and loads."""
    return check_and_load(path)[1]


def check_and_load(path: Path | str) -> tuple[PlantConfig | None, list[Problem]]:
    """The loaded plant and no problems, or None and every problem found."""
    report = _Report(str(path))
    raw = _read(Path(path), report)
    if raw is not None:
        try:
            _check_raw(raw, report)
        except Exception as exc:  # a checker bug must still end in a message, not a traceback
            report.add("", f"the checker failed on this file: {type(exc).__name__}: {exc}")
    if report.problems:
        return None, report.problems
    try:
        return load_plant(Path(path)), []
    except Exception as exc:  # the safety net: what the checks miss is a problem, not a crash
        report.add("", f"load_plant failed: {type(exc).__name__}: {exc}")
        return None, report.problems


def spelling_key(spelling: str) -> str:
    """The lookup key dbt's `alias_key` macro makes of a name: upper case, letters and digits."""
    return re.sub(r"[^A-Za-z0-9]", "", spelling).upper()


# --- reading ------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps a date YAML cannot build (2026-13-01) as text for the check."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _read(path: Path, report: _Report) -> dict[str, Any] | None:
    """The file's top-level mapping, or None with a problem when there is none to check."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.add("", f"cannot read the file: {exc}")
        return None
    try:
        node, raw = _parse(text)
    except yaml.MarkedYAMLError as exc:
        _syntax_problem(exc, report)
        return None
    except Exception as exc:  # never raise on input: bad characters, deep nesting, odd tags
        report.add("", f"invalid YAML: {' '.join(str(exc).split())}")
        return None
    if node is not None:
        _duplicate_keys(node, report)
    if raw is None:
        report.add("", "the file is empty")
        return None
    if not isinstance(raw, dict):
        report.add("", f"expected a mapping of plant sections at the top, got {_show(raw)}")
        return None
    return raw


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for lines and duplicate keys) and the values built from it."""
    loader = _Loader(text)  # raises already on characters YAML does not allow
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _syntax_problem(exc: yaml.MarkedYAMLError, report: _Report) -> None:
    """A YAML syntax error as one problem, at the line YAML names."""
    mark = exc.problem_mark or exc.context_mark
    what = "; ".join(str(part) for part in (exc.context, exc.problem) if part)
    column = f" (column {mark.column + 1})" if mark else ""
    report.add("", f"invalid YAML: {what}{column}", mark.line + 1 if mark else None)


def _duplicate_keys(root: yaml.Node, report: _Report) -> None:
    """Keys written twice in one mapping: YAML keeps the last value and says nothing."""
    found: list[tuple[int, str, str]] = []
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    seen: set[int] = set()  # an alias points at a node already walked
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                child = path if name is None else _join(path, name)
                line = key_node.start_mark.line + 1
                if name in first:
                    reason = (
                        f"duplicate key {name} (first at line {first[name]}); YAML keeps the last"
                    )
                    found.append((line, child, reason))
                elif name is not None:
                    first[name] = line
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node.value))
    for line, key, reason in sorted(found):
        report.add(key, reason, line)


# --- small helpers ------------------------------------------------------------------------------


def _join(path: str, key: object) -> str:
    """The key path of `key` inside `path`: plants.id, or products['odd key'] when it must be."""
    if isinstance(key, str) and PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def _clock(minutes: int) -> str:
    """Minutes after midnight as HH:MM on the clock (wrapping past midnight)."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _show(value: Any) -> str:
    """A value as a reason names it: its YAML kind and, for a scalar, the value."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string"}
    kind = kinds.get(type(value), type(value).__name__)
    text = repr(value) if isinstance(value, str) else str(value)
    return f"{kind} {text if len(text) <= 40 else text[:37] + '...'}"


def _is(value: Any, kind: str) -> bool:
    """Whether a value has a kind; a boolean is no number and inf or nan no quantity."""
    if isinstance(value, bool) or not isinstance(value, TYPES[kind]):
        return False
    return math.isfinite(value) if kind == "a number" else True


def _typed(report: _Report, value: Any, path: str, kind: str) -> bool:
    """Whether a value has the expected kind (a string must not be blank); a problem if not."""
    if not _is(value, kind):
        report.add(path, f"expected {kind}, got {_show(value)}")
        return False
    if kind == "a string" and not value.strip():
        report.add(path, "must not be empty")
        return False
    return True


def _field(
    report: _Report,
    mapping: dict[str, Any],
    key: str,
    path: str,
    kind: str,
    *,
    required: bool = True,
    nullable: bool = False,
) -> Any:
    """mapping[key] when it has the expected kind, else None (a problem unless it may be absent)."""
    child = _join(path, key)
    if key not in mapping:
        if required:
            report.add(child, f"missing required key {key} ({kind})")
        return None
    value = mapping[key]
    if value is None and nullable:
        return None
    return value if _typed(report, value, child, kind) else None


def _filled(report: _Report, value: Any, path: str) -> Any:
    """A list or mapping that must not be empty, or None with a problem."""
    if value is not None and not value:
        report.add(path, "must not be empty")
        return None
    return value


def _unknown_keys(
    report: _Report, mapping: dict[str, Any], path: str, allowed: Iterable[str]
) -> None:
    """Keys nobody reads: most likely a typo that silently drops what it meant to say."""
    allowed = tuple(allowed)
    for key in mapping:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            tip = f" (did you mean {hint[0]}?)" if hint else f" (known: {', '.join(allowed)})"
            report.add(_join(path, key), f"unknown key {key!r}{tip}")


def _time(report: _Report, value: Any, path: str) -> int | None:
    """Minutes after midnight of an "HH:MM" text, or None with a problem."""
    if _is(value, "an integer") and 0 <= value < DAY_MINUTES:
        # YAML 1.1 reads an unquoted 14:00 as the base-60 number 840.
        text = _clock(value)
        reason = f'expected a quoted "HH:MM" time, got the number {value}'
        report.add(path, f'{reason}: YAML reads unquoted {text} as base 60; write "{text}"')
        return None
    if not isinstance(value, str) or not HHMM.fullmatch(value):
        report.add(path, f'expected a time "HH:MM" (00:00 to 23:59), got {_show(value)}')
        return None
    return int(value[:2]) * 60 + int(value[3:])


def _time_field(
    report: _Report, mapping: dict[str, Any], key: str, path: str, *, required: bool = True
) -> int | None:
    """The minutes of mapping[key] as "HH:MM", or None (a problem unless it may be absent)."""
    if key not in mapping:
        if required:
            report.add(_join(path, key), f'missing required key {key} ("HH:MM")')
        return None
    return _time(report, mapping[key], _join(path, key))


def _positive(
    report: _Report, mapping: dict[str, Any], key: str, path: str, kind: str = "a number"
) -> float | None:
    """mapping[key] as a number > 0, or None with a problem."""
    value = _field(report, mapping, key, path, kind)
    if value is not None and value <= 0:
        report.add(_join(path, key), f"must be > 0, got {value}")
        return None
    return value


def _strings(report: _Report, mapping: dict[str, Any], key: str, path: str) -> list[str] | None:
    """An optional list of non-empty strings, or None when absent or wrong."""
    values = _field(report, mapping, key, path, "a list", required=False)
    if values is None:
        return None
    child = _join(path, key)
    ok = [_typed(report, v, f"{child}[{i}]", "a string") for i, v in enumerate(values)]
    return values if all(ok) else None


def _duplicates(items: Iterable[tuple[Any, str]]) -> Iterator[tuple[Any, str, str]]:
    """(value, path, first path) for every value met again."""
    first: dict[Any, str] = {}
    for value, path in items:
        if value in first:
            yield value, path, first[value]
        else:
            first[value] = path


# --- sections -----------------------------------------------------------------------------------


def _check_raw(raw: dict[str, Any], report: _Report) -> None:
    """Every section of a parsed plant file, each with what it needs from the others."""
    _unknown_keys(report, raw, "", [*REQUIRED_SECTIONS, *OPTIONAL_SECTIONS])
    sections = {key: _field(report, raw, key, "", kind) for key, kind in REQUIRED_SECTIONS.items()}
    for key, kind in OPTIONAL_SECTIONS.items():
        sections[key] = _field(report, raw, key, "", kind, required=False, nullable=True)
    if sections["plant"] is not None:
        _check_plant_section(report, sections["plant"])
    if sections["sources"] is not None:
        _check_sources(report, sections["sources"])
    if sections["shift_model"] is not None:
        _check_shift_model(report, sections["shift_model"])
    if sections["planned_stop_reasons"] is not None:
        _strings(report, raw, "planned_stop_reasons", "")
    if sections["state_codes"] is not None:
        _check_state_codes(report, sections["state_codes"])
    product_ids = None
    if _filled(report, sections["products"], "products") is not None:
        product_ids = _check_products(report, sections["products"])
    line_ids = machine_ids = None
    if _filled(report, sections["lines"], "lines") is not None:
        line_ids, machine_ids = _check_lines(report, sections["lines"], product_ids)
    if sections["targets"] is not None:
        _check_targets(report, sections["targets"], line_ids, machine_ids)
    if sections["log_rules"] is not None:
        _check_log_rules(report, sections["log_rules"])
    share = sections["max_rejected_share"]
    if share is not None and not 0 <= share <= 1:
        report.add("max_rejected_share", f"{share} is not in [0, 1] (a fraction: 10 % is 0.1)")
    if sections["late_after_days"] is not None:
        _check_late_after_days(report, sections["late_after_days"], sections["sources"] or [])


def _check_late_after_days(report: _Report, limits: dict[str, Any], sources: list[Any]) -> None:
    """Per delivered source, a whole number of production dates >= 0 it may trail the others."""
    for source, days in limits.items():
        path = _join("late_after_days", source)
        if source not in sources:
            report.add(path, f"{source!r} is not a source this plant delivers (`sources`)")
        elif _typed(report, days, path, "an integer") and days < 0:
            report.add(path, f"{days} is negative (production dates a source may trail, >= 0)")


def _check_log_rules(report: _Report, rules: list[Any]) -> None:
    """A plant's own machine-log rules: every key, a pattern that compiles, known states."""
    if not rules:
        report.add("log_rules", "is empty: leave the key out to use dbt's default rule table")
    names: set[str] = set()
    for i, rule in enumerate(rules):
        path = f"log_rules[{i}]"
        if not isinstance(rule, dict):
            report.add(path, f"expected a mapping, got {type(rule).__name__}")
            continue
        _unknown_keys(report, rule, path, LOG_RULE_KEYS)
        for key in LOG_RULE_KEYS:
            if key not in rule:
                report.add(f"{path}.{key}", "missing (write null when it does not apply)")
        name, pattern = rule.get("name"), rule.get("pattern")
        if name in names:
            report.add(f"{path}.name", f"rule name {name!r} is used twice")
        names.add(name)
        try:
            groups = re.compile(str(pattern)).groups
        except re.error as exc:
            report.add(f"{path}.pattern", f"not a valid regular expression: {exc}")
            continue
        for key in ("state_group", "detail_group"):
            group = rule.get(key)
            if group is not None and (not isinstance(group, int) or not 1 <= group <= groups):
                report.add(f"{path}.{key}", f"no capture group {group!r} in the pattern")
        if rule.get("state") is not None and rule.get("state") not in STATES:
            report.add(f"{path}.state", f"unknown state {rule.get('state')!r}")
        if rule.get("counts") not in (None, "failure", "small_stop"):
            report.add(f"{path}.counts", "must be failure, small_stop or null")


def _check_plant_section(report: _Report, plant: dict[str, Any]) -> None:
    """plant.id, plant.name and a time zone that exists."""
    _unknown_keys(report, plant, "plant", ("id", "name", "timezone"))
    _field(report, plant, "id", "plant", "a string")
    _field(report, plant, "name", "plant", "a string")
    zone = _field(report, plant, "timezone", "plant", "a string")
    if zone is not None and not _known_zone(zone):
        hint = difflib.get_close_matches(zone, sorted(available_timezones()), n=1)
        tip = f" (did you mean {hint[0]}?)" if hint else " (an IANA name such as Europe/Berlin)"
        report.add("plant.timezone", f"unknown time zone {zone!r}{tip}")


def _known_zone(name: str) -> bool:
    """Whether zoneinfo knows a time zone name."""
    if name in available_timezones():
        return True
    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfo raises several kinds for a bad key (not found, bad path, ...)
        return False
    return True


def _check_sources(report: _Report, sources: list[Any]) -> None:
    """Source names the bronze contract knows, each listed once."""
    from ingestion.contracts import SOURCES  # the contract owns the list of sources

    names = []
    for i, name in enumerate(sources):
        path = f"sources[{i}]"
        if not _typed(report, name, path, "a string"):
            continue
        names.append((name, path))
        if name not in SOURCES:
            hint = difflib.get_close_matches(name, SOURCES, n=1)
            tip = f"did you mean {hint[0]}?" if hint else f"known: {', '.join(SOURCES)}"
            report.add(path, f"unknown source {name!r} ({tip})")
    for name, path, first in _duplicates(names):
        report.add(path, f"source {name} is listed twice (also {first})")


def _check_state_codes(report: _Report, codes: dict[str, Any]) -> None:
    """Exactly the five states, with distinct integer codes."""
    expected = ", ".join(STATES)
    for state in STATES:
        if state not in codes:
            report.add(_join("state_codes", state), f"missing state {state} (need {expected})")
    by_code: dict[int, str] = {}
    for state, code in codes.items():
        path = _join("state_codes", state)
        if state not in STATES:
            report.add(path, f"unknown state {state!r} (need exactly {expected})")
        elif _typed(report, code, path, "an integer"):
            if code in by_code:
                report.add(path, f"code {code} is also the code of {by_code[code]}")
            by_code.setdefault(code, state)


def _check_targets(
    report: _Report,
    targets: dict[str, Any],
    line_ids: set[str] | None,
    machine_ids: set[str] | None,
) -> None:
    """KPI targets as fractions in [0, 1], for lines and machines the plant has."""
    _unknown_keys(report, targets, "targets", ("plant", "lines", "machines"))
    plant = _field(report, targets, "plant", "targets", "a mapping", required=False, nullable=True)
    if plant is not None:
        _check_kpis(report, plant, "targets.plant")
    for scope, known in (("lines", line_ids), ("machines", machine_ids)):
        scoped = _field(
            report, targets, scope, "targets", "a mapping", required=False, nullable=True
        )
        for scope_id, kpis in (scoped or {}).items():
            path = _join(f"targets.{scope}", scope_id)
            if known is not None and scope_id not in known:
                report.add(path, f"unknown {scope[:-1]} {scope_id!r}")
            if _typed(report, kpis, path, "a mapping"):
                _check_kpis(report, kpis, path)


def _check_kpis(report: _Report, kpis: dict[str, Any], path: str) -> None:
    """Each target a number in [0, 1]."""
    for kpi, value in kpis.items():
        child = _join(path, kpi)
        if _typed(report, value, child, "a number") and not 0 <= value <= 1:
            report.add(
                child, f"target {value} is not in [0, 1] (targets are fractions: 65 % is 0.65)"
            )


# --- shift model --------------------------------------------------------------------------------


def _check_shift_model(report: _Report, model: dict[str, Any]) -> None:
    """Shifts that fit one production day without overlap, valid breaks, weekdays and holidays."""
    path = "shift_model"
    _unknown_keys(report, model, path, ("day_start", "shifts", "weekdays", "holidays"))
    shifts = _filled(report, _field(report, model, "shifts", path, "a list"), f"{path}.shifts")
    raw_shifts = shifts or []
    if "day_start" in model:
        day_start = _time_field(report, model, "day_start", path)
    else:
        day_start = _first_start(raw_shifts)
    anchor = 0 if day_start is None else day_start
    spans = [
        _check_shift(report, s, f"{path}.shifts[{i}]", anchor) for i, s in enumerate(raw_shifts)
    ]
    valid = [s for s in spans if s is not None]
    for code, where, first in _duplicates((s.code, s.path) for s in valid):
        report.add(f"{where}.code", f"duplicate shift code {code} (also {first})")
    weekdays = _field(report, model, "weekdays", path, "a mapping", required=False, nullable=True)
    codes = {s.code for s in valid} if len(valid) == len(raw_shifts) else None
    if weekdays is not None:
        _check_weekdays(report, weekdays, codes)
    if day_start is not None:
        _check_day_fit(report, valid, day_start)
        _check_overlaps(report, valid, _patterns(weekdays or {}, [s.code for s in valid]))
    holidays = _field(report, model, "holidays", path, "a list", required=False, nullable=True)
    _check_holidays(report, holidays or [])


def _first_start(shifts: list[Any]) -> int | None:
    """The first shift's start: load_plant's day start when day_start is absent (unreported)."""
    start = shifts[0].get("start") if shifts and isinstance(shifts[0], dict) else None
    if not isinstance(start, str) or not HHMM.fullmatch(start):
        return None
    return int(start[:2]) * 60 + int(start[3:])


def _check_shift(report: _Report, shift: Any, path: str, day_start: int) -> _Span | None:
    """One shift and its breaks; the shift as a span when it is valid."""
    if not _typed(report, shift, path, "a mapping"):
        return None
    _unknown_keys(report, shift, path, ("code", "start", "hours", "breaks"))
    code = _field(report, shift, "code", path, "a string")
    start = _time_field(report, shift, "start", path)
    hours = _field(report, shift, "hours", path, "a number")
    if hours is not None and not 0 < hours <= 24:
        report.add(f"{path}.hours", f"shift hours must be > 0 and ≤ 24, got {hours}")
        hours = None
    span = None
    if code is not None and start is not None and hours is not None:
        minutes = round(hours * 60)  # as Shift.minutes
        span = _Span(code, path, start, minutes, (start - day_start) % DAY_MINUTES)
    breaks = _field(report, shift, "breaks", path, "a list", required=False, nullable=True)
    _check_breaks(report, breaks or [], f"{path}.breaks", span)
    return span


def _check_breaks(report: _Report, breaks: list[Any], path: str, span: _Span | None) -> None:
    """Breaks inside their shift (a clock time before the shift start is the next day's), apart."""
    inside: list[tuple[int, int, str]] = []  # (minutes after shift start, minutes, key path)
    for i, brk in enumerate(breaks):
        where = f"{path}[{i}]"
        if not _typed(report, brk, where, "a mapping"):
            continue
        _unknown_keys(report, brk, where, ("start", "minutes"))
        start = _time_field(report, brk, "start", where)
        minutes = _positive(report, brk, "minutes", where, "an integer")
        if span is None or start is None or minutes is None:
            continue
        offset = (start - span.clock) % DAY_MINUTES
        if offset >= span.minutes:
            report.add(f"{where}.start", f"break {_clock(start)} is outside shift {span.label}")
        elif offset + minutes > span.minutes:
            clocks = f"{_clock(start)}–{_clock(start + minutes)}"
            report.add(f"{where}.minutes", f"break {clocks} ends after shift {span.label}")
        else:
            inside.append((offset, int(minutes), where))
    _check_break_overlaps(report, inside, span)


def _check_break_overlaps(
    report: _Report, inside: list[tuple[int, int, str]], span: _Span | None
) -> None:
    """Breaks of one shift that share a minute."""
    if span is None:
        return

    def label(offset: int, minutes: int) -> str:
        start = span.clock + offset
        return f"{_clock(start)}–{_clock(start + minutes)}"

    ordered = sorted(inside)
    for i, (b_off, b_min, b_path) in enumerate(ordered):
        # Any earlier break, not only the previous one: a long break may cover several.
        earlier = [(a_off, a_min) for a_off, a_min, _ in ordered[:i] if b_off < a_off + a_min]
        if earlier:
            other = f"break {label(*earlier[0])} in shift {span.code}"
            report.add(f"{b_path}.start", f"break {label(b_off, b_min)} overlaps {other}")


def _check_day_fit(report: _Report, spans: list[_Span], day_start: int) -> None:
    """Every shift inside one production day [day_start, day_start + 24 h)."""
    day = f"{_clock(day_start)}–{_clock(day_start)} next day"
    for span in spans:
        if span.end > DAY_MINUTES:
            reason = f"runs past the end of its production day ({day}, shift_model.day_start)"
            report.add(span.path, f"shift {span.label} {reason}")


def _patterns(weekdays: dict[Any, Any], codes: list[str]) -> dict[str, set[str]]:
    """The shift codes scheduled on each weekday (a weekday not listed runs every shift)."""
    patterns = {}
    for day in WEEKDAYS:
        listed = weekdays.get(day, codes)
        valid = isinstance(listed, list) or listed is None
        patterns[day] = {c for c in listed or () if isinstance(c, str)} if valid else set(codes)
    return patterns


def _check_overlaps(report: _Report, spans: list[_Span], patterns: dict[str, set[str]]) -> None:
    """Two shifts scheduled on the same weekday must not share a minute of the production day."""
    days_by_pair: dict[tuple[_Span, _Span], list[str]] = {}
    for day, codes in patterns.items():
        scheduled = [s for s in spans if s.code in codes]
        for a, b in combinations(scheduled, 2):
            if a.offset < b.end and b.offset < a.end:
                days_by_pair.setdefault((a, b), []).append(day)
    for (a, b), days in days_by_pair.items():
        when = "every day" if len(days) == len(WEEKDAYS) else ", ".join(days)
        report.add(f"{b.path}.start", f"shift {b.label} overlaps shift {a.label} ({when})")


def _check_weekdays(report: _Report, weekdays: dict[Any, Any], codes: set[str] | None) -> None:
    """Weekday keys mon..sun, each naming known shift codes (null: no shift that day)."""
    for day, listed in weekdays.items():
        path = _join("shift_model.weekdays", day)
        if day not in WEEKDAYS:
            report.add(path, f"unknown weekday {day!r} (use {', '.join(WEEKDAYS)})")
            continue
        if listed is None or not _typed(report, listed, path, "a list"):
            continue
        for i, code in enumerate(listed):
            where = f"{path}[{i}]"
            if _typed(report, code, where, "a string") and codes is not None and code not in codes:
                report.add(
                    where, f"unknown shift code {code!r} (shifts: {', '.join(sorted(codes))})"
                )


def _check_holidays(report: _Report, holidays: list[Any]) -> None:
    """Holidays as {date: YYYY-MM-DD, name: ...}, each date once."""
    dates = []
    for i, holiday in enumerate(holidays):
        path = f"shift_model.holidays[{i}]"
        if not _typed(report, holiday, path, "a mapping"):
            continue
        _unknown_keys(report, holiday, path, ("date", "name"))
        _field(report, holiday, "name", path, "a string", required=False)
        if "date" not in holiday:
            report.add(f"{path}.date", "missing required key date (YYYY-MM-DD)")
            continue
        day = _date(holiday["date"])
        if day is None:
            report.add(f"{path}.date", f"not a date YYYY-MM-DD: {_show(holiday['date'])}")
        else:
            dates.append((day, f"{path}.date"))
    for day, path, first in _duplicates(dates):
        report.add(path, f"holiday {day} is listed twice (also {first})")


def _date(value: Any) -> date | None:
    """A calendar date from YAML (a date, or a YYYY-MM-DD text that is a real day)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- products, lines and machines ---------------------------------------------------------------


def _check_products(report: _Report, products: dict[Any, Any]) -> set[str]:
    """Each product's fields and BOM; spellings that stay distinct; the product ids."""
    ids = {pid for pid in products if isinstance(pid, str)}
    named: list[_Named] = []
    scan_codes = []
    for pid, spec in products.items():
        path = _join("products", pid)
        if not isinstance(pid, str):
            report.add(path, f"a product id must be a string, got {_show(pid)}")
            continue
        if not _typed(report, spec, path, "a mapping"):
            continue
        allowed = ("name", "kind", "unit", "scan_code", "bom", "spellings")
        _unknown_keys(report, spec, path, allowed)
        name = _field(report, spec, "name", path, "a string")
        kind = _field(report, spec, "kind", path, "a string")
        if kind is not None and kind not in PRODUCT_KINDS:
            report.add(f"{path}.kind", f"unknown kind {kind!r} (use {', '.join(PRODUCT_KINDS)})")
        _field(report, spec, "unit", path, "a string")
        scan_code = _field(report, spec, "scan_code", path, "a string", required=False)
        if scan_code is not None:
            scan_codes.append((scan_code, f"{path}.scan_code"))
        spellings = _strings(report, spec, "spellings", path)
        bom = _field(report, spec, "bom", path, "a mapping", required=False, nullable=True)
        _check_bom(report, bom or {}, f"{path}.bom", ids)
        if name is not None and (spellings is not None or "spellings" not in spec):
            named.append(_product_names(pid, spec, path))
    for code, path, first in _duplicates(scan_codes):
        report.add(path, f"scan code {code} is also the scan code at {first}")
    _check_bom_cycles(report, products, ids)
    _check_spellings(report, named, "product", set())
    return ids


def _product_names(pid: str, spec: dict[str, Any], path: str) -> _Named:
    """A product's spellings, each with the key it comes from."""
    declared = list(spec.get("spellings") or ())
    rows = []
    for s in product_spellings(pid, spec):
        if s in declared:
            rows.append((s, f"{path}.spellings[{declared.index(s)}]", True))
        else:
            rows.append((s, path if s == pid else f"{path}.name", False))
    return _Named(pid, tuple(rows))


def _check_bom(report: _Report, bom: dict[Any, Any], path: str, ids: set[str]) -> None:
    """BOM components that are products, with whole quantities > 0."""
    for component, qty in bom.items():
        child = _join(path, component)
        if component not in ids:
            report.add(child, f"BOM component {component} is not a product")
        if _typed(report, qty, child, "an integer") and qty <= 0:
            report.add(child, f"quantity must be > 0, got {qty}")


def _check_bom_cycles(report: _Report, products: dict[Any, Any], ids: set[str]) -> None:
    """A product that (through its components) needs itself can never be made."""
    edges = {
        pid: [c for c in (spec.get("bom") or {}) if c in ids]
        for pid, spec in products.items()
        if pid in ids and isinstance(spec, dict) and isinstance(spec.get("bom") or {}, dict)
    }
    done: set[str] = set()
    for root in edges:
        cycle = _find_cycle(root, edges, done, [])
        if cycle:
            report.add(f"{_join('products', cycle[0])}.bom", f"BOM cycle {' → '.join(cycle)}")


def _find_cycle(
    pid: str, edges: dict[str, list[str]], done: set[str], trail: list[str]
) -> list[str] | None:
    """The first cycle reachable from pid (as product ids, first repeated last), depth first."""
    if pid in trail:
        return [*trail[trail.index(pid) :], pid]
    if pid in done:
        return None
    trail.append(pid)
    for component in edges.get(pid, ()):
        cycle = _find_cycle(component, edges, done, trail)
        if cycle:
            done.update(trail)
            return cycle
    trail.pop()
    done.add(pid)
    return None


def _check_lines(
    report: _Report, lines: list[Any], product_ids: set[str] | None
) -> tuple[set[str], set[str]]:
    """Lines and their machines; ids, stations and spellings that stay distinct."""
    line_ids: list[tuple[str, str]] = []
    machines: list[tuple[dict[str, Any], str]] = []  # those usable for naming
    machine_ids: set[str] = set()
    for i, line in enumerate(lines):
        path = f"lines[{i}]"
        if not _typed(report, line, path, "a mapping"):
            continue
        _unknown_keys(report, line, path, ("id", "name", "machines"))
        line_id = _field(report, line, "id", path, "a string")
        if line_id is not None:
            line_ids.append((line_id, f"{path}.id"))
        _field(report, line, "name", path, "a string")
        listed = _field(report, line, "machines", path, "a list")
        for j, machine in enumerate(_filled(report, listed, f"{path}.machines") or []):
            where = f"{path}.machines[{j}]"
            if _check_machine(report, machine, where, product_ids):
                machines.append((machine, where))
            if isinstance(machine, dict) and isinstance(machine.get("id"), str):
                machine_ids.add(machine["id"])
    for line_id, path, first in _duplicates(line_ids):
        report.add(path, f"duplicate line id {line_id} (also {first})")
    _check_machine_identity(report, machines)
    return {lid for lid, _ in line_ids}, machine_ids


def _check_machine(report: _Report, machine: Any, path: str, product_ids: set[str] | None) -> bool:
    """One machine's fields; whether its id, station and spellings are usable for naming."""
    if not _typed(report, machine, path, "a mapping"):
        return False
    _unknown_keys(report, machine, path, MACHINE_KEYS)
    machine_id = _field(report, machine, "id", path, "a string")
    if machine_id is not None and not NUMBERED_ID.fullmatch(machine_id):
        report.add(f"{path}.id", _scale_rule("machine", machine_id, "SMELTER-01"))
    _field(report, machine, "type", path, "a string")
    station = _field(report, machine, "station", path, "a string")
    for device in ("conveyor", "scanner"):
        value = _field(report, machine, device, path, "a string", required=False)
        if value is not None and not NUMBERED_ID.fullmatch(value):
            report.add(f"{path}.{device}", _scale_rule(device, value, "CONV-01"))
    makes = _filled(
        report, _field(report, machine, "products", path, "a mapping"), f"{path}.products"
    )
    _check_ideal_cycles(report, makes or {}, f"{path}.products", product_ids)
    _check_power(report, machine, path)
    _positive(report, machine, "mtbf_h", path)
    _positive(report, machine, "mttr_min", path)
    degradation = _field(report, machine, "degradation_per_day", path, "a number", required=False)
    if degradation is not None and degradation < 0:
        report.add(f"{path}.degradation_per_day", f"must be ≥ 0, got {degradation}")
    spellings = _strings(report, machine, "spellings", path)
    has_spellings = spellings is not None or "spellings" not in machine
    return machine_id is not None and station is not None and has_spellings


def _scale_rule(what: str, value: str, example: str) -> str:
    """Why an id needs a trailing number."""
    return f"{what} id {value!r} must end in -<number>, like {example}: `--scale` numbers copies"


def _check_ideal_cycles(
    report: _Report, makes: dict[Any, Any], path: str, product_ids: set[str] | None
) -> None:
    """Each product a machine makes is a product and has an ideal cycle time > 0 s."""
    for product, cycle in makes.items():
        child = _join(path, product)
        if product_ids is not None and product not in product_ids:
            report.add(child, f"product {product} is not in products")
        if cycle is None:
            report.add(child, f"no ideal cycle time (s) for product {product}")
        elif _typed(report, cycle, child, "a number") and cycle <= 0:
            report.add(child, f"ideal cycle time for {product} must be > 0 s, got {cycle}")


def _check_power(report: _Report, machine: dict[str, Any], path: str) -> None:
    """Power draw (kW, ≥ 0) for every machine state: the simulator meters each state."""
    power = _field(report, machine, "power_kw", path, "a mapping")
    if power is None:
        return
    for state in STATES:
        if state not in power:
            report.add(f"{path}.power_kw.{state}", f"missing power for state {state}")
    for state, kw in power.items():
        child = _join(f"{path}.power_kw", state)
        if state not in STATES:
            report.add(child, f"unknown state {state!r} (use {', '.join(STATES)})")
        elif _typed(report, kw, child, "a number") and kw < 0:
            report.add(child, f"must be ≥ 0, got {kw}")


def _check_machine_identity(report: _Report, machines: list[tuple[dict[str, Any], str]]) -> None:
    """Machine ids, station codes and every spelling name one machine each."""
    for mid, path, first in _duplicates((m["id"], f"{p}.id") for m, p in machines):
        report.add(path, f"duplicate machine id {mid} (also {first})")
    explained: set[frozenset[str]] = set()  # machine pairs already reported by station
    owner = {f"{p}.station": m["id"] for m, p in machines}
    for station, path, first in _duplicates((m["station"], f"{p}.station") for m, p in machines):
        report.add(path, f"duplicate station code {station} (also {first}, machine {owner[first]})")
        explained.add(frozenset((owner[path], owner[first])))
    named = [_machine_names(m, p) for m, p in machines]
    _check_spellings(report, named, "machine", explained)


def _machine_names(machine: dict[str, Any], path: str) -> _Named:
    """A machine's generated and declared spellings, each with the key it comes from."""
    declared = list(machine.get("spellings") or ())
    stub = Machine(
        id=machine["id"],
        line_id="",
        type="",
        station=machine["station"],
        ideal_cycle_s={},
        power_kw={},
        mtbf_h=0.0,
        mttr_min=0.0,
        spellings=tuple(declared),
    )
    rows = []
    for s in machine_spellings(stub):
        if s in declared:
            rows.append((s, f"{path}.spellings[{declared.index(s)}]", True))
        else:
            from_station = s == stub.station or s.startswith(f"{stub.station} (")
            rows.append((s, f"{path}.station" if from_station else f"{path}.id", False))
    return _Named(stub.id, tuple(rows))


def _check_spellings(
    report: _Report, named: list[_Named], what: str, explained: set[frozenset[str]]
) -> None:
    """No two owners share a normalized spelling: dbt could not tell them apart."""
    first: dict[str, tuple[str, str, bool]] = {}  # key -> (spelling, owner, declared)
    reported = set(explained)
    for item in named:
        for spelling, path, declared in item.spellings:
            key = spelling_key(spelling)
            if not key:
                report.add(path, f"spelling {spelling!r} has no letter or digit to look it up by")
                continue
            other, other_owner, other_declared = first.setdefault(
                key, (spelling, item.owner, declared)
            )
            pair = frozenset((item.owner, other_owner))
            if other_owner == item.owner or pair in reported:
                continue
            reported.add(pair)
            this = f"{_kind(declared)} spelling {spelling!r} of {what} {item.owner}"
            that = f"{_kind(other_declared)} spelling {other!r} of {what} {other_owner}"
            report.add(path, f"{this} and {that} both normalize to {key}")


def _kind(declared: bool) -> str:
    """How a spelling came to be, for messages."""
    return "declared" if declared else "generated"
