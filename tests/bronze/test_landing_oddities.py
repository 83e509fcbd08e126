"""Landing oddities end loaded, rejected or quarantined with a reason: nothing crashes, nothing
is ignored (issue 16, item 3)."""

from __future__ import annotations

import gzip
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

import ingestion.loader
from generators.run import GenerateError, generate
from ingestion.contracts import SOURCES
from ingestion.landing import delivery_dates, latest_delivery
from ingestion.loader import load_partition
from ingestion.warehouse import connect
from tests.bad_delivery.case import BRONZE, LOADED, QUARANTINE
from tests.bad_delivery.cases_oddities import CASES
from tests.bronze_fixtures import (
    LANDED_DAY,
    QC_HEADER,
    QC_ROW,
    assert_accounted,
    land,
    load_all,
    manifest,
)
from tests.homes import query

SENSOR = '{"device_id":"SENS-SM1","machine":"SMELTER-01","ts":"2026-10-20T04:00:00Z"'


def sensor_file(home: Path, lines: list[str], name: str = "sensor_logs__2026-10-20.jsonl") -> str:
    return land(home, "sensor_logs", name, ("\n".join(lines) + "\n").encode())


def test_json_keys_with_quotes_backslashes_and_control_characters_load(tmp_path: Path) -> None:
    odd = {'say "hi"': 1, "back\\slash": [1, None], "bell\u0007": {"a": "b"}, "plain": None}
    line = SENSOR + "," + json.dumps(odd)[1:]
    rel = sensor_file(tmp_path, [SENSOR + "}", line, SENSOR + ',"dup":1,"dup":"two"}'])
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert (m["outcome"], m["rows_loaded"], m["rows_rejected"]) == ("loaded", 3, 0)
    assert sorted(m["added_columns"]) == sorted([*odd, "dup"])
    extras = dict(query(tmp_path, "SELECT _row_number, _extra_columns FROM bronze.sensor_logs"))
    assert extras[1] is None
    assert json.loads(extras[2]) == odd
    assert extras[3] == '{"dup":1,"dup":"two"}'  # a repeated key is kept as the file has it
    assert_accounted(tmp_path)


def test_raw_control_character_in_a_key_is_a_reject_naming_its_line(tmp_path: Path) -> None:
    rel = sensor_file(tmp_path, [SENSOR + "}", SENSOR + ',"bell\x07":1}'])
    load_all(tmp_path)
    assert manifest(tmp_path, rel)["rows_loaded"] == 1
    rows = query(tmp_path, "SELECT _row_number, reason FROM bronze.sensor_logs_rejects")
    assert [(n, r.split(" (")[0]) for n, r in rows] == [
        (2, "control character U+0007 at column 81")
    ]


def test_a_duckdb_error_on_one_file_quarantines_it_and_the_rest_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = sensor_file(tmp_path, [SENSOR + "}"])
    bad = sensor_file(tmp_path, [SENSOR + ',"x":1}'], "sensor_logs__2026-10-20__resent.jsonl")
    real_write = ingestion.loader.write_file

    def write_file(con, spec, parsed, lineage):  # a statement fails as a DuckDB bug would
        if lineage.source_file == bad:
            con.execute("SELECT json_extract('{}', '$.\"')")
        return real_write(con, spec, parsed, lineage)

    monkeypatch.setattr(ingestion.loader, "write_file", write_file)
    con = connect(tmp_path)
    try:
        report = load_partition(con, tmp_path, "sensor_logs", LANDED_DAY)
    finally:
        con.close()
    assert (report.count("loaded"), report.count("quarantined")) == (1, 1)
    assert manifest(tmp_path, good)["rows_loaded"] == 1
    m = manifest(tmp_path, bad)
    assert m["error"].startswith(f"{bad}: the loader failed on this file (")
    assert "(BinderException: Binder Error: JSON path error" in m["error"]
    assert not (tmp_path / bad).exists() and (tmp_path / m["quarantine_path"]).exists()
    assert query(tmp_path, "SELECT count(*) FROM bronze.sensor_logs") == [(1,)]
    assert_accounted(tmp_path)


def test_folders_that_are_no_delivery_date_are_quarantined_not_ignored(tmp_path: Path) -> None:
    land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC_HEADER + b"\n" + QC_ROW)
    odd = {
        "landing/not-a-date/qc_checks/qc.csv": "folder 'not-a-date' under landing/ is not a "
        "delivery date",
        "landing/2026-13-45/x.csv": "folder '2026-13-45' under landing/ is not a real date",
        "landing/README.txt": "file 'README.txt' directly in landing/",
    }
    for rel in odd:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(rel.encode())
    assert delivery_dates(tmp_path) == [LANDED_DAY]
    load_all(tmp_path)
    for rel, reason in odd.items():
        m = manifest(tmp_path, rel)
        assert m["outcome"] == "quarantined" and m["error"].startswith(f"{rel}: {reason}")
        assert (tmp_path / m["quarantine_path"]).read_bytes() == rel.encode()
    assert manifest(tmp_path, "landing/not-a-date/qc_checks/qc.csv")["quarantine_path"] == (
        "quarantine/2026-10-20/_landing/not-a-date/qc_checks/qc.csv"
    )
    assert sorted(p.name for p in (tmp_path / "landing").iterdir()) == [LANDED_DAY.isoformat()]
    assert_accounted(tmp_path)


@pytest.mark.parametrize("name", ["qc_checks__2026-10-20.csv", "qc_checks__2026-10-20.csv.gz"])
def test_gzip_files_are_quarantined_as_gzip(tmp_path: Path, name: str) -> None:
    rel = land(tmp_path, "qc_checks", name, gzip.compress(QC_HEADER + b"\n" + QC_ROW))
    load_all(tmp_path)
    m = manifest(tmp_path, rel)
    assert m["outcome"] == "quarantined"
    assert m["error"].startswith(f"{rel}: gzip-compressed file (starts with bytes 1f 8b)")
    assert m["rows_read"] == 0 and not (tmp_path / rel).exists()


def test_a_zip_archive_is_named_as_such(tmp_path: Path) -> None:
    rel = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", b"PK\x03\x04rest")
    load_all(tmp_path)
    assert "zip archive file" in manifest(tmp_path, rel)["error"]


def test_copies_of_a_quarantined_file_leave_landing_too(tmp_path: Path) -> None:
    data = gzip.compress(QC_HEADER + b"\n" + QC_ROW, mtime=0)
    first = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", data)
    load_all(tmp_path)
    later = land(tmp_path, "qc_checks", "qc_checks__2026-10-21.csv", data, day=date(2026, 10, 21))
    again = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", data)  # the same path
    load_all(tmp_path)
    for rel in (later, again):
        assert not (tmp_path / rel).exists()
    outcomes = query(tmp_path, "SELECT path, outcome FROM bronze._files ORDER BY path")
    assert outcomes == [(first, "quarantined"), (first, "quarantined"), (later, "quarantined")]
    assert_accounted(tmp_path)


def test_a_misnamed_file_redelivered_under_its_right_name_loads(tmp_path: Path) -> None:
    data = QC_HEADER + b"\n" + QC_ROW + b"\n"
    misnamed = land(tmp_path, "qc_checks", "qc checks.csv", data)
    load_all(tmp_path)
    assert manifest(tmp_path, misnamed)["outcome"] == "quarantined"
    right = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", data)
    load_all(tmp_path)
    assert manifest(tmp_path, right)["outcome"] == "loaded"  # not "a duplicate" of quarantine


def test_generate_refuses_delivery_folders_after_today(tmp_path: Path) -> None:
    today = latest_delivery("Pacific/Kiritimati")  # the earliest time zone: always >= the plant's
    with pytest.raises(GenerateError, match="after today"):
        generate(tmp_path, today, 2, seed=7, chaos_level="none")
    assert not (tmp_path / "landing").exists()


def test_run_refuses_future_and_early_folders_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main
    from cli.run import refused_dates

    future = date.today() + timedelta(days=3)
    for day in (future, date(2023, 12, 31)):
        land(tmp_path, "qc_checks", f"qc_checks__{day}.csv", QC_HEADER + b"\n", day=day)
    refused = refused_dates(tmp_path, [*delivery_dates(tmp_path), LANDED_DAY])
    assert sorted(refused) == [date(2023, 12, 31), future]
    assert refused[future].startswith("dated after today (")
    assert main(["--home", str(tmp_path), "run"]) == 2  # nothing loadable: refused, no traceback
    err = capsys.readouterr().err
    assert f"landing/{future}/ refused: dated after today" in err
    assert "landing/2023-12-31/ refused: dated before the first delivery partition" in err


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c.name for c in CASES])
def test_corpus_case_ends_where_it_says(oddities_home: tuple[Path, list], index: int) -> None:
    home, landed = oddities_home
    _, case = landed[index]
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:
        if case.where == QUARANTINE:
            outcome, error, moved = con.execute(
                "SELECT outcome, error, quarantine_path FROM bronze._files WHERE path = ?",
                [case.path],
            ).fetchall()[0]
            assert outcome == "quarantined" and case.reason.lower() in error.lower()
            assert not (home / case.path).exists() and (home / moved).exists()
        else:
            spec = SOURCES[case.path.split("/")[2]]
            table = spec.rejects_table if case.where == BRONZE else spec.table
            column = "reason" if case.where == BRONZE else "_extra_columns"
            assert case.where in (BRONZE, LOADED)
            rows = con.execute(
                f"SELECT {column} FROM {table} WHERE _source_file = ? AND _row_number = ?",
                [case.path, case.line],
            ).fetchall()
            assert len(rows) == 1 and case.reason.lower() in rows[0][0].lower()
    finally:
        con.close()
    assert_accounted(home)
