"""Bad input, one case each: a clear file-and-line reason, and no row lost."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ingestion.contracts import SOURCES
from tests.bronze_fixtures import (
    LANDED_DAY,
    QC_HEADER,
    QC_ROW,
    QC_ROW2,
    assert_accounted,
    land,
    load_all,
    manifest,
)
from tests.homes import query


def rejects(home: Path, source: str, rel: str) -> list[tuple[int, str]]:
    table = SOURCES[source].rejects_table
    return query(home, f"SELECT _row_number, reason FROM {table} WHERE _source_file = ? "
                 "ORDER BY 1", [rel])  # fmt: skip


def test_truncated_csv_rows(tmp_path: Path) -> None:
    # line 3: a partial write repeated on line 4; line 5: the last line cut short for good
    rel = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv",
               QC_HEADER + b"\n" + QC_ROW + b"\n" + QC_ROW2[:30] + b"\n" + QC_ROW2 + b"\n"
               + QC_ROW[:40])  # fmt: skip
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert (m["outcome"], m["rows_read"], m["rows_loaded"], m["rows_rejected"]) == (
        "loaded", 4, 2, 2)  # fmt: skip
    assert rejects(tmp_path, "qc_checks", rel) == [
        (3, "truncated row: partial write, repeated in full on the next line"),
        (5, "wrong column count: 5 fields, header has 10"),
    ]
    assert_accounted(tmp_path)


def test_invalid_utf8_bytes(tmp_path: Path) -> None:
    header = b"event_id,operator_id,operator_name,machine_id,event_type,event_time,note"
    good = "OE1,OP-001,Jörg Maß,SMELTER-01,NOTE,2026-10-20 07:00:00,ok".encode()
    bad = "OE2,OP-001,Jörg Maß,SMELTER-01,NOTE,2026-10-20 07:05:00,Prüfung".encode("cp1252")
    rel = land(tmp_path, "operator_logs", "operator_logs__2026-10-20.csv",
               b"\n".join([header, good, bad, good.replace(b"OE1", b"OE3")]) + b"\n")  # fmt: skip
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert (m["rows_read"], m["rows_loaded"], m["rows_rejected"]) == (3, 2, 1)
    [(line, reason)] = rejects(tmp_path, "operator_logs", rel)
    assert line == 3
    assert reason.startswith("invalid UTF-8 bytes: byte 0xF6 at column 13")
    (raw,) = query(tmp_path, "SELECT raw_bytes FROM bronze.operator_logs_rejects")[0]
    assert raw == bad  # the bytes are kept exactly as delivered
    names = query(tmp_path, "SELECT operator_name FROM bronze.operator_logs")
    assert names == [("Jörg Maß",), ("Jörg Maß",)]


def test_header_only_file(tmp_path: Path) -> None:
    rel = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC_HEADER + b"\n")
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert (m["outcome"], m["rows_read"], m["rows_loaded"], m["rows_rejected"]) == (
        "loaded", 0, 0, 0)  # fmt: skip
    assert_accounted(tmp_path)


def test_json_file_cut_in_half(tmp_path: Path) -> None:
    docs = [
        {
            "device_id": "SENS-SM1",
            "machine": "SMELTER-01",
            "ts": f"2026-10-20T04:0{i}:00Z",
            "received_at": f"2026-10-20T04:0{i}:01Z",
            "temperature_c": 1000 + i,
            "pressure_bar": None,
        }
        for i in range(3)
    ]
    data = b"\n".join(json.dumps(d).encode() for d in docs) + b"\n"
    cut = data[: len(data) // 2]  # ends inside line 2
    rel = land(tmp_path, "sensor_logs", "sensor_logs__2026-10-20.jsonl", cut)
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert (m["rows_read"], m["rows_loaded"], m["rows_rejected"]) == (2, 1, 1)
    assert rejects(tmp_path, "sensor_logs", rel) == [
        (2, "unparseable JSON (line cut short or not JSON)")
    ]
    row = query(tmp_path, "SELECT ts, temperature_c, pressure_bar, _row_number "
                "FROM bronze.sensor_logs")  # fmt: skip
    assert row == [("2026-10-20T04:00:00Z", "1000", None, 1)]


def test_missing_required_column(tmp_path: Path) -> None:
    header = b"batch_id,machine_id,product,operator_id,start_time,end_time,units_defective"
    rows = [b"B1,SM1,IRON_PLATE,OP-1,2026-10-20T04:00:00Z,2026-10-20T05:00:00Z,3"] * 2
    rel = land(tmp_path, "production_batches", "production_batches__2026-10-20.csv",
               b"\n".join([header, *rows]) + b"\n")  # fmt: skip
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert (m["outcome"], m["rows_read"], m["rows_loaded"], m["rows_rejected"]) == (
        "rejected", 2, 0, 2)  # fmt: skip
    assert rel in m["error"]
    assert "lacks required column(s) units_produced, energy_kwh" in m["error"]
    lines = rejects(tmp_path, "production_batches", rel)
    assert [n for n, _ in lines] == [2, 3]
    assert all("units_produced" in reason for _, reason in lines)
    assert_accounted(tmp_path)


def test_extra_column_is_kept(tmp_path: Path) -> None:
    rel = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv",
               QC_HEADER + b",Remarks\n" + QC_ROW + b",\"re-check, later\"\n"
               + QC_ROW2 + b",\n")  # fmt: skip
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert (m["outcome"], m["rows_loaded"], m["added_columns"]) == ("loaded", 2, ["remarks"])
    extra = query(tmp_path, "SELECT _extra_columns FROM bronze.qc_checks ORDER BY _row_number")
    assert json.loads(extra[0][0]) == {"remarks": "re-check, later"}
    assert json.loads(extra[1][0]) == {"remarks": None}


def test_zero_byte_file_is_quarantined(tmp_path: Path) -> None:
    rel = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", b"")
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert m["outcome"] == "quarantined"
    assert m["error"] == f"{rel}: file is empty (0 bytes): nothing to read, not even a header"
    assert not (tmp_path / rel).exists()
    assert (tmp_path / m["quarantine_path"]).read_bytes() == b""
    assert_accounted(tmp_path)


def test_unexpected_file_names_are_quarantined(tmp_path: Path) -> None:
    good = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC_HEADER + b"\n" + QC_ROW)
    misnamed = land(tmp_path, "qc_checks", "notes.txt", b"call maintenance\n")
    unknown = land(tmp_path, "scrap_reports", "scrap__2026-10-20.csv", b"a,b\n1,2\n")
    stray = tmp_path / "landing" / LANDED_DAY.isoformat() / "README"
    stray.write_bytes(b"delivered by hand\n")
    load_all(tmp_path)
    assert manifest(tmp_path, good)["rows_loaded"] == 1
    m = manifest(tmp_path, misnamed)
    assert m["outcome"] == "quarantined"
    assert "unexpected file name 'notes.txt' in qc_checks/" in m["error"]
    assert "expected qc_checks__<YYYY-MM-DD>.csv" in m["error"]
    assert "unknown source folder 'scrap_reports'" in manifest(tmp_path, unknown)["error"]
    readme = manifest(tmp_path, stray.relative_to(tmp_path).as_posix())
    assert "stray file 'README' directly in the delivery folder" in readme["error"]
    for rel in (misnamed, unknown):
        q = manifest(tmp_path, rel)["quarantine_path"]
        assert (tmp_path / q).exists() and not (tmp_path / rel).exists()
    assert_accounted(tmp_path)


def test_same_bytes_under_another_name_load_once(tmp_path: Path) -> None:
    data = QC_HEADER + b"\n" + QC_ROW + b"\n"
    first = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", data)
    copy = land(tmp_path, "qc_checks", "qc_checks__2026-10-20 (1).csv", data)
    later = land(tmp_path, "qc_checks", "qc_checks__2026-10-20__resent.csv", data,
                 day=date(2026, 10, 21))  # fmt: skip
    load_all(tmp_path)
    assert manifest(tmp_path, first)["outcome"] == "loaded"
    for rel in (copy, later):
        m = manifest(tmp_path, rel)
        assert m["outcome"] == "duplicate" and first in m["error"]
    assert query(tmp_path, "SELECT count(*) FROM bronze.qc_checks") == [(1,)]


def test_corrected_redelivery_under_the_same_name_loads_as_new_version(tmp_path: Path) -> None:
    rel = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC_HEADER + b"\n" + QC_ROW)
    load_all(tmp_path)
    land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv",
         QC_HEADER + b"\n" + QC_ROW + b"\n" + QC_ROW2)  # fmt: skip
    load_all(tmp_path)
    versions = query(tmp_path, "SELECT rows_loaded FROM bronze._files WHERE path = ? "
                     "ORDER BY loaded_at", [rel])  # fmt: skip
    assert versions == [(1,), (2,)]
    assert query(tmp_path, "SELECT count(DISTINCT _file_sha256) FROM bronze.qc_checks") == [(2,)]
