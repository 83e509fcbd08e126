"""Sources are optional: a plant delivers what it has, and what it lacks is said, not failed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from ground_truth.outcome import GateOutcome
from ground_truth.report import render
from plants.absent import Absence, read_absence
from plants.home import HOME_ENV, Home
from tests.bronze_fixtures import (
    LANDED_DAY,
    QC_HEADER,
    QC_ROW,
    assert_accounted,
    land,
    load_all,
    manifest,
)
from tests.homes import REPO, query

NEXT = LANDED_DAY + timedelta(days=1)
PROCESS_MARTS = ["fct_process_cycle", "kpi_process_daily", "kpi_process_operator_daily"]
DISPENSING = ["conveyor_requests", "product_scans", "equipment_records"]


# --------------------------------------------------------------------------- header-only files


def test_header_only_files_of_consecutive_days_are_not_duplicates(tmp_path: Path) -> None:
    # a plant without production on two days sends the same header-only bytes twice
    first = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC_HEADER + b"\n", LANDED_DAY)
    second = land(tmp_path, "qc_checks", "qc_checks__2026-10-21.csv", QC_HEADER + b"\n", NEXT)
    load_all(tmp_path)
    for rel in (first, second):
        m = manifest(tmp_path, rel)
        assert (m["outcome"], m["rows_read"], m["rows_loaded"], m["rows_rejected"]) == (
            "loaded", 0, 0, 0)  # fmt: skip
    # data_quality_daily's duplicate_files finding counts exactly these manifest rows
    assert query(tmp_path, "SELECT count(*) FROM bronze._files WHERE outcome = 'duplicate'") == [
        (0,)
    ]
    assert_accounted(tmp_path)


def test_a_resent_header_only_file_is_read_again_not_skipped(tmp_path: Path) -> None:
    land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC_HEADER + b"\n", LANDED_DAY)
    load_all(tmp_path)
    copy = land(tmp_path, "qc_checks", "qc_checks__2026-10-20 (1).csv", QC_HEADER + b"\n", NEXT)
    load_all(tmp_path)
    m = manifest(tmp_path, copy)
    assert (m["outcome"], m["rows_read"], m["rows_loaded"], m["rows_rejected"]) == (
        "loaded", 0, 0, 0)  # fmt: skip
    assert_accounted(tmp_path)


def test_a_copy_of_a_file_with_rows_is_still_a_duplicate(tmp_path: Path) -> None:
    data = QC_HEADER + b"\n" + QC_ROW + b"\n"
    original = land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", data, LANDED_DAY)
    copy = land(tmp_path, "qc_checks", "qc_checks__2026-10-20_copy.csv", data, NEXT)
    load_all(tmp_path)
    rows = query(tmp_path, "SELECT outcome, duplicate_of FROM bronze._files WHERE path = ?", [copy])
    assert rows == [("duplicate", original)]
    assert query(tmp_path, "SELECT count(*) FROM bronze.qc_checks") == [(1,)]
    assert_accounted(tmp_path)


# --------------------------------------------------------------------------- absence, in words


def _gold(tmp_path: Path, rows: list[tuple[str, bool, list[str]]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema gold")
    con.execute("create table gold.dim_source (source_name varchar, is_delivered boolean, "
                "needed_by varchar[])")  # fmt: skip
    con.executemany("insert into gold.dim_source values (?, ?, ?)", rows)
    return con


def test_absence_names_sources_in_contract_order_and_the_marts_they_empty(tmp_path: Path) -> None:
    con = _gold(tmp_path, [
        ("equipment_records", False, PROCESS_MARTS),
        ("product_scans", False, []),
        ("conveyor_requests", False, []),
        ("production_batches", True, ["fct_production_batch"]),
    ])  # fmt: skip
    absence = read_absence(con)
    assert absence == Absence(tuple(DISPENSING), tuple(PROCESS_MARTS))
    assert absence.line() == (
        "absent sources (plant file): conveyor_requests, product_scans, equipment_records "
        "→ empty by design: fct_process_cycle, kpi_process_daily, kpi_process_operator_daily"
    )
    report = render(GateOutcome("r1", [], [], absence=absence))
    assert "## Sources the plant does not deliver" in report
    assert absence.line() in report


def test_no_dim_source_yet_means_no_claim(tmp_path: Path) -> None:
    assert read_absence(duckdb.connect(str(tmp_path / "w.duckdb"))) is None


# --------------------------------------------------------------------------- the prairie week


@pytest.mark.slow
def test_prairie_publishes_with_empty_process_marts_and_says_why(prairie_week: Path) -> None:
    from cli.summary import publications, summary_lines

    [(run_id,)] = query(
        prairie_week, "select run_id from audit.publications order by published_at desc limit 1"
    )
    home, lines = prairie_week, summary_lines(prairie_week, run_id)
    expected = (
        "absent sources (plant file): conveyor_requests, product_scans, equipment_records "
        "→ empty by design: fct_process_cycle, kpi_process_daily, kpi_process_operator_daily"
    )
    assert f"  {expected}" in lines
    assert publications(home, run_id)[0] is not None
    assert expected in Home(home).latest_validation_report.read_text(encoding="utf-8")
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        for mart in PROCESS_MARTS:
            assert con.execute(f"select count(*) from gold.{mart}").fetchone() == (0,)
        assert con.execute("select count(*) from gold.kpi_machine_daily").fetchone()[0] > 0
        delivered = dict(con.execute("select source_name, is_delivered from gold.dim_source")
                         .fetchall())  # fmt: skip
        status = con.execute("select validation_status from meta.publication "
                             "order by published_at desc limit 1").fetchone()[0]  # fmt: skip
    finally:
        con.close()
    assert status.startswith("passed")
    assert {s for s, d in delivered.items() if not d} == set(DISPENSING)
    assert len(delivered) == 10


@pytest.mark.slow
def test_prairie_expectations_call_absent_sources_not_delivered(prairie_week: Path) -> None:
    home = prairie_week
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:  # the dispensing sources have no suite; those with one were validated and passed
        failed = con.execute("select count(*) from audit.expectation_results "
                             "where not success and severity = 'critical'").fetchone()  # fmt: skip
        files = con.execute("select count(*) from bronze._files where source in (?, ?, ?)",
                            DISPENSING).fetchone()  # fmt: skip
    finally:
        con.close()
    assert failed == (0,)
    assert files == (0,)


@pytest.mark.slow
def test_process_page_on_prairie_says_the_plant_lacks_the_source(prairie_week: Path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    home = prairie_week
    monkeypatch.setenv(HOME_ENV, str(home))
    monkeypatch.delenv(data.SERVING_ENV, raising=False)
    app = REPO / "dashboard" / "app.py"
    at = AppTest.from_file(str(app), default_timeout=120)
    at.run()
    at.switch_page("views/process.py").run()
    assert not at.exception, [e.value for e in at.exception]
    infos = [str(i.value) for i in at.info]
    assert any("this plant does not deliver `equipment_records`" in i for i in infos), infos
    assert any("`fct_process_cycle`" in i and "empty by design" in i for i in infos), infos
    assert not any(i.startswith("No process cycles for") for i in infos)  # not the generic one
    at.switch_page("views/data_quality.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [str(i.value) for i in at.info]
    assert any("conveyor_requests, equipment_records, product_scans" in t for t in texts), texts
