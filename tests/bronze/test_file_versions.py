"""File versions, retract and restore at bronze level (fast), and one pipeline run of each.

A file re-delivered under the same landing path with other bytes is the next version of that
file: bronze keeps every version's rows, the `_current` views show only the current one, and a
retract hides every version until restored (ingestion/versions.py, ingestion/retract.py).
"""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from cli.main import main
from generators.run import generate
from ingestion.accounting import accounting_breaks
from ingestion.contracts import source
from ingestion.loader import load_partition
from ingestion.retract import LandingError, history, restore, retract
from ingestion.versions import current_view
from ingestion.warehouse import connect
from orchestration.defs.dbt.build_inputs import bronze_fingerprint, restatements
from orchestration.defs.landing.pending import unloaded_files

START = date(2026, 10, 22)
SOURCE = "production_batches"
SPEC = source(SOURCE)
REL = f"landing/{START}/{SOURCE}/{SOURCE}__{START}.csv"


@pytest.fixture(scope="session")  # built once per worker, however tests interleave
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


def test_the_sensor_sees_a_corrected_file_under_a_known_name_as_pending(home: Path) -> None:
    _load(home)
    assert REL not in unloaded_files(home, START)  # loaded as it is: nothing to run for
    _rewrite(home / REL, 1, "units_defective", "991")
    assert REL in unloaded_files(home, START)  # other bytes at a known path: a new version
    _load(home)
    assert REL not in unloaded_files(home, START)


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


def test_new_versions_and_retracts_stay_restated_until_a_later_publication(home: Path) -> None:
    _load(home)
    _rewrite(home / REL, 1, "units_defective", "995")
    _load(home)
    con = connect(home)
    try:
        assert [(r.delivery, r.path, r.what) for r in restatements(con)] == [
            (START, REL, "version 2")]  # fmt: skip
        before = bronze_fingerprint(con)
        retract(con, REL, user="tester")
        assert bronze_fingerprint(con) != before  # a retract is new input for the build
        assert {r.what for r in restatements(con)} == {"version 2", "retract"}
        later = datetime.now(UTC) + timedelta(seconds=1)
        # a publication of another date clears nothing; one of this date, built later, does
        for run_id, day in (("other", START + timedelta(days=1)), ("this", START)):
            con.execute("insert into audit.build_inputs values (?, ?, 'fp')", [run_id, later])
            con.execute(
                "insert into audit.publications (published_at, run_id, production_dates, "
                "validation_status) values (?, ?, ?, 'passed')",
                [later, run_id, [day]],
            )
            assert bool(restatements(con)) == (run_id == "other")
    finally:
        con.close()


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


# --- one pipeline, module-scoped: a wrong value corrected by a new version, a retract, a restore
#
# The truth gate compares gold with the generator's truth and refuses to publish when they
# differ, so the true file is the last word: version 1 carries a wrong `units_defective` (the
# MES's reported figure: the gate derives quality from the QC checks, so this one publishes, as
# delivered), version 2 is the true file and replaces it. A retract takes true rows out: the run
# rebuilds the file's date although it is outside the run's own window, gold in the warehouse
# loses the rows and the gate refuses to publish (the serving copy keeps the last good
# publication); the restore brings them back and publishes again.


def _run(home: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--home", str(home), "run", "--quiet", *args])
    return code, out.getvalue()


def _gold(db: Path, batch_id: str) -> tuple[int, int | None]:
    """(batches of the file in gold, the batch's defective units) in one database file."""
    if not db.exists():
        return -1, None
    con = duckdb.connect(str(db), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM gold.fct_production_batch WHERE source_file = ?",
                        [REL]).fetchall()[0][0]  # fmt: skip
        value = con.execute("SELECT units_defective_reported FROM gold.fct_production_batch "
                            "WHERE batch_id = ?", [batch_id]).fetchall()  # fmt: skip
    finally:
        con.close()
    return n, value[0][0] if value else None


@dataclass
class Step:
    code: int
    out: str
    warehouse: tuple[int, int | None]
    serving: tuple[int, int | None]


@pytest.fixture(scope="session")  # built once per worker, however tests interleave
def restated(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Step], str, int]:
    home = tmp_path_factory.mktemp("versions_pipeline")
    generate(home, START, 2, seed=7, chaos_level="none")
    path = home / REL
    true_bytes = path.read_bytes()
    header, first = path.read_text(encoding="utf-8").splitlines()[:2]
    row = dict(zip(header.split(","), first.split(","), strict=True))
    true_value = int(row["units_defective"])
    _rewrite(path, 1, "units_defective", str(true_value + 1))  # version 1: one value wrong
    steps: dict[str, Step] = {}

    def step(name: str, *args: str) -> None:
        code, out = _run(home, *args)
        warehouse = home / "warehouse"
        steps[name] = Step(code, out, _gold(warehouse / "shopfloor.duckdb", row["batch_id"]),
                           _gold(warehouse / "serving.duckdb", row["batch_id"]))  # fmt: skip

    step("v1")
    path.write_bytes(true_bytes)  # version 2: the correction
    step("v2")
    later = str(date.fromordinal(START.toordinal() + 1))  # the run's own window: day 2 only
    assert main(["--home", str(home), "landing", "retract", REL, "--reason", "test"]) == 0
    step("retract", "--start", later)
    assert main(["--home", str(home), "landing", "restore", REL]) == 0
    step("restore", "--start", later)
    return steps, row["batch_id"], true_value


def test_a_first_version_publishes_its_value_as_delivered(restated) -> None:
    steps, _, true_value = restated
    v1 = steps["v1"]
    assert v1.code == 0, v1.out[-3000:]
    assert v1.serving[1] == true_value + 1 and v1.warehouse == v1.serving


def test_version_2_publishes_the_corrected_value(restated) -> None:
    steps, _, true_value = restated
    v2 = steps["v2"]
    assert f"{REL}: version 2 replaced version 1 (1 row changed)" in v2.out
    assert v2.code == 0, v2.out[-3000:]
    assert v2.serving[1] == true_value and v2.warehouse == v2.serving
    assert v2.serving[0] == steps["v1"].serving[0] > 0  # no batch counted twice


def test_a_retract_rebuilds_the_dates_the_file_fed(restated) -> None:
    steps = restated[0]
    gone = steps["retract"]
    assert "window widened" in gone.out and f"{REL} (retract)" in gone.out
    assert gone.warehouse == (0, None)  # rebuilt without the file, older than the run's window
    assert gone.code == 1  # the truth gate: the day lost true batches
    assert gone.serving == steps["v2"].serving  # the last good publication stays served


def test_a_restore_brings_the_rows_back_and_publishes(restated) -> None:
    steps = restated[0]
    back = steps["restore"]
    assert f"{REL} (restore)" in back.out
    assert back.code == 0, back.out[-3000:]
    assert back.warehouse == back.serving == steps["v2"].serving
