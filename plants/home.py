"""A Shopfloor home: the one folder holding a plant's deliveries, warehouse and run history, and
which plant it serves (named in `<home>/shopfloor.yaml`, else the default plant).

Why one object: the generator, `shopfloor run`, the Dagster code location and the dashboard are
separate processes that must agree on where each thing lives and on the plant; every path under
the home is spelled here and nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from plants.model import DEFAULT_PLANT, PLANTS_DIR, PlantConfig, load_plant

HOME_FILE = "shopfloor.yaml"
HOME_ENV = "SHOPFLOOR_HOME"  # the home of processes started without --home (default ./data)


@dataclass(frozen=True)
class Home:
    """The paths of one home folder."""

    root: Path

    @classmethod
    def at(cls, path: str | Path) -> Home:
        return cls(Path(path).resolve())

    @classmethod
    def from_env(cls) -> Home:
        """The home named by `$SHOPFLOOR_HOME`, else ./data."""
        return cls.at(os.environ.get(HOME_ENV, "data"))

    @property
    def landing(self) -> Path:
        """Deliveries as the plant drops them: `landing/<delivery date>/<source>/<file>`."""
        return self.root / "landing"

    def delivery(self, day: date) -> Path:
        return self.landing / day.isoformat()

    @property
    def ground_truth(self) -> Path:
        """What the simulator knows (generated homes only): `ground_truth/<date>/truth.json`."""
        return self.root / "ground_truth"

    def truth_file(self, day: date) -> Path:
        return self.ground_truth / day.isoformat() / "truth.json"

    @property
    def simulator_state(self) -> Path:
        """Where the generator keeps what `generate --append` continues from (generators/state.py):
        counters, machine states, random streams and the rows still due from earlier dates
        (beside, not in, ground_truth/: that folder holds one folder per production date)."""
        return self.root / "simulator_state.json"

    @property
    def capture_config(self) -> Path:
        """`shopfloor capture`'s endpoints, nodes and security (plc/config.py)."""
        return self.root / "capture.yaml"

    @property
    def capture_dir(self) -> Path:
        """The capture's own files: production dates still being captured (spool/) and its
        metrics (plc/landing.py); a date's file moves into landing/ when complete."""
        return self.root / "capture"

    @property
    def quarantine(self) -> Path:
        """Landed files bronze refused whole, kept for a person to look at."""
        return self.root / "quarantine"

    @property
    def reports(self) -> Path:
        """What the pipeline writes for people: the gate's report and one folder of daily
        reports per production date (`reports/<production date>/`)."""
        return self.root / "reports"

    def daily_report(self, day: date, suffix: str) -> Path:
        """The daily report of a production date: `reports/<date>/shopfloor-report-<date>.pdf`
        (suffix "pdf") and its workbook (suffix "xlsx")."""
        return self.reports / day.isoformat() / f"shopfloor-report-{day.isoformat()}.{suffix}"

    @property
    def latest_validation_report(self) -> Path:
        """The truth gate's report of the last run that validated (ground_truth/report.py)."""
        return self.reports / "validation_latest.md"

    @property
    def dbt_log(self) -> Path:
        """dbt's own output of every build in this home, appended run after run (not the
        terminal: `shopfloor run` prints this path)."""
        return self.root / "logs" / "dbt.log"

    @property
    def notify_outbox(self) -> Path:
        """Records of mail and alerts (notify/record.py) made while a run held the warehouse,
        one JSON file each, carried into `audit` by the next writer."""
        return self.root / "notify_outbox"

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def warehouse(self) -> Path:
        """The DuckDB warehouse the pipeline writes (bronze, silver, gold, audit)."""
        return self.warehouse_dir / "shopfloor.duckdb"

    @property
    def serving(self) -> Path:
        """The published, validated copy analysts and the dashboard read."""
        return self.warehouse_dir / "serving.duckdb"

    @property
    def dagster(self) -> Path:
        """DAGSTER_HOME: run history, sensor cursors, schedules."""
        return self.root / "dagster"

    @property
    def lake(self) -> Path:
        """Parquet copies of warehouse schemas another engine reads (bronze for Spark, Spark's
        gold back; ingestion/parquet_export.py), one folder per relation."""
        return self.root / "lake"

    @property
    def spark(self) -> Path:
        """A Spark build's own tables, Hive metastore and dbt target (orchestration/spark/)."""
        return self.root / "spark"

    @property
    def run_lock(self) -> Path:
        """Held by the one run writing this home, naming it (orchestration/run_lock.py)."""
        return self.root / "run.lock"

    @property
    def plant_record(self) -> Path:
        return self.root / HOME_FILE

    @property
    def folders(self) -> tuple[Path, ...]:
        """The folders a new home starts with."""
        return (self.landing, self.ground_truth, self.warehouse_dir, self.quarantine, self.reports)


def resolve_plant_path(name_or_path: str | Path) -> Path:
    """A plant named in plants/ ("default", "prairie") or a path to a plant file."""
    text = str(name_or_path)
    named = PLANTS_DIR / f"{text}.yaml"
    if "/" not in text and not text.endswith((".yaml", ".yml")) and named.exists():
        return named
    return Path(text).expanduser().resolve()


def home_record(home: Path) -> dict:
    """`<home>/shopfloor.yaml` as parsed: the plant, the scale and other sections (`notify:`,
    notify/config.py); empty when the file is absent."""
    record_path = Home(home).plant_record
    if not record_path.exists():
        return {}
    return yaml.safe_load(record_path.read_text(encoding="utf-8")) or {}


def set_home_plant(home: Path, plant_path: Path, scale: int = 1) -> None:
    """Name the plant (and the simulator's scale) a home serves, keeping the file's other
    sections (`notify:`)."""
    home.mkdir(parents=True, exist_ok=True)
    record = {**home_record(home), "plant": str(Path(plant_path).resolve()), "scale": int(scale)}
    Home(home).plant_record.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")


def home_plant_path(home: Path) -> tuple[Path, int]:
    """The plant file and scale a home names; the default plant when it names none."""
    record = home_record(home)
    if not record:
        return DEFAULT_PLANT, 1
    return resolve_plant_path(record.get("plant", DEFAULT_PLANT)), int(record.get("scale", 1))


def home_plant(home: Path) -> PlantConfig:
    """The plant a home serves, loaded."""
    path, scale = home_plant_path(home)
    return load_plant(path, scale)
