"""When a build may be skipped: the fingerprint of its inputs and the publication that holds it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ground_truth import audit
from ground_truth.truth import truth_fingerprint
from ingestion.versions import ACTIONS_DDL
from ingestion.warehouse import MANIFEST_DDL
from orchestration.defs.dbt.build_inputs import (
    bronze_fingerprint,
    build_fingerprint,
    code_fingerprint,
    published_build,
    record_build,
    record_gold_only_build,
    tree_fingerprint,
)

D = date(2026, 10, 20)
T0 = datetime(2026, 11, 1, 6, tzinfo=UTC)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema bronze")
    con.execute(MANIFEST_DDL)
    con.execute(ACTIONS_DDL)
    audit.ensure_audit(con)
    yield con
    con.close()


def _build(con, run_id: str, fingerprint: str, at: datetime) -> None:
    con.execute("insert into audit.build_inputs values (?, ?, ?)", [run_id, at, fingerprint])


def _publish(con, run_id: str, days: list[date], at: datetime) -> None:
    con.execute(
        "insert into audit.publications (published_at, run_id, production_dates, "
        "validation_status) values (?, ?, ?, 'passed')",
        [at, run_id, days],
    )


def _days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(n)]


def test_a_published_build_holds_its_inputs_for_the_dates_it_covered(con) -> None:
    _build(con, "A", "fp1", T0)
    _publish(con, "A", _days(D, 5), T0 + timedelta(minutes=5))
    found = published_build(con, "fp1", D + timedelta(days=1), D + timedelta(days=4))
    assert found is not None and found.run_id == "A"
    assert (found.first, found.last) == (D, D + timedelta(days=4))
    assert published_build(con, "fp1", D + timedelta(days=4), D + timedelta(days=5)) is None
    assert published_build(con, "fp2", D, D) is None  # other inputs: build


def test_an_unpublished_build_counts_for_nothing(con) -> None:
    _build(con, "A", "fp1", T0)  # failed before publish (truth gate, say)
    assert published_build(con, "fp1", D, D) is None


def test_a_later_attempt_with_other_inputs_invalidates_the_publication(con) -> None:
    """Code changed and its build failed halfway: the tables may hold its half; rebuild, even
    after the code is changed back."""
    _build(con, "A", "fp1", T0)
    _publish(con, "A", [D], T0 + timedelta(minutes=5))
    _build(con, "B", "fp2", T0 + timedelta(hours=1))
    assert published_build(con, "fp1", D, D) is None
    _build(con, "C", "fp1", T0 + timedelta(hours=2))
    _publish(con, "C", [D], T0 + timedelta(hours=2, minutes=5))
    assert published_build(con, "fp1", D, D).run_id == "C"


def test_record_build_once_per_run(con) -> None:
    record_build(con, "A", "fp1")
    record_build(con, "A", "fp1")  # the gold step of the same run
    assert con.execute("select count(*) from audit.build_inputs").fetchone() == (1,)


def test_a_gold_only_run_is_recorded_with_the_current_inputs_and_a_whole_build_kept(
    con, tmp_path: Path
) -> None:
    record_build(con, "whole", "fp-from-silver-step")
    record_gold_only_build(con, "whole", tmp_path)  # its gold step: the row stays as it was
    record_gold_only_build(con, "gold-only", tmp_path)
    rows = con.execute("select run_id, fingerprint from audit.build_inputs order by run_id")
    assert rows.fetchall() == [
        ("gold-only", build_fingerprint(con, tmp_path)),
        ("whole", "fp-from-silver-step"),
    ]


def test_bronze_fingerprint_changes_with_every_manifest_row(con) -> None:
    empty = bronze_fingerprint(con)
    con.execute(
        "insert into bronze._files (load_id, delivery_date, path, file_name, size_bytes, sha256, "
        "outcome, rows_read, rows_loaded, rows_rejected, records_written, loaded_at) "
        "values ('run1', ?, 'landing/x.csv', 'x.csv', 10, 'abc', 'loaded', 3, 3, 0, 3, now())",
        [D],
    )
    loaded = bronze_fingerprint(con)
    con.execute("update bronze._files set outcome = 'quarantined'")
    assert len({empty, loaded, bronze_fingerprint(con)}) == 3


def test_truth_fingerprint_changes_when_truth_is_added_or_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "ground_truth" / D.isoformat()
    none = truth_fingerprint(tmp_path)
    folder.mkdir(parents=True)
    (folder / "truth.json").write_text("{}")
    one = truth_fingerprint(tmp_path)
    (folder / "truth.json").write_text('{"a": 1}')
    assert len({none, one, truth_fingerprint(tmp_path)}) == 3


def test_code_fingerprint_covers_dbt_sources_and_python_but_not_bytecode(tmp_path: Path) -> None:
    files = {
        "dbt_project/models/gold/kpi.sql": "select 1",
        "dbt_project/dbt_project.yml": "name: x",
        "orchestration/defs/bronze/assets.py": "X = 1",
        "orchestration/__pycache__/assets.cpython-311.pyc": "bytes",
        "dashboard/app.py": "# not part of a build",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    prints = [tree_fingerprint(tmp_path)]
    for name in files:
        (tmp_path / name).write_text(files[name] + " changed")
        prints.append(tree_fingerprint(tmp_path))
    built_from, sql, project, python, bytecode, dashboard = prints
    assert len({built_from, sql, project, python}) == 4
    assert bytecode == python and dashboard == python
    assert code_fingerprint() == tree_fingerprint(Path(__file__).resolve().parents[2])
