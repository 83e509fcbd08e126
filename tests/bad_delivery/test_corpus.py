"""The bad-delivery corpus end to end: every kind of bad input, landed through the real landing
path into one clean home, and one `shopfloor run` over it.

For each case the test proves what issue 16 promises: the run publishes the date anyway (exit 0,
the gate passed, gold built), the run's message names the file (and the line, for a row), the bad
input sits in bronze rejects, the silver quarantine or quarantine/ with its reason, and row
accounting holds for every file. Then the one kind of bad input that does block: a file rejected
whole stops its date with a message naming the file and what to do, and retracting it lets the
next run publish.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

import tests.bad_delivery as corpus_package
from generators.run import generate
from ingestion.accounting import accounting_breaks
from ingestion.contracts import SOURCES
from tests.bad_delivery.case import BRONZE, LOADED, QUARANTINE, SILVER, Case, Landed

START = date(2026, 10, 22)
DAYS = 2
SILVER_QUARANTINE = "gold.fct_row_rejects"  # every refused row, bronze and silver, for analysts


def _cases() -> list[Case]:
    """Every CASES list of the package's `cases_*` modules."""
    cases = []
    for info in pkgutil.iter_modules(corpus_package.__path__):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"{corpus_package.__name__}.{info.name}")
            cases += module.CASES
    return cases


CASES = _cases()


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "--home", str(home), *(args or ["run"])],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


@pytest.fixture(scope="session")  # built once per worker, however tests interleave
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str, int]:
    """A clean home with every case landed on the first delivery date, run once."""
    home = tmp_path_factory.mktemp("bad_delivery")
    generate(home, START, DAYS, seed=7, chaos_level="none")
    landed = {case.name: case.apply(home, START) for case in CASES}
    result = _run(home)
    return home, landed, result.stdout + result.stderr, result.returncode


def _query(home: Path, sql: str, params: list, serving: bool = False) -> list[tuple]:
    name = "serving.duckdb" if serving else "shopfloor.duckdb"
    con = duckdb.connect(str(home / "warehouse" / name), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_corpus_is_not_empty():
    assert len(CASES) >= 15, [c.name for c in CASES]
    assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"


def test_the_date_is_published_despite_every_bad_delivery(corpus_run):
    home, _, output, code = corpus_run
    assert code == 0, output
    assert "PASSED" in (home / "reports" / "validation_latest.md").read_text(encoding="utf-8")
    days = _query(
        home, "select count(distinct production_date) from gold.kpi_machine_daily", [], True
    )
    assert days == [(DAYS,)], output


def test_row_accounting_holds_for_every_file(corpus_run):
    home = corpus_run[0]
    con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:
        breaks = [b for s in SOURCES for b in accounting_breaks(con, s)]
    finally:
        con.close()
    assert breaks == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_is_refused_with_file_line_and_reason(corpus_run, case: Case):
    home, landed_by_name, output, _ = corpus_run
    landed: Landed = landed_by_name[case.name]
    where = f"{landed.path}:{landed.line}" if landed.line else landed.path
    if landed.where != LOADED:  # an oddity that loads is no refusal to report
        assert where in output, f"the run's message does not name {where}"
    if landed.where == LOADED:
        source = landed.path.split("/")[2]
        assert source in SOURCES
        reasons = _query(
            home,
            f"select _extra_columns from bronze.{source} "
            "where _source_file = ? and _row_number = ?",
            [landed.path, landed.line],
        )
    elif landed.where == BRONZE:
        source = landed.path.split("/")[2]
        reasons = _query(
            home,
            f"select reason from bronze.{source}_rejects "
            "where _source_file = ? and _row_number = ?",
            [landed.path, landed.line],
        )
        assert source in SOURCES
    elif landed.where == SILVER:
        reasons = _query(
            home,
            f"select reason from {SILVER_QUARANTINE} "
            "where source_file = ? and source_row_number = ? and stage = 'silver' "
            "and field is not null and value is not null",
            [landed.path, landed.line],
            serving=True,
        )
    else:
        assert landed.where == QUARANTINE
        reasons = _query(
            home,
            "select error from bronze._files where path = ? and outcome = 'quarantined'",
            [landed.path],
        )
        assert not (home / landed.path).exists(), "a quarantined file must leave landing"
    assert reasons, f"{where}: not found in {landed.where}"
    assert any(landed.reason.lower() in (r or "").lower() for (r,) in reasons), reasons


def test_data_quality_daily_counts_what_was_refused(corpus_run):
    home = corpus_run[0]
    counted = dict(
        _query(
            home,
            "select chaos_type, sum(items_found) from gold.data_quality_daily "
            "where chaos_type in ('rows_rejected', 'rows_quarantined') group by 1",
            [],
            serving=True,
        )
    )
    refused = dict(
        _query(
            home,
            "select case stage when 'silver' then 'rows_quarantined' else 'rows_rejected' end, "
            "count(*) from gold.fct_row_rejects where stage = 'silver' or field is not null "
            "group by 1",
            [],
            serving=True,
        )
    )
    assert counted == refused
    assert counted["rows_quarantined"] >= sum(c.where == SILVER for c in corpus_run[1].values())


@pytest.fixture(scope="session")  # built once per worker, however tests interleave
def blocked_then_retracted(corpus_run) -> tuple[str, subprocess.CompletedProcess[str], ...]:
    """After the corpus run: a file of the second date whose header lacks a required column
    (every row rejected) is landed; a run; then the file retracted; a run."""
    home = corpus_run[0]
    day = START + timedelta(days=1)
    folder = home / "landing" / day.isoformat() / "qc_checks"
    bad = folder / f"qc_checks__{day}__resent.csv"
    original = next(folder.glob("qc_checks__*.csv")).read_text(encoding="utf-8")
    header, _, body = original.partition("\n")
    bad.write_text(header.replace("check_id", "check_no") + "\n" + body, encoding="utf-8")
    rel = bad.relative_to(home).as_posix()
    blocked = _run(home)
    retracted = _run(home, "landing", "retract", rel, "--reason", "sent with a broken header")
    published = _run(home)
    return rel, blocked, retracted, published


def test_a_wholly_rejected_file_blocks_its_date_and_says_what_to_do(blocked_then_retracted):
    rel, blocked, _, _ = blocked_then_retracted
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert f"{rel}  whole file rejected: header lacks required column(s) check_id" in output
    assert "shopfloor landing retract" in output
    assert "FAILED: " in output and "serving copy unchanged since" in output
    assert "PASSED" not in output and "serving copy published" not in output


def test_retracting_the_file_lets_the_next_run_publish(blocked_then_retracted, corpus_run):
    rel, _, retracted, published = blocked_then_retracted
    assert retracted.returncode == 0, retracted.stdout + retracted.stderr
    output = published.stdout + published.stderr
    assert published.returncode == 0, output
    assert "\nPASSED\n  serving copy published " in output
    actions = _query(
        corpus_run[0],
        "select action, reason from bronze._file_actions where path = ?",
        [rel],
    )
    assert actions == [("retract", "sent with a broken header")]
