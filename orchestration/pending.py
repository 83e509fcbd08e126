"""Which landed files bronze has not recorded yet: what a schedule or a sensor would run for.

Why: launching a run costs a full dbt, gate and publish cycle, so the schedule and the sensor
first ask whether a delivery folder holds anything new.
"""

from datetime import date
from pathlib import Path

import duckdb

from ingestion.warehouse import connect, db_path
from orchestration.partitions import partition_key


def unloaded_files(home: Path, day: date) -> list[str] | None:
    """Files of landing/<day>/ not in the bronze manifest yet (relative paths), or None when the
    manifest cannot be read now (the writer holds the warehouse): then the caller must not skip."""
    folder = home / "landing" / partition_key(day)
    landed = sorted(p.relative_to(home).as_posix() for p in folder.rglob("*") if p.is_file())
    if not landed or not db_path(home).exists():
        return landed
    try:
        con = connect(home, read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute("SELECT path FROM bronze._files WHERE delivery_date = ?", [day])
        recorded = {path for (path,) in rows.fetchall()}
    except duckdb.CatalogException:  # no bronze load ever ran
        recorded = set()
    finally:
        con.close()
    return [p for p in landed if p not in recorded]
