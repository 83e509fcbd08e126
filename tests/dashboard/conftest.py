"""Published serving copies for the dashboard tests, made from the shared 4-day pipeline home."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest


def _publish_copy(pipeline_home: Path, home: Path) -> Path:
    """A serving copy as `publish` writes it; falls back to copying the built warehouse."""
    (home / "warehouse").mkdir(parents=True)
    src = pipeline_home / "warehouse" / "serving.duckdb"
    if not src.exists():
        src = pipeline_home / "warehouse" / "shopfloor.duckdb"
    dst = home / "warehouse" / "serving.duckdb"
    shutil.copy2(src, dst)
    return dst


def _dates(con) -> list:
    return [r[0] for r in con.execute(
        "select distinct production_date from gold.kpi_machine_daily order by 1"
    ).fetchall()]  # fmt: skip


def _has(con, schema: str, table: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0])  # fmt: skip


def add_publication(path: Path) -> None:
    """meta.publication and audit.validation_results, when the pipeline did not write them."""
    con = duckdb.connect(str(path))
    try:
        dates = _dates(con)
        if not _has(con, "meta", "publication"):
            con.execute("create schema if not exists meta")
            con.execute(
                "create table meta.publication (published_at timestamptz, run_id varchar, "
                "first_production_date date, last_production_date date, "
                "validation_status varchar)"
            )
            con.execute(
                "insert into meta.publication values (?, 'test-run-1', ?, ?, 'passed')",
                [datetime.now(UTC), dates[0], dates[-1]],
            )
        if not _has(con, "audit", "validation_results"):
            con.execute("create schema if not exists audit")
            con.execute(
                "create table audit.validation_results (run_id varchar, production_date date, "
                "mart varchar, key varchar, metric varchar, expected double, actual double, "
                "tolerance double, passed boolean)"
            )
            for d in dates:
                for metric in ("oee", "produced_qty", "good_qty"):
                    con.execute(
                        "insert into audit.validation_results values "
                        "('test-run-1', ?, 'kpi_plant_daily', 'PLANT', ?, 1, 1, 0, true)",
                        [d, metric],
                    )
    finally:
        con.close()


@pytest.fixture(scope="session")
def serving_home(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small published warehouse (4 days) with publication and validation records."""
    home = tmp_path_factory.mktemp("serving")
    add_publication(_publish_copy(pipeline_home, home))
    return home


@pytest.fixture(scope="session")
def bare_serving_home(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same gold, but without audit or meta schemas (an unvalidated copy)."""
    home = tmp_path_factory.mktemp("serving_bare")
    path = _publish_copy(pipeline_home, home)
    con = duckdb.connect(str(path))
    try:
        con.execute("drop schema if exists audit cascade")
        con.execute("drop schema if exists meta cascade")
    finally:
        con.close()
    return home


@pytest.fixture(scope="session")
def empty_serving_home(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Gold tables present but empty: a serving copy published before any production date."""
    home = tmp_path_factory.mktemp("serving_empty")
    path = _publish_copy(pipeline_home, home)
    con = duckdb.connect(str(path))
    try:
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'gold' and table_type = 'BASE TABLE'"
        ).fetchall()
        for (t,) in tables:
            con.execute(f'delete from gold."{t}"')
    finally:
        con.close()
    return home


@pytest.fixture(scope="session")
def null_sensor_home(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every sensor value of the last production date is null (a dead sensor gateway)."""
    home = tmp_path_factory.mktemp("serving_nulls")
    path = _publish_copy(pipeline_home, home)
    con = duckdb.connect(str(path))
    try:
        last = _dates(con)[-1]
        sets = ", ".join(
            f"{m}_{s} = null"
            for m in ("temperature_c", "pressure_bar", "power_kw", "vibration_mm_s")
            for s in ("avg", "min", "max")
        )
        con.execute(f"update gold.fct_sensor_hourly set {sets} where production_date = ?", [last])
    finally:
        con.close()
    return home
