"""File versions, retract and restore at bronze level (fast), and one pipeline run of each.

A file re-delivered under the same landing path with other bytes is the next version of that
file: bronze keeps every version's rows, the `_current` views show only the current one, and a
retract hides every version until restored (ingestion/versions.py, ingestion/retract.py).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generators.run import generate
from ingestion.accounting import accounting_breaks
from ingestion.contracts import source
from ingestion.loader import load_partition
from ingestion.retract import LandingError, history, restore, retract
from ingestion.versions import current_view
from ingestion.warehouse import connect
from orchestration.cli import main

START = date(2026, 10, 22)
SOURCE = "production_batches"
SPEC = source(SOURCE)
REL = f"landing/{START}/{SOURCE}/{SOURCE}__{START}.csv"


@pytest.fixture(scope="module")
def clean_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("versions_src")
    generate(home, START, 1, seed=7, chaos_level="none")
    return home


@pytest.fixture
def home(clean_landing: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "home"
    shutil.copytree(clean_landing / "landing", dst / "landing")
    return dst


def _rewrite(path: Path, row: int, column: str, value: str) -> str:
    """Set `column` of data row `row` (1 = first after the header) of a CSV; the old value."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    cells = lines[row].rstrip("\r\n").split(",")
    old, cells[header.index(column)] = cells[header.index(column)], value
    lines[row] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return old


def _load(home: Path) -> None:
    con = connect(home)
    try:
        load_partition(con, home, SOURCE, START)
    finally:
        con.close()


def _q(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = connect(home)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _current_values(home: Path, column: str) -> dict[int, str]:
    view = current_view(SPEC.table)
    rows = _q(home, f"SELECT _row_number, {column} FROM {view} WHERE _source_file = ?", [REL])
    return dict(rows)


def test_version_2_replaces_version_1_in_the_current_view(home: Path) -> None:
    _load(home)
    v1 = _current_values(home, "units_defective")
    old = _rewrite(home / REL, 1, "units_defective", "991")
    _load(home)
    v2 = _current_values(home, "units_defective")
    line = min(v1)  # the first data row's line number
    assert v1[line] == old and v2[line] == "991"
    assert {n: v for n, v in v2.items() if n != line} == {n: v for n, v in v1.items() if n != line}
    entries = _q(home, "SELECT version, supersedes, rows_changed, rows_added, rows_removed, "
                 "outcome FROM bronze._files WHERE path = ? ORDER BY version", [REL])  # fmt: skip
    assert entries == [(1, None, None, None, None, "loaded"), (2, 1, 1, 0, 0, "loaded")]
    # bronze keeps both versions' rows; accounting holds for each
    per_sha = _q(home, f"SELECT count(DISTINCT _file_sha256), count(*) FROM {SPEC.table} "
                 "WHERE _source_file = ?", [REL])  # fmt: skip
    assert per_sha == [(2, 2 * len(v1))]
    con = connect(home)
    try:
        assert accounting_breaks(con, SOURCE) == []
    finally:
        con.close()


def test_earlier_bytes_back_reinstate_that_version(home: Path) -> None:
    _load(home)
    original = (home / REL).read_bytes()
    v1 = _current_values(home, "units_defective")
    _rewrite(home / REL, 2, "units_defective", "992")
    _load(home)
    (home / REL).write_bytes(original)
    _load(home)
    assert _current_values(home, "units_defective") == v1
    assert _q(home, "SELECT version, outcome, rows_changed FROM bronze._files WHERE path = ? "
              "ORDER BY version", [REL])[-1] == (3, "reinstated", 1)  # fmt: skip
    rows = _q(home, f"SELECT count(*) FROM {SPEC.table} WHERE _source_file = ?", [REL])[0][0]
    assert rows == 2 * len(v1)  # reinstating loads nothing twice


def test_lines_added_and_removed_are_counted(home: Path) -> None:
    _load(home)
    path = home / REL
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-2]), encoding="utf-8")
    _load(home)
    assert _q(home, "SELECT rows_changed, rows_added, rows_removed FROM bronze._files "
              "WHERE path = ? AND version = 2", [REL]) == [(0, 0, 2)]  # fmt: skip


def test_retract_hides_every_version_and_restore_brings_the_current_back(home: Path) -> None:
    _load(home)
    _rewrite(home / REL, 1, "units_defective", "993")
    _load(home)
    before = _current_values(home, "units_defective")
    con = connect(home)
    try:
        action = retract(con, REL, reason="wrong plant", user="tester")
        assert (action.action, action.version, action.who) == (
            "retract", 2, "tester")  # fmt: skip
        with pytest.raises(LandingError, match="already retracted"):
            retract(con, REL)
    finally:
        con.close()
    assert _current_values(home, "units_defective") == {}
    assert _q(home, "SELECT count(*) FROM bronze._files_current WHERE path = ?", [REL]) == [(0,)]
    _load(home)  # the retracted file left in landing is not loaded again
    assert _q(home, "SELECT count(*) FROM bronze._files WHERE path = ?", [REL]) == [(2,)]
    con = connect(home)
    try:
        restore(con, REL, user="tester")
        trail = history(con, REL)
    finally:
        con.close()
    assert _current_values(home, "units_defective") == before
    assert [(a.action, a.who, a.version, a.reason) for a in trail] == [
        ("retract", "tester", 2, "wrong plant"), ("restore", "tester", 2, None)]  # fmt: skip
    sha = _q(home, "SELECT sha256 FROM bronze._files WHERE path = ? AND version = 2", [REL])
    assert {a.sha256 for a in trail} == {sha[0][0]}


def test_new_bytes_after_a_retract_are_a_new_active_version(home: Path) -> None:
    _load(home)
    con = connect(home)
    try:
        retract(con, REL, user="tester")
    finally:
        con.close()
    _rewrite(home / REL, 1, "units_defective", "994")
    _load(home)
    values = _current_values(home, "units_defective")
    assert values and "994" in values.values()


def test_cli_refuses_an_unknown_path(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load(home)
    missing = f"landing/{START}/{SOURCE}/nope.csv"
    for argv in (["retract", missing], ["restore", missing], ["history", missing]):
        assert main(["--home", str(home), "landing", *argv]) == 2
        err = capsys.readouterr().err
        assert missing in err and "Traceback" not in err
    assert main(["--home", str(home), "landing", "retract", REL, "--reason", "test"]) == 0
    out = capsys.readouterr().out
    assert REL in out
    assert main(["--home", str(home), "landing", "history"]) == 0
    assert "retract" in capsys.readouterr().out
