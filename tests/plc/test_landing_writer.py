"""The capture's landing writer: a complete production date lands as one file, machines in plant
order, where bronze and the landing sensor look for it, and the spool is emptied."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingestion.contracts import SOURCES
from ingestion.landing import source_files
from orchestration.defs.landing.sensors import changed_folders
from plants.home import Home
from plc.landing import SnapshotSpool
from plc.snapshot import SOURCE

DAY = date(2026, 10, 22)


def test_a_published_date_is_one_file_in_plant_order_that_bronze_and_the_sensor_find(
    tmp_path: Path,
) -> None:
    home = Home(tmp_path)
    spool = SnapshotSpool(home)
    spool.append(DAY, "SMELTER-02", b'{"m":2,"t":1}')  # read in any order ...
    spool.append(DAY, "SMELTER-01", b'{"m":1,"t":1}')
    spool.append(DAY, "SMELTER-01", b'{"m":1,"t":2}')
    assert changed_folders(tmp_path, {}) == {}  # ... nothing visible while the date runs

    path = spool.publish(DAY, ["SMELTER-01", "SMELTER-02"])

    assert path is not None and path.read_bytes() == (
        b'{"m":1,"t":1}\n{"m":1,"t":2}\n{"m":2,"t":1}\n'  # ... landed grouped by machine
    )
    [landed] = source_files(tmp_path, SOURCES[SOURCE], DAY)
    assert (landed.path, landed.name_date, landed.problem) == (path, DAY, None)
    assert DAY.isoformat() in changed_folders(tmp_path, {})
    assert not list(spool.root.rglob("*"))  # nothing left in the spool
