"""The dbt project as Dagster sees it: created once, its manifest prepared by dagster-dbt.

Why: `@dbt_assets` needs `target/manifest.json` when the code location is imported. dagster-dbt's
preparer makes it (`dbt parse`, ≈12 CPU-s): `dagster-dbt project prepare-and-package --file
orchestration/defs/dbt/project.py` ahead of a deployment, and ensure_manifest at import when the
manifest is missing (a fresh clone) or older than a file of the dbt project (an edit); otherwise
importing the definitions costs no dbt start-up at all. The preparer's file lock
(`run_with_concurrent_update_guard`) makes one of several importers at once (pytest workers, a
run next to the UI) parse while the others wait, then skip the parse; the parse writes into a
scratch target and the manifest is renamed into place, so no reader sees half of it. Not
`prepare_if_dev()`: under `dagster dev` (`shopfloor ui`) it parses on every import, and every run
the UI launches imports the definitions in a new process, so each would pay a parse (+10 CPU-s
measured) for edits the age check above already picks up.

Each dbt invocation of a run writes its artefacts (manifest, compiled SQL, run results, dbt.log;
≈12 MB) into a folder of its own under target/, as dagster-dbt does by default so that runs never
overwrite each other's. dagster-dbt never removes those folders and offers no option to (only
`DbtCliResource.cli(target_path=...)`, to name the folder), so target/ grew ≈15 MB per run.
invocation_target names the folder and removes, before each invocation, the folders of the same
step's earlier invocations that are no longer running: target/ keeps the last invocation of each
step (to read what it compiled) plus any still running. A running invocation holds an exclusive
lock on `<folder>.lock`, which its process holds until the invocation ends or the process dies,
so a folder whose lock can be taken is dead; several homes share this target/ (pytest workers, a
run next to the UI), so age or a single "current" folder could not tell.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject
from dagster_dbt.dbt_manifest import validate_manifest
from dagster_dbt.dbt_project import run_with_concurrent_update_guard

DBT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
SOURCE_DIRS = ("models", "macros", "seeds", "tests")
PARTIAL_PARSE = "partial_parse.msgpack"
# Parse states kept per set of vars (a run's window): a run repeated for the same dates (forced,
# retried) parses nothing; a few are kept, the oldest removed.
PARTIAL_PARSE_KEYED = "partial_parse.vars"
KEYED_STATES_KEPT = 4
LOCK_SUFFIX = ".lock"
PREPARE_PREFIX = "prepare-"  # target/prepare-<id>/: where the preparer parses, then renamed from

shopfloor_dbt = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
# The dbt of this interpreter's environment: `.venv/bin/shopfloor ui` started without the venv on
# PATH (not through `uv run`) must not fail to find it.
_VENV_DBT = Path(sys.executable).with_name("dbt")
DBT_EXECUTABLE = str(_VENV_DBT) if _VENV_DBT.exists() else "dbt"


@contextmanager
def dbt_output_to(log: Path, header: str) -> Iterator[None]:
    """Append dbt's output to `log` while the block runs, instead of the terminal.

    Why: dagster-dbt re-emits every dbt event as a line on `sys.stdout` (for Dagster's compute
    logs); offers no option to send it elsewhere. ≈700 lines per build buried the run's own
    verdict, so they go, under a header naming the run and step, to the home's dbt log."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as file, redirect_stdout(file):
        print(f"===== {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC  {header}", flush=True)
        yield


def target_dir() -> Path:
    """The project's target folder (dbt_project.yml `target-path`), where the manifest lives."""
    return shopfloor_dbt.manifest_path.parent


@contextmanager
def invocation_target(step: str, root: Path | None = None) -> Iterator[Path]:
    """A fresh target folder for one dbt invocation of `step`, locked while the block runs;
    the folders of the step's earlier invocations that no longer run are removed first."""
    root = root or target_dir()
    root.mkdir(parents=True, exist_ok=True)
    prune_invocation_targets(step, root)
    while True:
        folder = root / f"{step}-{uuid.uuid4().hex[:12]}"
        lock_path = folder.with_name(folder.name + LOCK_SUFFIX)
        lock = lock_path.open("w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        # A pruner may have taken and deleted the fresh lock file between open and flock:
        # then this lock guards nothing, and a new name is drawn.
        if lock_path.exists() and os.stat(lock_path).st_ino == os.fstat(lock.fileno()).st_ino:
            break
        lock.close()
    try:
        yield folder
    finally:
        lock.close()  # releases the lock; the folder stays until the step's next invocation


def prune_invocation_targets(step: str, root: Path | None = None) -> list[Path]:
    """Remove the target folders of `step`'s invocations that are not running: their lock can
    be taken, or they have none (made before locks were, or by dagster-dbt itself)."""
    root = root or target_dir()
    removed = []
    for folder in sorted(root.glob(f"{step}-*")):
        unlocked = not folder.with_name(folder.name + LOCK_SUFFIX).exists()
        if folder.is_dir() and unlocked:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for lock_path in sorted(root.glob(f"{step}-*{LOCK_SUFFIX}")):
        folder = lock_path.with_name(lock_path.name.removesuffix(LOCK_SUFFIX))
        with lock_path.open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a running invocation
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
            lock_path.unlink(missing_ok=True)  # while holding it: see invocation_target
    return removed


def _newest_source_mtime(project: DbtProject) -> float:
    paths = [project.project_dir / "dbt_project.yml"]
    for folder in SOURCE_DIRS:
        paths.extend(p for p in (project.project_dir / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in paths)


def ensure_manifest(project: DbtProject = shopfloor_dbt) -> Path:
    """The manifest path, prepared first by dagster-dbt's preparer when it is missing or older
    than a file of the dbt project, and published whole (_prepare_and_publish)."""
    if not _is_fresh(project):
        _dbt_on_path()
        run_with_concurrent_update_guard(
            project.manifest_path, _prepare_and_publish, project=project
        )
    return project.manifest_path


def parsed_manifest(project: DbtProject = shopfloor_dbt) -> Mapping[str, Any]:
    """The manifest the dbt assets are defined from, parsed by dagster-dbt's own reader, which
    `@dbt_assets` uses too and which caches it: one parse per process for every reader (the
    sources' asset keys, the gate's lineage). Its module, `dagster_dbt.dbt_manifest`, is public
    but not re-exported at the top level."""
    return validate_manifest(ensure_manifest(project))


def _prepare_and_publish(project: DbtProject) -> None:
    """Run the project's preparer on a copy of the project whose target is a scratch folder of
    target/, then move its manifest (and parse state) over the project's, each by one rename.

    Why: the preparer writes manifest.json where its project says, in place, so a process that
    reads the manifest meanwhile (importing the definitions, as_delivered's lineage) could read
    half of it. Called under the preparer's own lock (dagster-dbt's run_with_concurrent_update_
    guard on the manifest path, as `prepare` takes it): one importer prepares, the others wait
    and then find the manifest newer and skip. Scratch folders left by a killed preparer are
    removed by the next one, which alone holds the lock."""
    target = project.project_dir / project.target_path
    for stale in target.glob(f"{PREPARE_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    scratch = project.target_path / f"{PREPARE_PREFIX}{uuid.uuid4().hex[:12]}"
    staged = DbtProject(
        project_dir=project.project_dir,
        target_path=scratch,
        profiles_dir=project.profiles_dir,
        profile=project.profile,
        target=project.target,
    )
    try:
        project.preparer.prepare(staged)
        state = staged.manifest_path.with_name(PARTIAL_PARSE)
        if state.exists():
            os.replace(state, target / PARTIAL_PARSE)
        os.replace(staged.manifest_path, project.manifest_path)
    finally:
        shutil.rmtree(project.project_dir / scratch, ignore_errors=True)


def _is_fresh(project: DbtProject) -> bool:
    manifest = project.manifest_path
    return manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(project)


def _dbt_on_path() -> None:
    """dagster-dbt's preparer runs `dbt` from PATH: put this environment's first, so that
    `.venv/bin/shopfloor` started without the venv on PATH (not through `uv run`) finds it."""
    folder = str(_VENV_DBT.parent)
    if _VENV_DBT.exists() and shutil.which("dbt") != str(_VENV_DBT):
        os.environ["PATH"] = os.pathsep.join([folder, os.environ.get("PATH", "")])


def _kept_state(key: str | None) -> Path:
    """Where a parse state is kept: the shared one, or one per set of dbt vars (vars_key)."""
    name = PARTIAL_PARSE if key is None else f"{PARTIAL_PARSE_KEYED}.{key}.msgpack"
    return shopfloor_dbt.manifest_path.parent / name


def keep_partial_parse(target: Path, key: str | None = None) -> None:
    """Make the parse state a dbt invocation left in `target` the one the next invocation starts
    from (dagster-dbt copies `target/partial_parse.msgpack` into each invocation's own folder);
    with a `key` (vars_key), the one the next invocation with the same vars starts from.

    Why: dbt re-parses the whole project (≈10 s) when the profile or the vars differ from the
    saved state, and the profile holds the warehouse path, so without this every invocation in a
    home other than the one last parsed for paid a full parse, twice per run.
    """
    state = target / PARTIAL_PARSE
    if not state.exists():
        return
    kept = _kept_state(key)
    scratch = kept.with_name(f".{PARTIAL_PARSE}.{os.getpid()}.{uuid.uuid4().hex}")
    shutil.copyfile(state, scratch)
    os.replace(scratch, kept)  # atomic: a concurrent invocation copies the old or the new state
    if key is not None:
        keyed = sorted(kept.parent.glob(f"{PARTIAL_PARSE_KEYED}.*.msgpack"), key=_mtime)
        for stale in keyed[:-KEYED_STATES_KEPT]:
            stale.unlink(missing_ok=True)


def reuse_partial_parse(target: Path, key: str) -> None:
    """Start the invocation in `target` from the state kept for its vars (vars_key), if any:
    dagster-dbt copies the shared state only into a folder that has none."""
    kept = _kept_state(key)
    target.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(kept, target / PARTIAL_PARSE)
    except FileNotFoundError:
        return


def vars_key(dbt_vars: str, home: Path) -> str:
    """A short name for one set of dbt vars (as passed, JSON) in one home (the profile)."""
    return hashlib.sha256(f"{home}\0{dbt_vars}".encode()).hexdigest()[:16]


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
