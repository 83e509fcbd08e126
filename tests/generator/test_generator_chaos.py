"""Chaos: every type is injected at its rate with `default`, never with `none`, and every injected
item is listed in truth at the file and line where it really is."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generators.chaos import CATALOGUE, ChaosConfig

CSV_TIMED = {
    "production_batches": ("start_time", "end_time"),
    "qc_checks": ("checked_at",),
    "operator_logs": ("event_time",),
    "conveyor_requests": ("requested_at",),
    "product_scans": ("scanned_at",),
    "equipment_records": ("recorded_at",),
}
UTC_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
OFFSET_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
NAIVE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def _instant(text: str) -> datetime:
    """Any of the three timestamp forms as an aware instant (naive = plant-local)."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo("Europe/Berlin"))


def _lines(home: Path, rel: str) -> list[bytes]:
    return (home / rel).read_bytes().split(b"\n")[:-1]


def _line(home: Path, rel: str, n: int) -> bytes:
    return _lines(home, rel)[n - 1]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file that parse with the header's column count (truncated rows skipped)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return [dict(zip(header, r, strict=True)) for r in reader if len(r) == len(header)]


def _all_chaos(truths: dict[str, dict]) -> list[dict]:
    return [item for t in truths.values() for item in t["chaos"]]


def test_all_sixteen_types_appear_with_default(default_truths):
    seen = Counter(item["type"] for item in _all_chaos(default_truths))
    assert set(seen) == set(CATALOGUE), f"missing: {set(CATALOGUE) - set(seen)}"


def test_no_chaos_with_none(clean_home, clean_truths):
    assert all(t["chaos"] == [] for t in clean_truths.values())
    names = [p.name for p in (clean_home / "landing").rglob("*") if p.is_file()]
    assert not [n for n in names if re.search(r"resent|copy|\(1\)", n)]
    for source, columns in CSV_TIMED.items():
        for path in (clean_home / "landing").glob(f"*/{source}/*.csv"):
            text = path.read_bytes().decode("utf-8")  # also: no bad bytes anywhere
            rows = list(csv.DictReader(io.StringIO(text)))
            assert rows
            for row in rows:
                assert all(UTC_RE.match(row[c]) for c in columns), (path, row)
            if source == "production_batches":
                assert all(
                    r["product"]
                    in {
                        "IRON_PLATE",
                        "COPPER_PLATE",
                        "GEAR_WHEEL",
                        "COPPER_COIL",
                        "GEARBOX_S",
                        "GEARBOX_M",
                    }
                    for r in rows
                )
                assert len({r["batch_id"] for r in rows}) == len(rows)
                assert "energy_kwh" in rows[0]
    for path in (clean_home / "landing").glob("*/sensor_logs/*.jsonl"):
        for line in path.read_text().splitlines():
            doc = json.loads(line)
            assert None not in doc.values() and doc["ts"] == doc["ts"]
    for path in (clean_home / "landing").glob("*/controller_snapshots/*.jsonl"):
        for line in path.read_text().splitlines()[:500]:
            nodes = json.loads(line)["nodes"]
            assert {n["status_code"] for n in nodes} == {"Good"}
            assert "UInt16" not in {n["data_type"] for n in nodes}
    for truth in clean_truths.values():
        assert truth["anomalies"] == []


def _within_binomial(observed: int, n: int, p: float) -> bool:
    return abs(observed - n * p) <= 4 * math.sqrt(n * p * (1 - p)) + 2


def test_row_level_rates_match_configuration(default_home, default_truths):
    rates = ChaosConfig.from_level("default").rates
    items = Counter((i["name"], i["source"]) for i in _all_chaos(default_truths))
    land = default_home / "landing"

    timed_rows = sum(
        len(_csv_rows(p))
        for s in CSV_TIMED
        for p in land.glob(f"*/{s}/*.csv")
        if not re.search(r"resent|copy|\(1\)", p.name)
    )
    tz_items = sum(n for (name, _), n in items.items() if name == "timezone_mix")
    # Duplicated batch rows repeat their original's timestamps, hence the count of items ≤ rows.
    assert _within_binomial(tz_items, timed_rows, rates["timezone_mix"])

    sensor_lines = [
        ln
        for p in land.glob("*/sensor_logs/sensor_logs__????-??-??.jsonl")
        for ln in p.read_text(errors="replace").splitlines()
    ]
    values = 0
    for ln in sensor_lines:
        try:
            values += 4 if json.loads(ln) else 0
        except json.JSONDecodeError:
            continue
    assert _within_binomial(items[("sensor_nulls", "sensor_logs")], values, rates["sensor_nulls"])

    scans = sum(
        len(_csv_rows(p)) for p in land.glob("*/product_scans/product_scans__????-??-??.csv")
    )
    misreads = sum(
        1
        for i in _all_chaos(default_truths)
        if i["name"] == "scanner_misreads" and i["detail"] == "misread"
    )
    assert _within_binomial(misreads, scans, rates["scanner_misreads"])


CHECKS = {}


def check(name):
    def register(fn):
        CHECKS[name] = fn
        return fn

    return register


@check("product_variants")
def _product(home, item):
    line = _line(home, item["file"], item["line"]).decode()
    assert item["detail"] in next(csv.reader([line]))


@check("machine_variants")
def _machine(home, item):
    line = _line(home, item["file"], item["line"]).decode("utf-8", errors="replace")
    assert item["detail"] in line


@check("sensor_nulls")
def _nulls(home, item):
    assert json.loads(_line(home, item["file"], item["line"]))[item["detail"]] is None


@check("timezone_mix")
def _tz(home, item):
    fields = next(csv.reader([_line(home, item["file"], item["line"]).decode(errors="replace")]))
    pattern = NAIVE_RE if item["detail"] == "local_naive" else OFFSET_RE
    # A naive local time in the repeated DST hour is written with its offset instead.
    assert any(pattern.match(f) or OFFSET_RE.match(f) for f in fields)
    assert not any(UTC_RE.match(f) for f in fields)


@check("duplicate_batches")
def _dup(home, item):
    lines = _lines(home, item["file"])
    assert lines.count(lines[item["line"] - 1]) >= 2


@check("malformed_lines")
def _malformed(home, item):
    lines = _lines(home, item["file"])
    bad = lines[item["line"] - 1]
    if item["detail"] == "bad bytes":
        with pytest.raises(UnicodeDecodeError):
            bad.decode("utf-8")
    else:
        assert lines[item["line"]].startswith(bad) and len(bad) < len(lines[item["line"]])


@check("opcua_bad_values")
def _opcua(home, item):
    node_id = item["key"].split("@")[0]
    nodes = json.loads(_line(home, item["file"], item["line"]))["nodes"]
    (node,) = [n for n in nodes if n["node_id"] == node_id]
    assert node["status_code"] != "Good"


@check("scanner_misreads")
def _scans(home, item):
    fields = next(csv.reader([_line(home, item["file"], item["line"]).decode()]))
    if item["detail"] == "misread":
        assert re.search(r"[?#*]", fields[3])
    else:
        previous = next(csv.reader([_line(home, item["file"], item["line"] - 1).decode()]))
        assert fields[0] == f"{previous[0]}-R"  # the same carrier read again, seconds later
        assert _instant(fields[4]) > _instant(previous[4])


@check("late_arrivals")
def _late(home, item):
    delivery = item["file"].split("/")[1]
    assert delivery > item["production_date"]


@check("duplicate_files")
def _dup_file(home, item):
    assert (home / item["file"]).read_bytes() == (home / item["detail"]["original"]).read_bytes()


@check("schema_drift")
def _drift(home, item):
    header = _lines(home, item["file"])[0].decode()
    assert "energy_consumed_kwh" in header and "shift_code" in header


@check("counter_resets")
def _counter(home, item):
    machine = item["key"].split(".")[0]
    lines = _lines(home, item["file"])
    mine = [json.loads(x) for x in lines[: item["line"]] if f"s={machine}." in x.decode()]
    value = next(n["value"] for n in mine[-1]["nodes"] if n["node_id"].endswith("TotalCount"))
    before = next(n["value"] for n in mine[-2]["nodes"] if n["node_id"].endswith("TotalCount"))
    assert value < before or value == 0 or before is None


def test_every_listed_item_is_where_truth_says(default_home, default_truths):
    checked = Counter()
    for item in _all_chaos(default_truths):
        if item["name"] != "degradation":  # a property of the simulation, not of a file
            assert item["file"] is not None, item
            whole_file = item["name"] == "duplicate_files" or str(item["detail"]).startswith("file")
            assert (item["line"] is None) == whole_file, item
        fn = CHECKS.get(item["name"])
        if (
            fn is None
            or item["file"] is None
            or (item["line"] is None and item["name"] not in {"duplicate_files"})
        ):
            continue  # device-, day- or simulation-level items have no single line
        fn(default_home, item)
        checked[item["name"]] += 1
    assert set(checked) == set(CHECKS)


def test_every_visible_anomaly_is_listed(default_home, default_truths):
    """The other direction: what the files show is exactly what truth lists."""
    land = default_home / "landing"
    items = _all_chaos(default_truths)
    copies = {
        p.relative_to(default_home).as_posix()
        for p in land.rglob("*")
        if p.is_file() and re.search(r"resent|_copy\.|\(1\)", p.name)
    }
    assert copies == {i["file"] for i in items if i["name"] == "duplicate_files"}

    nulls = 0
    for p in land.glob("*/sensor_logs/sensor_logs__????-??-??.jsonl"):
        for ln in p.read_bytes().split(b"\n")[:-1]:
            try:
                nulls += sum(v is None for v in json.loads(ln).values())
            except json.JSONDecodeError:
                continue
    assert nulls == sum(1 for i in items if i["name"] == "sensor_nulls")

    broken = 0
    for p in land.glob("*/*/*"):
        if p.suffix in {".csv", ".jsonl", ".log"} and not re.search(r"resent|copy|\(1\)", p.name):
            lines = p.read_bytes().split(b"\n")[:-1]
            broken += sum(1 for a, b in itertools.pairwise(lines) if b.startswith(a) and a != b)
            for ln in lines:
                try:
                    ln.decode("utf-8")
                except UnicodeDecodeError:
                    broken += 1
    assert broken == sum(1 for i in items if i["name"] == "malformed_lines")

    truncated = {(i["file"], i["line"]) for i in items if i["detail"] == "truncated row"}
    for p in land.glob("*/production_batches/*.csv"):
        rel = p.relative_to(default_home).as_posix()
        lines = p.read_text(encoding="utf-8").splitlines()
        width = len(next(csv.reader([lines[0]])))
        for n, line in enumerate(lines[1:], start=2):
            if (rel, n) not in truncated:  # late rows arrive in the file's own layout
                assert len(next(csv.reader([line]))) == width, (rel, n)


def test_late_rows_take_the_layout_of_the_file_they_arrive_in(tmp_path):
    """Rows arriving late into files after the schema drift carry exactly the drifted columns."""
    from datetime import date

    from generators.run import generate

    generate(
        tmp_path,
        date(2026, 5, 4),
        6,
        seed=5,
        chaos_level="default",
        overrides={"late_arrivals": 0.5, "malformed_lines": 0.0},
    )
    late_into_drifted = 0
    for p in sorted(tmp_path.glob("landing/*/production_batches/*.csv")):
        lines = p.read_text(encoding="utf-8").splitlines()
        width = len(next(csv.reader([lines[0]])))
        widths = {len(next(csv.reader([line]))) for line in lines[1:]}
        assert widths == {width}, p
        if "shift_code" in lines[0]:
            label = p.name.split("__")[1][:10]
            late_into_drifted += sum(
                1
                for line in lines[1:]
                if f"B{label[2:4]}" in line
                and line.split(",")[0][1:7] != label[2:].replace("-", "")
            )
    assert late_into_drifted > 0  # the case under test really occurred
