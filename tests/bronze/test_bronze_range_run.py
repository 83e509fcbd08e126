"""A range of delivery dates in one Dagster run: one outcome per date, checks scoped to the run."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from cli.run import _day_checks, run_partitions
from ingestion.accounting import accounting_breaks, delivery_of, stuck_files
from ingestion.contracts import SOURCES
from ingestion.landing import delivery_dates
from ingestion.versions import current_view
from ingestion.warehouse import connect
from orchestration.check_dates import FAILED_DATES, WARNING_DATES, dates_metadata
from orchestration.defs.validation import checks
from orchestration.defs.validation.suites import SUITES
from tests.bronze_fixtures import copy_home, load_all, query


def spoil_header(path: Path) -> None:
    """A production-batches file whose header lost units_produced: the whole file is rejected
    (a single bad value would be one reject, and the date would still build)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    header[[c.strip().lower() for c in header].index("units_produced")] = "units_made"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(header)
    lines[0] = out.getvalue()
    path.write_text("".join(lines), encoding="utf-8")


def test_range_is_one_run_and_a_bad_date_fails_alone(
    default_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = copy_home(default_home, tmp_path / "home")
    monkeypatch.setenv("SHOPFLOOR_HOME", str(home))
    days = delivery_dates(home)
    bad = days[1]
    spoil_header(
        home / "landing" / bad.isoformat() / "production_batches" / f"production_batches__{bad}.csv"
    )
    lines: list[str] = []
    outcomes = run_partitions(home, days, echo=lines.append)

    assert [o.day for o in outcomes] == days
    assert lines[0].startswith(f"  {days[0]} .. {days[-1]}")  # announced as one run
    assert query(home, "SELECT count(DISTINCT load_id) FROM bronze._files") == [(1,)]
    bronze_suites = sum(1 for s in SUITES if s.layer == "bronze")
    for o in outcomes:
        files, loaded, rejected = query(
            home,
            "SELECT count(*), sum(rows_loaded), sum(rows_rejected) FROM bronze._files "
            "WHERE delivery_date = ?",
            [o.day],
        )[0]
        assert (o.files_new, o.rows_loaded, o.rows_rejected) == (files, loaded, rejected)
        assert o.checks_total == 4 * len(SOURCES) + 1 + bronze_suites  # 4: with freshness
        if o.day == bad:  # the blocking check names the date whose file was rejected whole
            assert not o.success
            (failure,) = o.failures  # says which file, and what to do about it
            assert failure.startswith(
                "check bronze/production_batches:rejects_within_limit failed: "
            )
            assert f"landing/{bad}/production_batches/production_batches__{bad}.csv" in failure
            assert "shopfloor landing retract" in failure
            assert o.checks_passed == o.checks_total - 1
        else:
            assert o.success, (o.day, o.failures)
            assert o.checks_passed == o.checks_total
    failed = query(
        home,
        "SELECT DISTINCT partition_key, column_name FROM audit.expectation_results "
        "WHERE NOT success",
    )
    assert failed == []  # the rejected file's rows never reached the expectations

    # the same range again: nothing new is loaded, nothing is counted twice
    before = {s.table: query(home, f"SELECT count(*) FROM {s.table}") for s in SOURCES.values()}
    again = run_partitions(home, days, echo=lambda _: None)
    assert [o.files_new for o in again] == [0] * len(days)
    assert {s.table: query(home, f"SELECT count(*) FROM {s.table}") for s in SOURCES.values()} == (
        before
    )


def test_expectation_batches_cut_a_range_by_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA bronze")
    con.execute("CREATE TABLE bronze.sensor_logs (_delivery_date DATE)")
    view = current_view("bronze.sensor_logs")  # what the suites read: current file versions
    con.execute(f"CREATE VIEW {view} AS SELECT * FROM bronze.sensor_logs")
    start = date(2026, 1, 1)
    days = [start + timedelta(days=i) for i in range(6)]
    for day, n in zip(days, (4, 4, 0, 9, 15, 1), strict=True):  # rows per delivery date
        con.execute("INSERT INTO bronze.sensor_logs SELECT ? FROM range(?)", [day, n])
    monkeypatch.setattr(checks, "MAX_BATCH_ROWS", 10)
    suite = next(s for s in SUITES if s.table == "sensor_logs")
    assert checks._bronze_batches(con, suite, days) == [
        (days[0], days[2]),  # 8 rows; the next date would make 17
        (days[3], days[3]),
        (days[4], days[4]),  # one date over the limit stays whole
        (days[5], days[5]),
    ]
    assert checks._bronze_batches(con, suite, days[2:3]) == [(days[2], days[2])]


def test_bronze_checks_judge_only_the_dates_they_are_given(fresh_home: Path) -> None:
    first, second = delivery_dates(fresh_home)[:2]
    load_all(fresh_home, [first, second])
    con = connect(fresh_home)
    try:  # a lost row in the first date's file, and a late file nobody loaded
        (path,) = con.execute(
            "SELECT path FROM bronze._files WHERE source = 'qc_checks' AND outcome = 'loaded' "
            "AND delivery_date = ? ORDER BY path LIMIT 1",
            [first],
        ).fetchall()[0]
        con.execute(
            "DELETE FROM bronze.qc_checks WHERE _source_file = ? AND _row_number = "
            "(SELECT min(_row_number) FROM bronze.qc_checks WHERE _source_file = ?)",
            [path, path],
        )
        late = fresh_home / "landing" / first.isoformat() / "qc_checks" / "qc_checks__late.csv"
        late.write_bytes(b"check_id\n")
        assert accounting_breaks(con, "qc_checks", [second]) == []
        assert stuck_files(con, fresh_home, "qc_checks", [second]) == []
        [broken] = accounting_breaks(con, "qc_checks", [first])
        assert broken.startswith(f"{path}: ") and delivery_of(broken) == first
        assert stuck_files(con, fresh_home, "qc_checks", [first]) == [
            late.relative_to(fresh_home).as_posix()
        ]
        assert accounting_breaks(con, "qc_checks") == [broken]  # no dates: the whole history
    finally:
        con.close()


def test_a_range_result_counts_against_the_dates_it_names() -> None:
    """A range run's failed check names its dates as a JSON list: a critical date fails, a
    warned date passes with a warning less, the other dates pass; a failure naming no date
    counts against every date."""
    from dagster import AssetCheckEvaluation, AssetCheckSeverity, AssetKey

    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(3)]

    def evaluation(name: str, metadata: dict) -> AssetCheckEvaluation:
        return AssetCheckEvaluation(
            asset_key=AssetKey(["bronze", "qc_checks"]),
            check_name=name,
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            metadata=metadata,
            description=f"{name} failed",
        )

    named = evaluation(
        "expectations",
        {FAILED_DATES: dates_metadata([days[0]]), WARNING_DATES: dates_metadata([days[1]])},
    )
    assert _day_checks([named], days[0]) == (
        0,
        1,
        ["check bronze/qc_checks:expectations failed: expectations failed"],
    )
    assert _day_checks([named], days[1]) == (0, 1, [])  # warned: not passed, not an error
    assert _day_checks([named], days[2]) == (1, 1, [])
    unnamed = evaluation("row_accounting", {FAILED_DATES: dates_metadata([])})
    assert [_day_checks([unnamed], day)[2] != [] for day in days] == [True, True, True]
