"""Which plant a Shopfloor home serves: named in `<home>/shopfloor.yaml`, else the default plant.

Why a file in the home: the generator, `shopfloor run`, the Dagster code location and the
dashboard are separate processes that must agree on the plant; the home is what they share.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from plants.model import DEFAULT_PLANT, PLANTS_DIR, PlantConfig, load_plant

HOME_FILE = "shopfloor.yaml"


def resolve_plant_path(name_or_path: str | Path) -> Path:
    """A plant named in plants/ ("default", "prairie") or a path to a plant file."""
    text = str(name_or_path)
    named = PLANTS_DIR / f"{text}.yaml"
    if "/" not in text and not text.endswith((".yaml", ".yml")) and named.exists():
        return named
    return Path(text).expanduser().resolve()


def set_home_plant(home: Path, plant_path: Path, scale: int = 1) -> None:
    """Name the plant (and the simulator's scale) a home serves."""
    home.mkdir(parents=True, exist_ok=True)
    record = {"plant": str(Path(plant_path).resolve()), "scale": int(scale)}
    (home / HOME_FILE).write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")


def home_plant_path(home: Path) -> tuple[Path, int]:
    """The plant file and scale a home names; the default plant when it names none."""
    record_path = home / HOME_FILE
    if not record_path.exists():
        return DEFAULT_PLANT, 1
    record = yaml.safe_load(record_path.read_text(encoding="utf-8")) or {}
    return resolve_plant_path(record.get("plant", DEFAULT_PLANT)), int(record.get("scale", 1))


def home_plant(home: Path) -> PlantConfig:
    """The plant a home serves, loaded."""
    path, scale = home_plant_path(home)
    return load_plant(path, scale)
