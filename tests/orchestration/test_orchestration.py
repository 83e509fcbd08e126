"""The Dagster backbone: definitions load, the asset graph is as designed, a partition runs."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dagster import (
    AssetKey,
    DefaultScheduleStatus,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)

from cli.run import run_partitions
from ingestion.contracts import SOURCES
from orchestration.definitions import defs
from orchestration.defs.dbt.project import shopfloor_dbt
from orchestration.defs.dbt.translator import ShopfloorTranslator
from orchestration.defs.landing.schedules import daily_schedule
from orchestration.defs.landing.sensors import landing_sensor
from orchestration.instance import WRITER_POOL
from orchestration.partitions import FIRST_DATE, PLANT_TZ
from plants.home import resolve_plant_path, set_home_plant
from plants.model import load_plant
from tests.bronze_fixtures import BRONZE_START, copy_home, query

REPO = Path(__file__).resolve().parents[2]

# The designed asset graph, reviewed and committed. A lost dependency, partitioning or check
# makes the snapshot test fail; after an intended change, regenerate it with
#   SHOPFLOOR_UPDATE_SNAPSHOTS=1 uv run pytest tests/orchestration/test_orchestration.py -k snapshot
# and review the diff of tests/orchestration/snapshots/asset_graph.json like any other code change.
SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def _tz_name(timezone: str | None) -> str | None:
    return "<plant time zone>" if timezone == PLANT_TZ else timezone


def _start_name(start: datetime) -> str:
    """The partitions' first date begins at the home's first landed date (or the date declared
    for the test process): the snapshot says which it is, not the date."""
    return "<first date>" if start.date() == FIRST_DATE else f"{start:%Y-%m-%d}"


def graph_snapshot() -> dict[str, dict]:
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    checks: dict[AssetKey, list[str]] = {}
    for check_key in graph.asset_check_keys:
        blocking = graph.get_check_spec(check_key).blocking
        checks.setdefault(check_key.asset_key, []).append(
            check_key.name + (" (blocking)" if blocking else "")
        )
    snapshot = {}
    for key in sorted(graph.materializable_asset_keys, key=lambda k: k.to_user_string()):
        node = graph.get(key)
        pdef = node.partitions_def
        snapshot[key.to_user_string()] = {
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            # the plant's time zone comes from the home's plant file: the snapshot says whose it is
            "partitions": f"daily {_tz_name(pdef.timezone)} from {_start_name(pdef.start)}"
            if pdef
            else None,
            "checks": sorted(checks.get(key, [])),
        }
    return snapshot


def test_asset_graph_snapshot() -> None:
    current = graph_snapshot()
    if os.environ.get("SHOPFLOOR_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == expected


def test_asset_graph_is_connected_end_to_end() -> None:
    """Every gold asset reaches back to a landing folder through bronze and silver."""
    graph = graph_snapshot()

    def upstream(key: str, seen: set[str]) -> set[str]:
        for dep in graph.get(key, {}).get("deps", []):
            if dep not in seen:
                seen.add(dep)
                upstream(dep, seen)
        return seen

    for key in graph:
        if key.startswith("gold/kpi_") or key.startswith("gold/fct_"):
            reached = upstream(key, set())
            assert any(k.startswith("landing/") for k in reached), key
            assert any(k.startswith("bronze/") for k in reached), key


def test_every_dbt_source_names_an_asset_of_the_code_location() -> None:
    """A dbt source says in its meta which asset writes its table (dagster-dbt reads
    `meta.dagster.asset_key`): a source without one, or naming no asset, would cut the lineage."""
    manifest = json.loads(shopfloor_dbt.manifest_path.read_text(encoding="utf-8"))
    defined = defs.get_repository_def().asset_graph.get_all_asset_keys()
    for source in manifest["sources"].values():
        named = source["config"]["meta"].get("dagster", {}).get("asset_key")
        assert named, f"{source['unique_id']} names no asset in meta.dagster.asset_key"
        key = ShopfloorTranslator().get_asset_key(source)
        assert key == AssetKey(named)
        assert key in defined, f"{source['unique_id']} names {key}, which no asset defines"


def test_every_step_that_opens_the_warehouse_is_in_the_writer_pool() -> None:
    """DuckDB allows one writer process: the pool (limit 1, orchestration/instance.py) is what
    keeps two steps, of one run or of two, from opening the warehouse at once."""
    repo = defs.get_repository_def()
    steps = [*repo.assets_defs_by_key.values(), *repo.asset_checks_defs_by_key.values()]
    opening = {d.node_def.name: d.node_def.pool for d in steps
               if d.is_executable and "warehouse" in d.required_resource_keys}  # fmt: skip
    assert {"plant_reference", "silver_and_dimensions", "truth_gate"} <= set(opening)
    assert set(opening.values()) == {WRITER_POOL}


def _tiny_dbt_project(folder: Path):
    from dagster_dbt import DbtProject

    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nprofile: tiny\nmodel-paths: [models]\n", encoding="utf-8"
    )
    (folder / "profiles.yml").write_text(
        "tiny:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        f"      path: {folder / 'tiny.duckdb'}\n",
        encoding="utf-8",
    )
    (folder / "models" / "one.sql").write_text("select 1 as one\n", encoding="utf-8")
    return DbtProject(project_dir=folder, profiles_dir=folder)


def test_the_manifest_is_prepared_when_missing_or_stale(tmp_path: Path) -> None:
    """A fresh clone and an edited model get a new manifest from dagster-dbt's preparer; a
    current one costs no parse."""
    from orchestration.defs.dbt.project import ensure_manifest

    project = _tiny_dbt_project(tmp_path / "tiny")

    def models() -> set[str]:
        nodes = json.loads(project.manifest_path.read_text(encoding="utf-8"))["nodes"]
        return {node["name"] for node in nodes.values() if node["resource_type"] == "model"}

    assert ensure_manifest(project) == project.manifest_path
    assert models() == {"one"}
    parsed_at = project.manifest_path.stat().st_mtime_ns
    ensure_manifest(project)
    assert project.manifest_path.stat().st_mtime_ns == parsed_at  # current: not parsed again

    (project.project_dir / "models" / "two.sql").write_text("select 2 as two\n")
    ensure_manifest(project)
    assert models() == {"one", "two"}


def _locked(path: Path) -> bool:
    """True when another open file holds an exclusive lock on `path`."""
    with path.open("a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(file, fcntl.LOCK_UN)
        return False


def test_the_manifest_is_published_whole_under_the_preparers_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While dagster-dbt's preparer writes a new manifest, a reader still finds the old one
    whole (not the half written so far), and the preparer's lock is held throughout."""
    from dagster_dbt import DagsterDbtProjectPreparer

    from orchestration.defs.dbt.project import ensure_manifest

    project = _tiny_dbt_project(tmp_path / "tiny")
    old = '{"nodes": {}}'
    project.manifest_path.parent.mkdir(parents=True)
    project.manifest_path.write_text(old, encoding="utf-8")
    os.utime(project.manifest_path, (0, 0))  # older than every dbt file: stale
    seen = {}

    def prepare(preparer: DagsterDbtProjectPreparer, prepared) -> None:
        prepared.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        with prepared.manifest_path.open("w", encoding="utf-8") as out:
            out.write('{"nodes": ')
            out.flush()
            seen["read"] = project.manifest_path.read_text(encoding="utf-8")
            seen["locked"] = _locked(project.manifest_path.with_suffix(".concurrent-update-lock"))
            out.write('{"one": 1}}')

    monkeypatch.setattr(DagsterDbtProjectPreparer, "prepare", prepare)
    ensure_manifest(project)
    assert seen == {"read": old, "locked": True}
    assert json.loads(project.manifest_path.read_text(encoding="utf-8")) == {"nodes": {"one": 1}}
    assert sorted(p.name for p in project.manifest_path.parent.iterdir()) == [
        "manifest.concurrent-update-lock",
        "manifest.json",
    ]


def test_job_schedule_and_sensor_are_registered() -> None:
    job = defs.resolve_job_def("bronze_job")
    assert job.partitions_def is not None
    schedule = defs.resolve_schedule_def("daily_schedule")
    # the zone the code location read from its home's plant file when it was loaded
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * *", PLANT_TZ)
    # The schedule and the sensor launch the end-to-end daily job (bronze, then silver and gold).
    assert schedule.job_name == "daily_job"
    # the schedule is the safety net behind the sensor: on unless someone turns it off
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
    assert defs.resolve_sensor_def("landing_sensor").job_name == "daily_job"


def test_the_code_location_takes_its_time_zone_from_the_homes_plant(tmp_path: Path) -> None:
    """A code location loaded for a home of the second plant partitions and schedules in
    America/Chicago; without a plant named, in the default plant's zone."""
    set_home_plant(tmp_path, resolve_plant_path("prairie"))
    read = "from orchestration.partitions import PLANT_TZ; print(PLANT_TZ)"
    env = {k: v for k, v in os.environ.items() if k != "SHOPFLOOR_HOME"}
    zones = [
        subprocess.run(
            [sys.executable, "-c", read], env=env | extra, cwd=REPO,
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for extra in ({"SHOPFLOOR_HOME": str(tmp_path)}, {"SHOPFLOOR_HOME": str(tmp_path / "none")})
    ]  # fmt: skip
    assert zones == ["America/Chicago", load_plant().timezone]


def _at_0630_berlin_after(day) -> datetime:
    """06:30 in Berlin on the day after `day` (CET/CEST handled by Dagster's context)."""
    return datetime(day.year, day.month, day.day, 5, 30, tzinfo=UTC) + timedelta(days=1)


def test_schedule_runs_the_previous_plant_day_when_a_file_is_not_loaded(
    default_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = copy_home(default_home, tmp_path / "home")  # landed, never loaded
    monkeypatch.setenv("SHOPFLOOR_HOME", str(home))
    day = BRONZE_START + timedelta(days=1)
    ctx = build_schedule_context(scheduled_execution_time=_at_0630_berlin_after(day))
    request = daily_schedule(ctx)
    assert request.partition_key == day.isoformat()


def test_schedule_skips_when_nothing_new_landed_and_runs_for_a_new_file(
    bronze_loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    shutil.copytree(bronze_loaded, home)  # landing and its bronze warehouse
    monkeypatch.setenv("SHOPFLOOR_HOME", str(home))
    day = BRONZE_START + timedelta(days=1)
    ctx = build_schedule_context(scheduled_execution_time=_at_0630_berlin_after(day))
    skip = daily_schedule(ctx)
    assert isinstance(skip, SkipReason) and "nothing new landed" in skip.skip_message
    # A first start on a loaded home (empty sensor cursor) launches nothing either.
    first_tick = landing_sensor(build_sensor_context(cursor=None))
    assert isinstance(first_tick, SkipReason)
    late = home / "landing" / day.isoformat() / "qc_checks" / "qc_checks__late.csv"
    late.write_text("check_id\n", encoding="utf-8")
    assert daily_schedule(ctx).partition_key == day.isoformat()


def test_sensor_requests_new_and_changed_folders(
    default_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = copy_home(default_home, tmp_path / "home")
    monkeypatch.setenv("SHOPFLOOR_HOME", str(home))
    ctx = build_sensor_context()
    first = landing_sensor(ctx)
    keys = sorted(r.partition_key for r in first)
    assert keys == sorted(p.name for p in (home / "landing").iterdir())
    ctx = build_sensor_context(cursor=ctx.cursor)
    assert not isinstance(landing_sensor(ctx), list)  # nothing new: a skip
    late = home / "landing" / keys[0] / "qc_checks" / "qc_checks__late.csv"
    late.write_bytes(b"check_id\n")
    again = landing_sensor(build_sensor_context(cursor=ctx.cursor))
    assert [r.partition_key for r in again] == [keys[0]]


def test_definitions_validate_passes(tmp_path: Path) -> None:
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path), SHOPFLOOR_HOME=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m",
         "orchestration.definitions"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Validation successful" in proc.stdout + proc.stderr


def test_materialize_one_partition_in_process(
    default_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = copy_home(default_home, tmp_path / "home")
    monkeypatch.setenv("SHOPFLOOR_HOME", str(home))
    day = sorted(p.name for p in (home / "landing").iterdir())[0]
    lines: list[str] = []
    [outcome] = run_partitions(home, [datetime.fromisoformat(day).date()], echo=lines.append)
    assert outcome.success, outcome.failures
    from orchestration.defs.validation.suites import SUITES

    # row accounting + nothing stuck + rejects within limit + freshness per source, the
    # stray-file sweep, and the bronze GX suites
    bronze_suites = sum(1 for suite in SUITES if suite.layer == "bronze")
    assert outcome.checks_total == 4 * len(SOURCES) + 1 + bronze_suites == outcome.checks_passed
    assert outcome.rows_loaded > 0 and lines and day in lines[0]
    loads = query(home, "SELECT DISTINCT load_id FROM bronze._files")
    assert len(loads) == 1  # the Dagster run id is the load id
    runs = json.dumps([p.name for p in (home / "dagster").iterdir()])
    assert "dagster.yaml" in runs


def test_cli_module_does_not_import_dagster_or_duckdb() -> None:
    """`shopfloor generate` stays fast: the CLI imports the heavy stack only inside commands."""
    code = "import sys, cli.main; print(sorted({'dagster', 'duckdb'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_cli_run_without_landing_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    assert main(["--home", str(tmp_path), "run"]) == 2
    err = capsys.readouterr().err
    assert "no landing folders under" in err and "shopfloor generate" in err
    assert (
        main(["--home", str(tmp_path), "run", "--start", "2026-10-02", "--end", "2026-10-01"]) == 2
    )
    assert "--start is after --end" in capsys.readouterr().err
