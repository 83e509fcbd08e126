"""Silver's kinds of bad delivery: well-formed rows that name something the plant does not know.

Each case appends one copy of a real row of the day's file with a fresh id and one value the plant
cannot resolve (a machine, product, station, scanner), or a machine-log line no log rule matches.
The row passes bronze's row rules and lands in the silver quarantine (int_source_rows_quarantined,
served in gold.fct_row_rejects with stage 'silver'). The ids are new, so the plant's truth never
contains the row and leaving it out keeps gold equal to truth.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from tests.bad_delivery.case import SILVER, Case, Landed, append_line

PLANT = "PLANT-01"  # the default plant's id, as the reasons name it


def _landed_file(home: Path, day: date, source: str, pattern: str = "*") -> Path:
    """The day's landed original of a source: the shortest name (other cases add copies such as
    `x__resent.csv` beside it, some of them not text)."""
    found = (home / "landing" / day.isoformat() / source).glob(pattern)
    return min(found, key=lambda p: (len(p.name), p.name))


def _append_csv_copy(
    home: Path, day: date, source: str, changes: dict[str, str], reason: str
) -> Landed:
    """Append a copy of the file's first data row with `changes` applied."""
    path = _landed_file(home, day, source)
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    row = next(reader)
    assert set(changes) <= set(row), f"{source} has no column {set(changes) - set(row)}"
    row.update(changes)
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row.values())
    line = append_line(path, out.getvalue())
    return Landed(str(path.relative_to(home)), line, reason, SILVER)


def _csv_case(name: str, source: str, id_column: str, field: str, value: str, noun: str) -> Case:
    def apply(home: Path, day: date) -> Landed:
        changes = {id_column: f"SILVER-{name}", field: value}
        reason = f'{field} "{value}" is not a {noun} of plant {PLANT}'
        return _append_csv_copy(home, day, source, changes, reason)

    return Case(name, apply)


def _jsonl_case(name: str, source: str, edit: Callable[[dict], None], reason: str) -> Case:
    def apply(home: Path, day: date) -> Landed:
        path = _landed_file(home, day, source)
        with path.open(encoding="utf-8") as f:
            record = json.loads(f.readline())
        edit(record)
        line = append_line(path, json.dumps(record))
        return Landed(str(path.relative_to(home)), line, reason, SILVER)

    return Case(name, apply)


def _sensor_on_unknown_machine(record: dict) -> None:
    record["machine"] = "MACHINE-99"


def _snapshot_of_unknown_machine(record: dict) -> None:
    record["endpoint"] = "opc.tcp://plc-x99.plant.local:4840"
    for node in record["nodes"]:
        machine, _, node_name = node["node_id"].rpartition(";s=")[2].rpartition(".")
        node["node_id"] = node["node_id"].replace(
            f"{machine}.{node_name}", f"MACHINE-99.{node_name}"
        )


def _log_line_matching_no_rule(home: Path, day: date) -> Landed:
    """A WARN line in a format no rule of the log rule table knows, stamped like the last line."""
    path = _landed_file(home, day, "machine_logs", "SM1__*.log")
    last = path.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)[-1]
    stamp = last.split(" ", 1)[0]
    line = append_line(path, f"{stamp} [WARN] SM1: Coolant pump vibration high")
    return Landed(str(path.relative_to(home)), line, "matches no log rule", SILVER)


def _batch_older_than_its_delivery_can_hold(home: Path, day: date) -> Landed:
    """A batch six days before its file's date: within bronze's plausible window, but older than
    the lookback a delivery can hold, so it would name a date the date dimension lacks."""
    path = _landed_file(home, day, "production_batches")
    first = next(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    changes = {
        column: (datetime.fromisoformat(first[column]) - timedelta(days=6)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        for column in ("start_time", "end_time")
    }
    changes["batch_id"] = "SILVER-batch-six-days-old"
    return _append_csv_copy(home, day, "production_batches", changes, "cannot hold")


CASES: list[Case] = [
    Case("batch_older_than_its_delivery_can_hold", _batch_older_than_its_delivery_can_hold),
    _csv_case(
        "unknown_machine_batch",
        "production_batches",
        "batch_id",
        "machine_id",
        "MACHINE-99",
        "machine",
    ),
    _csv_case(
        "unknown_product_batch",
        "production_batches",
        "batch_id",
        "product",
        "UNOBTAINIUM",
        "product",
    ),
    _csv_case("unknown_machine_qc", "qc_checks", "check_id", "machine_id", "MACHINE-99", "machine"),
    _csv_case(
        "unknown_machine_operator_log",
        "operator_logs",
        "event_id",
        "machine_id",
        "MACHINE-99",
        "machine",
    ),
    _csv_case(
        "unknown_station_conveyor",
        "conveyor_requests",
        "request_id",
        "station_id",
        "DSP9",
        "station",
    ),
    _csv_case(
        "unknown_conveyor_request",
        "conveyor_requests",
        "request_id",
        "conveyor_id",
        "CONV-99",
        "conveyor",
    ),
    _csv_case(
        "unknown_station_equipment",
        "equipment_records",
        "record_id",
        "station_id",
        "DSP9",
        "station",
    ),
    _csv_case(
        "unknown_scanner_scan", "product_scans", "scan_id", "scanner_id", "SCAN-99", "scanner"
    ),
    _jsonl_case(
        "unknown_machine_sensor",
        "sensor_logs",
        _sensor_on_unknown_machine,
        f'machine "MACHINE-99" is not a machine of plant {PLANT}',
    ),
    _jsonl_case(
        "unknown_machine_plc",
        "controller_snapshots",
        _snapshot_of_unknown_machine,
        "is not a node of a machine of plant",
    ),
    Case("log_line_matching_no_rule", _log_line_matching_no_rule),
]
