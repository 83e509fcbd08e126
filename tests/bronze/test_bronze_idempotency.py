"""Idempotency: loading the same days twice, and redelivered copies, change nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from generators.run import generate
from ingestion.contracts import SOURCES
from ingestion.landing import delivery_dates
from tests.bronze_fixtures import BRONZE_START, copy_home, load_all, query


def table_counts(home: Path) -> dict[str, int]:
    counts = {}
    for spec in SOURCES.values():
        for table in (spec.table, spec.rejects_table):
            counts[table] = query(home, f"SELECT count(*) FROM {table}")[0][0]
    counts["bronze._files"] = query(home, "SELECT count(*) FROM bronze._files")[0][0]
    return counts


def test_loading_three_days_twice_changes_nothing(fresh_home: Path) -> None:
    days = delivery_dates(fresh_home)[:3]
    first = load_all(fresh_home, days)
    before = table_counts(fresh_home)
    assert sum(r.rows_loaded for r in first) > 0
    second = load_all(fresh_home, days)
    assert table_counts(fresh_home) == before
    assert all(not r.entries for r in second)
    assert sum(r.already_processed for r in second) == sum(r.files_seen for r in first)


def test_duplicated_file_chaos_loads_each_byte_once(tmp_path: Path) -> None:
    home = tmp_path / "dups"
    generate(home, BRONZE_START, 3, seed=11, chaos_level="default",
             overrides={"duplicate_files": 0.5})  # fmt: skip
    clean = copy_home(home, tmp_path / "no_copies")
    copies = query_copies(home)
    load_all(home)
    duplicates = query(home, "SELECT path, duplicate_of FROM bronze._files "
                       "WHERE outcome = 'duplicate' ORDER BY path")  # fmt: skip
    assert {p for p, _ in duplicates} == copies and len(copies) >= 3
    for path, original in duplicates:
        assert (home / path).read_bytes() == (home / original).read_bytes()
    # the same landing without the copies gives exactly the same bronze tables
    for rel in copies:
        (clean / rel).unlink()
    load_all(clean)
    with_copies, without = table_counts(home), table_counts(clean)
    assert with_copies.pop("bronze._files") == without.pop("bronze._files") + len(copies)
    assert with_copies == without


def query_copies(home: Path) -> set[str]:
    """Paths the generator delivered as copies (names with a copy suffix)."""
    out = set()
    for path in (home / "landing").glob("*/*/*"):
        stem = path.stem
        if stem.endswith(("__resent", " (1)", "_copy")):
            out.add(path.relative_to(home).as_posix())
    return out


def test_rerun_after_new_file_only_loads_the_new_file(fresh_home: Path) -> None:
    days = delivery_dates(fresh_home)
    load_all(fresh_home, days[:1])
    before = table_counts(fresh_home)
    src = next((fresh_home / "landing" / days[1].isoformat() / "qc_checks").glob("*.csv"))
    target = fresh_home / "landing" / days[0].isoformat() / "qc_checks" / src.name
    shutil.copyfile(src, target)  # a late file dropped into an already-loaded folder
    reports = load_all(fresh_home, days[:1])
    assert [e.path for r in reports for e in r.entries] == [
        target.relative_to(fresh_home).as_posix()
    ]
    assert table_counts(fresh_home)["bronze.qc_checks"] > before["bronze.qc_checks"]
