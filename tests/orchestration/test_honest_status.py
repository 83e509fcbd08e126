"""Honest status and tidy homes (issue 16 item 5), each without a pipeline run.

The per-date bronze line names wholly rejected files and is not "ok" for their date; a run killed
between validation and publish leaves a report that never says PASSED; the next publish removes
temp copies of dead runs; dbt's target folder keeps one invocation per step, not one per run.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

import duckdb
import pytest

from cli.run import PartitionOutcome, _delivery_counts
from cli.summary import publications, summary_lines, verdict_lines
from ground_truth.compare import MetricResult
from ground_truth.gate import record
from ground_truth.outcome import HAS_TRUTH, NO_TRUTH, DateVerdict, GateOutcome
from ground_truth.report import report_paths, write_report
from ingestion import manifest
from ingestion.loader import load_partition
from ingestion.manifest import LOADED, REJECTED, FileEntry
from ingestion.warehouse import connect, ensure_schema
from orchestration.defs.dbt.project import LOCK_SUFFIX, invocation_target, prune_invocation_targets
from orchestration.defs.serving.publish import publish, serving_path, temp_copies
from tests.bronze_fixtures import LANDED_DAY as DAY
from tests.bronze_fixtures import QC_HEADER, QC_ROW, land

QC = QC_HEADER + b"\n" + QC_ROW + b"\n"
# No units_produced, no energy_kwh: every row is rejected, the file's outcome is `rejected`.
BATCHES_WITHOUT_REQUIRED_COLUMNS = (
    b"batch_id,machine_id,product,operator_id,start_time,end_time,units_defective\n"
    + b"B1,SM1,IRON_PLATE,OP-1,2026-10-20T04:00:00Z,2026-10-20T05:00:00Z,3\n" * 2
)


def _outcome(home: Path, load_id: str, success: bool = True) -> PartitionOutcome:
    """The progress line's outcome for DAY, its counts read from the manifest."""
    counts, _ = _delivery_counts(home, load_id)
    return PartitionOutcome(DAY, success, 0.1, *counts[DAY], 24, 24, [])


def _load(home: Path, load_id: str) -> None:
    con = connect(home)
    try:
        for source in ("qc_checks", "production_batches"):
            load_partition(con, home, source, DAY, load_id=load_id)
    finally:
        con.close()


def test_a_wholly_rejected_file_is_named_and_the_date_is_not_ok(tmp_path: Path) -> None:
    land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC)
    land(tmp_path, "production_batches", "production_batches__2026-10-20.csv",
          BATCHES_WITHOUT_REQUIRED_COLUMNS)  # fmt: skip
    _load(tmp_path, "load-1")
    outcome = _outcome(tmp_path, "load-1")  # every check passed: the line must not trust them
    line = outcome.line()
    assert outcome.files_rejected == 1
    assert "1 file rejected" in line, line
    assert outcome.status != "ok" and f"{DAY}  ok" not in line, line
    assert f"{DAY}  WARN" in line
    assert f"{DAY}  FAIL" in _outcome(tmp_path, "load-1", success=False).line()


def test_a_rerun_still_names_the_rejected_file_until_a_new_version_replaces_it(
    tmp_path: Path,
) -> None:
    land(tmp_path, "production_batches", "production_batches__2026-10-20.csv",
          BATCHES_WITHOUT_REQUIRED_COLUMNS)  # fmt: skip
    _load(tmp_path, "load-1")
    _load(tmp_path, "load-2")  # nothing new: the date still holds a wholly rejected file
    rerun = _outcome(tmp_path, "load-2")
    assert (rerun.files_new, rerun.files_rejected, rerun.status) == (0, 1, "WARN")
    con = connect(tmp_path)
    try:  # a corrected version of the file loads later (a new manifest entry for its path)
        path, size, sha = con.execute(
            "SELECT path, size_bytes, sha256 FROM bronze._files WHERE outcome = ?", [REJECTED]
        ).fetchone()
        entry = FileEntry("load-3", "production_batches", DAY, path, Path(path).name, DAY, size,
                          sha + "-v2", LOADED, rows_read=2, rows_loaded=2)  # fmt: skip
        manifest.record(con, entry)
        con.execute("INSERT INTO bronze._loads VALUES ('load-3', 'production_batches', ?, "
                    "now(), now(), 1, 1)", [DAY])  # fmt: skip
    finally:
        con.close()
    assert _outcome(tmp_path, "load-3").status == "ok"


def test_a_clean_date_is_ok_and_names_no_rejected_file(tmp_path: Path) -> None:
    land(tmp_path, "qc_checks", "qc_checks__2026-10-20.csv", QC)
    _load(tmp_path, "load-1")
    outcome = _outcome(tmp_path, "load-1")
    assert outcome.files_rejected == 0
    assert outcome.line().startswith(f"  {DAY}  ok ")
    assert "file rejected" not in outcome.line() and "files rejected" not in outcome.line()


def _warehouse(home: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse with bronze (publish serves its rejects and accounting) and the one gold
    table publish reads its covered dates from."""
    con = connect(home)
    ensure_schema(con)
    con.execute("create schema if not exists gold")
    con.execute("create table gold.kpi_plant_daily as select date '2026-10-20' as production_date")
    return con


def _validated(con: duckdb.DuckDBPyConnection, home: Path, run_id: str, failed: bool = False):
    """What the truth gate leaves: audit rows and the report, before publish."""
    actual = "0.9" if failed else "0.5"
    result = MetricResult(DAY, "kpi_plant_daily", "P1", "oee", "0.5", actual, 1e-6, not failed)
    outcome = GateOutcome(run_id, [DateVerdict(DAY, HAS_TRUTH, [result])], [])
    record(con, outcome)
    write_report(home, outcome)
    return outcome


def test_a_run_killed_before_publish_never_reports_passed(tmp_path: Path) -> None:
    con = _warehouse(tmp_path)
    try:
        _validated(con, tmp_path, "run-1")  # an earlier run, validated and published
        publish(con, tmp_path, "run-1", [DAY], "passed", 1, 0)
        _validated(con, tmp_path, "run-2")  # validated; then killed: publish never runs
    finally:
        con.close()
    own, latest = report_paths(tmp_path, "run-2")
    for report in (own, latest):
        text = report.read_text(encoding="utf-8")
        assert "run-2" in text and "PASSED" not in text
        assert "**Verdict: NOT PUBLISHED**" in text
    assert "**Verdict: PASSED**" in report_paths(tmp_path, "run-1")[0].read_text(encoding="utf-8")
    assert "run-2" in summary_lines(tmp_path, "run-2")[0]  # its own validation, not run-1's
    published, last = publications(tmp_path, "run-2")
    run_1 = publications(tmp_path, "run-1")[0]
    assert published is None and last == run_1
    lines = verdict_lines(tmp_path, [], published, last)
    assert lines[0] == "FAILED: this run published nothing"
    assert f"serving copy unchanged since {run_1:%Y-%m-%d %H:%M:%S} UTC" in lines[1]


def test_the_report_says_passed_once_the_serving_copy_is_in_place(tmp_path: Path) -> None:
    con = _warehouse(tmp_path)
    try:
        _validated(con, tmp_path, "run-1")
        publication = publish(con, tmp_path, "run-1", [DAY], "passed", 1, 0)
    finally:
        con.close()
    assert serving_path(tmp_path).exists()
    for report in report_paths(tmp_path, "run-1"):
        text = report.read_text(encoding="utf-8")
        assert text.count("PASSED") == 1 and "NOT PUBLISHED" not in text
        assert f"published {publication.published_at:%Y-%m-%d %H:%M:%S} UTC" in text


def test_publish_failing_after_validation_leaves_not_published(tmp_path, monkeypatch) -> None:
    """A kill between validate and publish's swap, simulated by the swap raising."""

    def killed(*_args) -> None:
        raise KeyboardInterrupt

    con = _warehouse(tmp_path)
    try:
        _validated(con, tmp_path, "run-1")
        monkeypatch.setattr("orchestration.defs.serving.publish.os.replace", killed)
        with pytest.raises(KeyboardInterrupt):
            publish(con, tmp_path, "run-1", [DAY], "passed", 1, 0)
    finally:
        con.close()
    assert not serving_path(tmp_path).exists()
    assert "PASSED" not in report_paths(tmp_path, "run-1")[1].read_text(encoding="utf-8")
    assert temp_copies(tmp_path)  # what a killed run leaves: the next test removes such files


def test_a_blocked_run_reports_failed_not_passed(tmp_path: Path) -> None:
    con = _warehouse(tmp_path)
    try:
        _validated(con, tmp_path, "run-1", failed=True)
    finally:
        con.close()
    text = report_paths(tmp_path, "run-1")[1].read_text(encoding="utf-8")
    assert "**Verdict: FAILED**" in text and "PASSED" not in text
    assert "1 passed" not in summary_lines(tmp_path, "run-1")[0]
    assert "0 passed, 1 failed" in summary_lines(tmp_path, "run-1")[0]


def test_a_report_without_truth_is_published_as_passed(tmp_path: Path) -> None:
    con = _warehouse(tmp_path)
    try:
        outcome = GateOutcome("run-1", [DateVerdict(DAY, NO_TRUTH)], [])
        write_report(tmp_path, outcome)
        assert "PASSED" not in report_paths(tmp_path, "run-1")[1].read_text(encoding="utf-8")
        publish(con, tmp_path, "run-1", [DAY], "no truth: expectations only", 0, 0)
    finally:
        con.close()
    text = report_paths(tmp_path, "run-1")[1].read_text(encoding="utf-8")
    assert "**Verdict: PASSED**" in text and "expectations only" in text


def test_the_next_publish_removes_temp_copies_of_dead_runs(tmp_path: Path) -> None:
    folder = serving_path(tmp_path).parent
    folder.mkdir(parents=True)
    dead = [folder / ".serving.duckdb.0123abcd.tmp", folder / ".serving.duckdb.0123abcd.tmp.wal"]
    for path in dead:
        path.write_bytes(b"half a copy")
    other = folder / "notes.tmp"  # not a serving copy: left alone
    other.write_bytes(b"x")
    con = _warehouse(tmp_path)
    try:
        publish(con, tmp_path, "run-1", [DAY], "passed", 0, 0)
    finally:
        con.close()
    assert not any(p.exists() for p in dead)
    assert temp_copies(tmp_path) == [] and other.exists() and serving_path(tmp_path).exists()


def _invoke(step: str, root: Path) -> Path:
    """One dbt invocation's worth of artefacts, written the way dagster-dbt writes them."""
    with invocation_target(step, root) as folder:
        folder.mkdir()
        (folder / "run_results.json").write_text("{}")
    return folder


def test_dbt_target_keeps_the_last_invocation_of_each_step(tmp_path: Path) -> None:
    legacy = tmp_path / "silver_and_dimensions-b440d62-d5e68a5"  # dagster-dbt's own, unlocked
    legacy.mkdir()
    (tmp_path / "manifest.json").write_text("{}")  # the shared manifest: never pruned
    silver = [_invoke("silver_and_dimensions", tmp_path) for _ in range(5)]
    gold = _invoke("gold_by_production_date", tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert kept == sorted([silver[-1].name, gold.name])
    assert (silver[-1] / "run_results.json").exists() and (tmp_path / "manifest.json").exists()
    assert not legacy.exists()


def test_dbt_target_never_removes_a_running_invocation(tmp_path: Path) -> None:
    with invocation_target("gold_by_production_date", tmp_path) as running:
        running.mkdir()
        # another process's invocation, still running: its lock is held
        other = tmp_path / "gold_by_production_date-0000000000aa"
        other.mkdir()
        with open(other.with_name(other.name + LOCK_SUFFIX), "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            assert prune_invocation_targets("gold_by_production_date", tmp_path) == []
        assert running.exists() and other.exists()
    assert prune_invocation_targets("gold_by_production_date", tmp_path) == sorted([running, other])
    assert list(tmp_path.iterdir()) == []
