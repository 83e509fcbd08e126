"""What a silver/gold build reads, as one fingerprint, and whether a published build holds it.

Why: a daily run launched when nothing new has landed (by hand, by the sensor, or a re-run of
`shopfloor run`) would otherwise rebuild the window's silver and gold, run every check and
publish the same numbers again: more than a minute of start-up and rebuild for no change. The
fingerprint covers everything the build's result depends on: the bronze manifest (every file
loaded, rejected, quarantined or skipped as a duplicate), the truth files the gate compares with,
the home's plant file (and scale), and the product's code (the dbt project and the Python
packages that load, validate and publish).
Equal fingerprints give equal tables, so the build may be skipped when the latest build attempts
all had this fingerprint and one of them was published for a window covering the run's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from ground_truth import audit
from ground_truth.truth import truth_fingerprint
from ingestion.versions import ACTIONS_TABLE
from orchestration.defs.dbt.project import DBT_DIR, SOURCE_DIRS
from plants.home import home_plant_path

ROOT = DBT_DIR.parent
CODE_DIRS = ("plants", "ingestion", "orchestration", "ground_truth")
DBT_CODE = ("dbt_project.yml", "profiles.yml", *SOURCE_DIRS)
# a run tagged with this value builds even when nothing changed (the UI's "launch with tags")
FORCE_TAG = "shopfloor/force_build"


@dataclass(frozen=True)
class PublishedBuild:
    """The published build that already holds the current inputs."""

    run_id: str
    published_at: str
    first: date
    last: date


def _files(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.exists():
            found.append(path)
    return found


def tree_fingerprint(root: Path) -> str:
    """sha256 of the dbt project's sources and the Python packages under a checkout `root`."""
    dbt_dir = root / DBT_DIR.name
    paths = [*(dbt_dir / name for name in DBT_CODE), *(root / name for name in CODE_DIRS)]
    digest = hashlib.sha256()
    for path in _files(paths):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """This checkout's code fingerprint, computed once per process."""
    return tree_fingerprint(ROOT)


def bronze_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """md5 over every row of the bronze manifest and of the retract/restore trail: any file
    loaded (or refused), any new version, retract or restore changes it."""
    row = con.execute(
        "select count(*), md5(coalesce(string_agg(concat_ws('|', load_id, path, sha256, outcome, "
        "rows_loaded, rows_rejected), ',' order by load_id, path), '')) from bronze._files"
    ).fetchone()
    acts = con.execute(
        f"select count(*), md5(coalesce(string_agg(concat_ws('|', acted_at, action, path, "  # noqa: S608
        f"version), ',' order by acted_at, path), '')) from {ACTIONS_TABLE}"
    ).fetchone()
    return f"{row[0]}:{row[1]}:{acts[0]}:{acts[1]}"


@dataclass(frozen=True)
class Restatement:
    """A file whose rows downstream reads changed (a new version, a retract or a restore) and
    whose delivery date no publication has rebuilt since."""

    delivery: date
    path: str
    what: str  # "version 2", "retract", "restore"


def restatements(con: duckdb.DuckDBPyConnection) -> list[Restatement]:
    """Restated files not yet republished: the run must rebuild their delivery dates (whose
    window reaches back lookback_days, over every production date their rows can feed) even
    when they are outside its own. Cleared only by a publication whose build started after the
    change and whose dates include the file's delivery date: a build refused by the gate keeps
    it pending."""
    audit.ensure_audit(con)
    rows = con.execute(
        f"""
        with files as (select distinct path, delivery_date from bronze._files),
        events as (
            select delivery_date, path, 'version ' || version as what, loaded_at as at
            from bronze._files where supersedes is not null
            union all
            select f.delivery_date, a.path, a.action, a.acted_at
            from {ACTIONS_TABLE} as a inner join files as f on f.path = a.path
        )
        select distinct e.delivery_date, e.path, e.what from events as e
        where not exists (
            select 1 from audit.publications as p
            inner join audit.build_inputs as b on p.run_id = b.run_id
            where b.started_at > e.at and list_contains(p.production_dates, e.delivery_date)
        )
        order by 1, 2, 3
        """  # noqa: S608 - a constant table name
    ).fetchall()
    return [Restatement(*row) for row in rows]


def plant_fingerprint(home: Path) -> str:
    """sha256 of the plant file the home names, and its scale: another plant is another build."""
    path, scale = home_plant_path(home)
    return hashlib.sha256(path.read_bytes() + f"\0{scale}".encode()).hexdigest()


def build_fingerprint(con: duckdb.DuckDBPyConnection, home: Path) -> str:
    """One fingerprint of bronze, truth, plant and code, as a build would read them now."""
    parts = (
        bronze_fingerprint(con),
        truth_fingerprint(home),
        plant_fingerprint(home),
        code_fingerprint(),
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _insert_build(con: duckdb.DuckDBPyConnection, run_id: str, fingerprint: str) -> None:
    con.execute(
        "insert into audit.build_inputs select ?, now(), ? "
        "where not exists (select 1 from audit.build_inputs where run_id = ?)",
        [run_id, fingerprint, run_id],
    )


def record_build(con: duckdb.DuckDBPyConnection, run_id: str, fingerprint: str) -> None:
    """Note that this run starts building from these inputs (once per run)."""
    audit.ensure_audit(con)
    _insert_build(con, run_id, fingerprint)


def record_gold_only_build(con: duckdb.DuckDBPyConnection, run_id: str, home: Path) -> None:
    """Record a run whose silver step did not run (it builds only gold, which changes tables
    too); a whole build's silver step has recorded it already, so nothing is computed again."""
    audit.ensure_audit(con)
    recorded = con.execute("select 1 from audit.build_inputs where run_id = ?", [run_id]).fetchone()
    if recorded is None:
        _insert_build(con, run_id, build_fingerprint(con, home))


def published_build(
    con: duckdb.DuckDBPyConnection, fingerprint: str, first: date, last: date
) -> PublishedBuild | None:
    """The latest publication built from `fingerprint` whose dates cover [first, last], if no
    build attempt with other inputs started after it (that one may have changed the tables)."""
    audit.ensure_audit(con)
    row = con.execute(
        """
        with other_inputs as (
            select max(started_at) as since from audit.build_inputs where fingerprint <> $fp
        )
        select p.run_id, p.published_at::varchar, list_min(p.production_dates),
            list_max(p.production_dates)
        from audit.publications as p
        inner join audit.build_inputs as b on p.run_id = b.run_id
        where b.fingerprint = $fp
            and b.started_at > coalesce((select since from other_inputs), '-infinity')
            and list_min(p.production_dates) <= $first
            and list_max(p.production_dates) >= $last
        order by p.published_at desc
        limit 1
        """,
        {"fp": fingerprint, "first": first, "last": last},
    ).fetchone()
    return PublishedBuild(*row) if row else None
