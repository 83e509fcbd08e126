"""Row-level value rules and line limits at the bronze edge, and when rejects block a date.

Each rule: a good value loads, each bad value is one reject naming its field, value and reason
at the right line, and the file's accounting holds. Then the edge corpus (tests/bad_delivery/
cases_edge.py) on a clean generated home, heavy generator chaos (nothing it makes is rejected by
a value rule), the blocking policy, and the schema upgrade of older warehouses.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import yaml

from generators.run import generate
from ingestion.accounting import FEW_REJECTS, accounting_breaks, rejects_that_block
from ingestion.contracts import MAX_LINE_BYTES, RAW_PREFIX_CHARS, SOURCES
from ingestion.loader import load_partition
from ingestion.warehouse import REJECT_RULE_COLUMNS, connect, ensure_schema
from plants.check import check_and_load
from plants.model import DEFAULT_MAX_REJECTED_SHARE, DEFAULT_PLANT, load_plant
from tests.bad_delivery import cases_edge
from tests.bronze_fixtures import LANDED_DAY, copy_home, land, load_all, malformed_locations
from tests.homes import query

BATCH = {
    "batch_id": "B1", "machine_id": "SMELTER-01", "product": "IRON_PLATE", "operator_id": "OP-001",
    "start_time": "2026-10-20T06:00:00Z", "end_time": "2026-10-20T07:00:00Z",
    "units_produced": "10", "units_defective": "0", "energy_kwh": "5.5",
}  # fmt: skip
NOT_A_DATE = "is not a date (YYYY-MM-DD)"
TS_FORM = "is not a complete timestamp (YYYY-MM-DD HH:MM:SS[.fff][Z|±HH:MM])"
WINDOW = (
    "is outside the plausible window 2026-10-13 00:00 to 2026-10-23 00:00 UTC for a file of "
    "production date 2026-10-20"
)
# (field, value as delivered, reason after `field: "value" `)
BAD_BATCH_VALUES = [
    ("units_produced", "1,234", "is not a whole number ≥ 0"),
    ("units_produced", "NaN", "is not a whole number ≥ 0"),
    ("units_produced", "-5", "is not a whole number ≥ 0"),
    ("units_produced", "1e3", "is not a whole number ≥ 0"),
    ("units_defective", "2.0", "is not a whole number ≥ 0"),
    ("units_defective", " 3", "is not a whole number ≥ 0"),
    ("energy_kwh", "NaN", "is not a decimal number ≥ 0"),
    ("energy_kwh", "-1.5", "is not a decimal number ≥ 0"),
    ("energy_kwh", "1,5", "is not a decimal number ≥ 0"),
    ("batch_id", "  ", "is not a non-blank value"),
    ("start_time", "20", TS_FORM),
    ("start_time", "2026-03-05", TS_FORM),
    ("start_time", "2026-03-05T05:2", TS_FORM),
    ("start_time", "2026-10-20T25:00:00Z", TS_FORM),
    ("start_time", "2026-10-20T06:00:00+2", TS_FORM),
    ("end_time", "2029-10-20T06:00:00Z", WINDOW),
    ("end_time", "2026-10-12T23:59:59Z", WINDOW),
    ("end_time", "2026-10-23T00:00:00Z", WINDOW),
]
GOOD_BATCH_VALUES = [
    ("units_produced", "0"), ("units_produced", "1234"), ("energy_kwh", "0"),
    ("energy_kwh", "1e-3"), ("energy_kwh", ".5"), ("product", " Iron Plate "),
    ("start_time", "2026-10-20 06:00:00"), ("start_time", "2026-10-20T06:00:00+02:00"),
    ("start_time", "2026-10-20T06:00:00.123Z"), ("start_time", "2026-10-13T00:00:00Z"),
    ("end_time", "2026-10-22T23:59:59Z"), ("end_time", "2026-10-22T13:59:59-10:00"),
]  # fmt: skip


def csv_line(values: dict[str, str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values.values())
    return out.getvalue()


def load(home: Path, source: str) -> None:
    con = connect(home)
    try:
        load_partition(con, home, source, LANDED_DAY)
        assert accounting_breaks(con, source) == []
    finally:
        con.close()


def rejects(home: Path, source: str) -> list[tuple]:
    table = SOURCES[source].rejects_table
    return query(home, f"SELECT _row_number, field, value, reason FROM {table} ORDER BY 1")


def loaded_lines(home: Path, source: str) -> list[int]:
    table = SOURCES[source].table
    return [n for (n,) in query(home, f"SELECT DISTINCT _row_number FROM {table} ORDER BY 1")]


def test_each_bad_value_is_one_reject_with_field_value_and_reason(tmp_path: Path) -> None:
    rows = [csv_line(BATCH | {f: v}) for f, v in GOOD_BATCH_VALUES]
    rows += [csv_line(BATCH | {f: v}) for f, v, _ in BAD_BATCH_VALUES]
    rows.append(csv_line(BATCH | {"units_produced": ""}))  # a required value missing
    land(tmp_path, "production_batches", f"production_batches__{LANDED_DAY}.csv",
         ("\n".join([",".join(BATCH), *rows]) + "\n").encode())  # fmt: skip
    load(tmp_path, "production_batches")

    first_bad = 2 + len(GOOD_BATCH_VALUES)  # line 1 is the header
    expected = [
        (first_bad + i, f, v, f'{f}: "{v}" {reason}')
        for i, (f, v, reason) in enumerate(BAD_BATCH_VALUES)
    ]
    expected.append((first_bad + len(BAD_BATCH_VALUES), "units_produced", None,
                     "units_produced: missing, a value is required"))  # fmt: skip
    assert rejects(tmp_path, "production_batches") == expected
    assert loaded_lines(tmp_path, "production_batches") == list(range(2, first_bad))
    (read, loaded, rejected) = query(
        tmp_path, "SELECT rows_read, rows_loaded, rows_rejected FROM bronze._files"
    )[0]
    assert (read, loaded, rejected) == (len(rows), len(GOOD_BATCH_VALUES), len(expected))


def test_json_values_obey_the_rules_and_may_be_absent_when_optional(tmp_path: Path) -> None:
    good = {"device_id": "SENS-SM1", "machine": "SMELTER-01", "ts": "2026-10-20T04:00:00Z",
            "temperature_c": -3.5, "pressure_bar": None}  # fmt: skip
    lines = [
        good,
        good | {"temperature_c": "NaN"},
        good | {"ts": "2026-10-20"},
        good | {"ts": None},
        good | {"device_id": ""},
        good | {"received_at": "2029-10-20T04:00:00Z"},
        good | {"power_kw": 1e-05},
    ]
    land(tmp_path, "sensor_logs", f"sensor_logs__{LANDED_DAY}.jsonl",
         "".join(json.dumps(x) + "\n" for x in lines).encode())  # fmt: skip
    load(tmp_path, "sensor_logs")
    assert rejects(tmp_path, "sensor_logs") == [
        (2, "temperature_c", "NaN", 'temperature_c: "NaN" is not a decimal number'),
        (3, "ts", "2026-10-20", f'ts: "2026-10-20" {TS_FORM}'),
        (4, "ts", None, "ts: missing, a value is required"),
        (5, "device_id", "", 'device_id: "" is not a non-blank value'),
        (6, "received_at", "2029-10-20T04:00:00Z", f'received_at: "2029-10-20T04:00:00Z" {WINDOW}'),
    ]
    assert loaded_lines(tmp_path, "sensor_logs") == [1, 7]


def test_a_bad_node_read_rejects_its_snapshot_line(tmp_path: Path) -> None:
    def snapshot(server: str, source: str) -> str:
        node = {"node_id": "ns=2;s=SMELTER-01.State", "value": 1, "data_type": "Int16",
                "source_timestamp": source, "status_code": "Good"}  # fmt: skip
        doc = {"endpoint": "opc.tcp://x", "server_timestamp": server,
               "nodes": [node, node | {"node_id": "ns=2;s=SMELTER-01.TotalCount"}]}  # fmt: skip
        return json.dumps(doc) + "\n"

    ok = "2026-10-20T04:00:00Z"
    data = snapshot(ok, ok) + snapshot("20", ok) + snapshot(ok, "2029-10-20T04:00:00Z")
    land(
        tmp_path, "controller_snapshots", f"controller_snapshots__{LANDED_DAY}.jsonl", data.encode()
    )
    load(tmp_path, "controller_snapshots")
    assert rejects(tmp_path, "controller_snapshots") == [
        (2, "server_timestamp", "20", f'server_timestamp: "20" {TS_FORM}'),
        (3, "source_timestamp", "2029-10-20T04:00:00Z",
         f'source_timestamp: "2029-10-20T04:00:00Z" {WINDOW}'),
    ]  # fmt: skip
    assert query(tmp_path, "SELECT count(*) FROM bronze.controller_snapshots") == [(2,)]


def test_a_log_line_timestamp_must_be_complete_and_plausible(tmp_path: Path) -> None:
    lines = [
        "2026-10-20T06:00:00+02:00 [INFO] SM1: Shift EARLY started, state RUNNING",
        "2026-10-20 06:05:00 [DEBUG] SM1: heartbeat seq=0",
        "2029-10-20T06:00:00+02:00 [INFO] SM1: Cycle started",
        "2026-10-20T06:00:00+02:00junk [INFO] SM1: Cycle started",
    ]
    land(tmp_path, "machine_logs", f"SM1__{LANDED_DAY}.log", ("\n".join(lines) + "\n").encode())
    load(tmp_path, "machine_logs")
    assert rejects(tmp_path, "machine_logs") == [
        (3, "timestamp", "2029-10-20T06:00:00+02:00",
         f'timestamp: "2029-10-20T06:00:00+02:00" {WINDOW}'),
        (4, "timestamp", "2026-10-20T06:00:00+02:00junk",
         f'timestamp: "2026-10-20T06:00:00+02:00junk" {TS_FORM}'),
    ]  # fmt: skip


def test_a_calendar_date_must_exist(tmp_path: Path) -> None:
    header = SOURCES["asset_registry"].columns
    row = dict.fromkeys(header, "x") | {
        "export_date": "2026-10-20", "last_maintenance_date": "2024-03-01",
        "effective_date": "2024-03-01",
    }  # fmt: skip
    data = [",".join(header), csv_line(row), csv_line(row | {"effective_date": "2024-02-30"}),
            csv_line(row | {"export_date": "20261020"})]  # fmt: skip
    land(tmp_path, "asset_registry", f"asset_registry__{LANDED_DAY}.csv",
         ("\n".join(data) + "\n").encode())  # fmt: skip
    load(tmp_path, "asset_registry")
    assert rejects(tmp_path, "asset_registry") == [
        (3, "effective_date", "2024-02-30", f'effective_date: "2024-02-30" {NOT_A_DATE}'),
        (4, "export_date", "20261020", f'export_date: "20261020" {NOT_A_DATE}'),
    ]


def test_control_characters_and_huge_lines_are_line_rejects(tmp_path: Path) -> None:
    header = ",".join(BATCH)
    rows = [
        csv_line(BATCH | {"product": "IRON\tPLATE"}),  # a tab is text
        csv_line(BATCH | {"product": "IRON\x00PLATE"}),
        csv_line(BATCH | {"operator_id": "OP\x1b[0m"}),
        csv_line(BATCH | {"product": "IRON\x7fPLATE"}),
        csv_line(BATCH | {"product": "X" * (MAX_LINE_BYTES + 1)}),
        csv_line(BATCH | {"product": "X" * (MAX_LINE_BYTES - 200)}),  # under the limit
    ]
    land(tmp_path, "production_batches", f"production_batches__{LANDED_DAY}.csv",
         ("\n".join([header, *rows]) + "\n").encode())  # fmt: skip
    load(tmp_path, "production_batches")
    found = rejects(tmp_path, "production_batches")
    assert [(n, f, v) for n, f, v, _ in found] == [(3, None, None), (4, None, None),
                                                    (5, None, None), (6, None, None)]  # fmt: skip
    assert [r for *_, r in found][:3] == [
        f"control character U+0000 at column {rows[1].index(chr(0)) + 1}",
        f"control character U+001B at column {rows[2].index(chr(0x1B)) + 1}",
        f"control character U+007F at column {rows[3].index(chr(0x7F)) + 1}",
    ]
    assert found[3][3].startswith(f"line too long: {len(rows[4])} bytes, the limit is ")
    (raw_line, raw_bytes) = query(
        tmp_path, "SELECT raw_line, raw_bytes FROM bronze.production_batches_rejects "
        "WHERE _row_number = 6",
    )[0]  # fmt: skip
    assert raw_line == rows[4][:RAW_PREFIX_CHARS] + "…"
    assert rows[4].encode().startswith(raw_bytes) and len(raw_bytes) < 10 * RAW_PREFIX_CHARS
    assert loaded_lines(tmp_path, "production_batches") == [2, 7]


def test_edge_cases_of_the_corpus_are_rejected_where_they_enter(
    clean_day: Path, tmp_path: Path
) -> None:
    home = copy_home(clean_day, tmp_path / "home")
    landed = [case.apply(home, LANDED_DAY) for case in cases_edge.CASES]
    load_all(home, [LANDED_DAY])
    con = connect(home, read_only=True)
    try:
        for case, where in zip(cases_edge.CASES, landed, strict=True):
            source = where.path.split("/")[2]
            found = con.execute(
                f"SELECT reason FROM {SOURCES[source].rejects_table} "
                "WHERE _source_file = ? AND _row_number = ?",
                [where.path, where.line],
            ).fetchall()
            assert len(found) == 1, case.name
            assert where.reason.lower() in found[0][0].lower(), (case.name, found)
        for source in SOURCES:
            assert accounting_breaks(con, source) == []
            # a reject or three per file: findings, never a reason to hold the date back
            assert rejects_that_block(con, source, DEFAULT_MAX_REJECTED_SHARE) == []
            n = con.execute(f"SELECT count(*) FROM {SOURCES[source].rejects_table}").fetchall()
            assert n[0][0] == sum(1 for w in landed if w.path.split("/")[2] == source), source
    finally:
        con.close()


def test_heavy_chaos_breaks_no_value_rule_and_blocks_nothing(tmp_path: Path) -> None:
    generate(tmp_path, date(2026, 10, 23), 3, seed=11, chaos_level="heavy")  # DST on 25 Oct
    load_all(tmp_path)
    injected = malformed_locations(tmp_path)
    con = connect(tmp_path, read_only=True)
    try:
        for name, spec in SOURCES.items():
            found = con.execute(
                f"SELECT _source_file, _row_number, field FROM {spec.rejects_table}"
            ).fetchall()
            assert [f for *_, f in found if f is not None] == [], name
            mine = {x for x in injected if x[0].split("/")[2] == name}
            assert {(p, n) for p, n, _ in found} == mine, name
            assert rejects_that_block(con, name, DEFAULT_MAX_REJECTED_SHARE) == [], name
    finally:
        con.close()


def _batches_file(rows: list[str], header: str | None = None) -> bytes:
    return ("\n".join([header or ",".join(BATCH), *rows]) + "\n").encode()


def test_a_whole_file_rejected_blocks_until_corrected(tmp_path: Path) -> None:
    header = ",".join(c for c in BATCH if c != "units_produced")
    rel = land(tmp_path, "production_batches", f"production_batches__{LANDED_DAY}.csv",
               _batches_file([csv_line(BATCH)], header))  # fmt: skip
    load(tmp_path, "production_batches")
    con = connect(tmp_path)
    try:
        [problem] = rejects_that_block(con, "production_batches", 0.5, [LANDED_DAY])
        assert problem.startswith(f"{rel}: whole file rejected (1 rows): ")
        assert "lacks required column(s) units_produced" in problem
        assert f"first rejects: {rel}:2: file rejected: header lacks" in problem
        assert "deliver a corrected file under the same name" in problem
        assert "shopfloor landing retract" in problem
        assert rejects_that_block(con, "production_batches", 0.5, [date(2026, 10, 21)]) == []
    finally:
        con.close()
    (tmp_path / rel).write_bytes(_batches_file([csv_line(BATCH)]))  # the corrected file
    load(tmp_path, "production_batches")
    con = connect(tmp_path)
    try:
        assert rejects_that_block(con, "production_batches", 0.5, [LANDED_DAY]) == []
    finally:
        con.close()


def test_a_share_of_rejects_blocks_only_above_the_limit_and_a_few(tmp_path: Path) -> None:
    good = [csv_line(BATCH | {"batch_id": f"B{i}"}) for i in range(20)]
    bad = [csv_line(BATCH | {"batch_id": f"X{i}", "units_produced": "NaN"})
           for i in range(FEW_REJECTS)]  # fmt: skip
    rel = land(tmp_path, "production_batches", f"production_batches__{LANDED_DAY}.csv",
               _batches_file(good + bad))  # fmt: skip
    load(tmp_path, "production_batches")
    con = connect(tmp_path)
    try:
        share = FEW_REJECTS / (len(good) + FEW_REJECTS)
        assert rejects_that_block(con, "production_batches", share) == []  # at the limit
        [problem] = rejects_that_block(con, "production_batches", share - 0.01)
        assert problem.startswith(
            f"landing/{LANDED_DAY}/production_batches/: {FEW_REJECTS} of 30 rows"
        )
        assert f'first rejects: {rel}:22: units_produced: "NaN" is not a whole number' in problem
        assert f"{rel}:23: " in problem and f"{rel}:25: " not in problem  # the first three
    finally:
        con.close()
    few = tmp_path / "few"
    land(few, "production_batches", f"production_batches__{LANDED_DAY}.csv",
         _batches_file(bad[: FEW_REJECTS - 1]))  # fmt: skip
    load(few, "production_batches")
    con = connect(few)
    try:  # every row rejected, but only a few: findings, not a block
        assert rejects_that_block(con, "production_batches", 0.0) == []
    finally:
        con.close()


def test_older_warehouses_gain_the_field_and_value_columns(tmp_path: Path) -> None:
    con = connect(tmp_path)
    try:
        ensure_schema(con)
        for spec in SOURCES.values():
            for column in REJECT_RULE_COLUMNS:
                con.execute(f"ALTER TABLE {spec.rejects_table} DROP COLUMN {column}")
    finally:
        con.close()
    con = connect(tmp_path)
    try:
        ensure_schema(con)
        for spec in SOURCES.values():
            schema, table = spec.rejects_table.split(".")
            columns = {
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? "
                    "AND table_name = ?",
                    [schema, table],
                ).fetchall()
            }
            assert set(REJECT_RULE_COLUMNS) <= columns, spec.rejects_table
    finally:
        con.close()


def test_the_plant_file_owns_the_blocking_share(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_PLANT.read_text(encoding="utf-8"))
    assert "max_rejected_share" not in raw  # the default plant takes the default
    assert load_plant().max_rejected_share == DEFAULT_MAX_REJECTED_SHARE
    path = tmp_path / "plant.yaml"
    path.write_text(yaml.safe_dump(raw | {"max_rejected_share": 0.25}), encoding="utf-8")
    plant, problems = check_and_load(path)
    assert problems == [] and plant is not None and plant.max_rejected_share == 0.25
    path.write_text(yaml.safe_dump(raw | {"max_rejected_share": 1.5}), encoding="utf-8")
    plant, problems = check_and_load(path)
    assert plant is None and any("max_rejected_share" in str(p) for p in problems)
