"""Which landed files bronze has not recorded yet: what a schedule or a sensor would run for.

Why: launching a run costs a full dbt, gate and publish cycle, so the schedule and the sensor
first ask whether a delivery folder holds anything new.
"""

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import duckdb

from ingestion.landing import sha256_of
from ingestion.manifest import QUARANTINED
from ingestion.warehouse import connect, db_path
from plants.home import Home


def unloaded_files(home: Path, day: date) -> list[str] | None:
    """Files of landing/<day>/ bronze has not loaded as they are now (relative paths: new paths
    and new versions of known ones), or None when the manifest cannot be read now (the writer
    holds the warehouse): then the caller must not skip."""
    return unloaded_by_day(home, [day])[day]


def unloaded_by_day(home: Path, days: Iterable[date]) -> dict[date, list[str] | None]:
    """`unloaded_files` for several delivery folders, reading the manifest once (a first sensor
    tick on a loaded home sees every folder as changed)."""
    landed = {
        day: sorted(
            p.relative_to(home).as_posix()
            for p in Home(home).delivery(day).rglob("*")
            if p.is_file()
        )
        for day in days
    }
    if not any(landed.values()) or not db_path(home).exists():
        return dict(landed)
    try:
        con = connect(home, read_only=True)
    except duckdb.Error:
        return dict.fromkeys(landed)
    try:
        rows = con.execute(
            "SELECT path, arg_max(sha256, loaded_at), arg_max(outcome, loaded_at) = ? "
            "FROM bronze._files WHERE list_contains(?, delivery_date) GROUP BY path",
            [QUARANTINED, list(landed)],
        )
        recorded = {path: (sha, quarantined) for path, sha, quarantined in rows.fetchall()}
    except duckdb.CatalogException:  # no bronze load ever ran
        recorded = {}
    finally:
        con.close()
    return {
        day: [p for p in files if _is_new(home / p, recorded.get(p))]
        for day, files in landed.items()
    }


def _is_new(path: Path, recorded: tuple[str, bool] | None) -> bool:
    """A path bronze never saw, or other bytes than it last recorded there (a corrected file
    re-delivered under its name is a new version), or bytes landed again after a quarantine."""
    if recorded is None:
        return True
    sha, quarantined = recorded
    return quarantined or sha256_of(path.read_bytes()) != sha
