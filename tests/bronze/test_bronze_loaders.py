"""Each bronze loader on generated data at --chaos default: counts, lineage and rejects."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ingestion.accounting import accounting_breaks, stuck_files
from ingestion.contracts import SOURCES, Format
from tests.bronze_fixtures import malformed_locations, query

LINEAGE = (
    "_source_file",
    "_file_sha256",
    "_row_number",
    "_delivery_date",
    "_loaded_at",
    "_load_id",
)


def raw_files(home: Path, source: str) -> list[Path]:
    return sorted((home / "landing").glob(f"*/{source}/*"))


def data_lines(path: Path, source: str) -> int:
    lines = path.read_bytes().count(b"\n")
    return lines - 1 if SOURCES[source].fmt is Format.CSV else lines


@pytest.mark.parametrize("source", list(SOURCES))
def test_rows_read_match_raw_files(bronze_loaded: Path, source: str) -> None:
    """The manifest has every raw file, with rows read = physical data lines."""
    manifest = dict(
        query(
            bronze_loaded,
            "SELECT path, rows_read FROM bronze._files WHERE source = ? AND outcome <> 'duplicate'",
            [source],
        )
    )
    files = raw_files(bronze_loaded, source)
    assert files, f"generator wrote no {source} files"
    duplicates = {
        p
        for (p,) in query(
            bronze_loaded,
            "SELECT path FROM bronze._files WHERE outcome = 'duplicate' AND source = ?",
            [source],
        )
    }
    for f in files:
        rel = f.relative_to(bronze_loaded).as_posix()
        if rel in duplicates:
            continue
        assert manifest[rel] == data_lines(f, source), rel


@pytest.mark.parametrize("source", list(SOURCES))
def test_loaded_plus_rejected_match_and_rejects_are_the_injected_lines(
    bronze_loaded: Path, source: str
) -> None:
    spec = SOURCES[source]
    rejected = {
        (f, n)
        for f, n in query(
            bronze_loaded, f"SELECT _source_file, _row_number FROM {spec.rejects_table}"
        )
    }
    injected = {(f, n) for f, n in malformed_locations(bronze_loaded) if f.split("/")[2] == source}
    assert rejected == injected
    loaded_lines = "count(DISTINCT (_source_file, _row_number))"
    (n_bronze,) = query(bronze_loaded, f"SELECT {loaded_lines} FROM {spec.table}")[0]
    (n_read, n_loaded, n_rejected) = query(
        bronze_loaded,
        "SELECT sum(rows_read), sum(rows_loaded), sum(rows_rejected) FROM bronze._files "
        "WHERE source = ?",
        [source],
    )[0]
    assert n_read == n_loaded + n_rejected
    assert n_bronze == n_loaded
    assert n_rejected == len(injected)
    assert accounting_breaks_for(bronze_loaded, source) == []


def accounting_breaks_for(home: Path, source: str) -> list[str]:
    from ingestion.warehouse import connect

    con = connect(home, read_only=True)
    try:
        return accounting_breaks(con, source) + stuck_files(con, home, source)
    finally:
        con.close()


@pytest.mark.parametrize("source", list(SOURCES))
def test_lineage_columns_filled(bronze_loaded: Path, source: str) -> None:
    table = SOURCES[source].table
    checks = ", ".join(f"count(*) FILTER ({c} IS NULL)" for c in LINEAGE)
    total, *nulls = query(bronze_loaded, f"SELECT count(*), {checks} FROM {table}")[0]
    assert total > 0
    assert nulls == [0] * len(LINEAGE)
    # _row_number is the physical line: the bronze row equals that line of the file
    path, line_no = query(bronze_loaded, f"SELECT _source_file, _row_number FROM {table} "
                          "ORDER BY _source_file, _row_number LIMIT 1 OFFSET 7")[0]  # fmt: skip
    raw = (bronze_loaded / path).read_bytes().split(b"\n")[line_no - 1].decode()
    key_column = SOURCES[source].columns[1 if source == "controller_snapshots" else 0]
    (value,) = query(bronze_loaded, f"SELECT {key_column} FROM {table} WHERE _source_file = ? "
                     "AND _row_number = ? LIMIT 1", [path, line_no])[0]  # fmt: skip
    assert value in raw


def test_controller_snapshots_are_one_row_per_node_read(bronze_loaded: Path) -> None:
    expected = 0
    for f in raw_files(bronze_loaded, "controller_snapshots"):
        for line in f.read_text(encoding="utf-8").splitlines():
            expected += len(json.loads(line)["nodes"])
    dups = query(bronze_loaded, "SELECT count(*) FROM bronze._files WHERE outcome = 'duplicate' "
                 "AND source = 'controller_snapshots'")[0][0]  # fmt: skip
    assert dups == 0  # otherwise the expectation above would count a copy
    (rows, bad) = query(
        bronze_loaded,
        "SELECT count(*), count(*) FILTER (node_id IS NULL OR status_code IS NULL) "
        "FROM bronze.controller_snapshots",
    )[0]
    assert rows == expected and bad == 0
    statuses = dict(query(bronze_loaded, "SELECT status_code, count(*) FROM "
                          "bronze.controller_snapshots GROUP BY 1"))  # fmt: skip
    assert statuses["Good"] > 0 and "BadCommunicationError" in statuses


def test_machine_logs_keep_each_raw_line_and_station(bronze_loaded: Path) -> None:
    rows = query(bronze_loaded, "SELECT log_source, line, _source_file FROM bronze.machine_logs "
                 "WHERE _row_number = 1")  # fmt: skip
    assert rows
    for station, line, path in rows:
        assert Path(path).name.startswith(f"{station}__")
        assert (bronze_loaded / path).read_text(encoding="utf-8").splitlines()[0] == line


def test_schema_drift_maps_rename_and_keeps_added_column(bronze_loaded: Path) -> None:
    files = query(
        bronze_loaded,
        "SELECT path, renamed_columns, added_columns FROM bronze._files "
        "WHERE source = 'production_batches' AND outcome = 'loaded' ORDER BY path",
    )
    drifted = [f for f in files if f[1]]
    assert drifted and len(drifted) < len(files)
    assert all(f[1] == ["energy_consumed_kwh->energy_kwh"] for f in drifted)
    (missing_energy, shift_codes) = query(
        bronze_loaded,
        "SELECT count(*) FILTER (energy_kwh IS NULL), count(shift_code) "
        "FROM bronze.production_batches",
    )[0]
    assert missing_energy == 0
    drifted_rows = query(
        bronze_loaded,
        "SELECT count(*) FROM bronze.production_batches WHERE list_contains(?, _source_file)",
        [[f[0] for f in drifted]],
    )[0][0]
    # every row of a drifted file, late rows from before the drift included, has shift_code
    assert shift_codes == drifted_rows > 0


def test_rejects_explain_reason_file_and_line(bronze_loaded: Path) -> None:
    reasons = Counter()
    for source in SOURCES:
        for reason, path, line, raw in query(
            bronze_loaded,
            f"SELECT reason, _source_file, _row_number, raw_bytes "
            f"FROM {SOURCES[source].rejects_table}",
        ):
            assert path.startswith("landing/") and line >= 1
            assert (bronze_loaded / path).read_bytes().split(b"\n")[line - 1] == raw
            reasons[reason.split(":")[0]] += 1
    assert reasons["truncated row"] > 0
    assert reasons["invalid UTF-8 bytes"] > 0
