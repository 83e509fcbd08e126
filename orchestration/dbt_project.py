"""The dbt project as Dagster sees it: created once, its manifest prepared on demand.

Why: `@dbt_assets` needs `target/manifest.json` when the code location is imported. A fresh clone
has none, so it is parsed here (≈10 s) when missing or older than any file of the dbt project;
otherwise importing the definitions costs no dbt start-up at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
SOURCE_DIRS = ("models", "macros", "seeds", "tests")

shopfloor_dbt = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


def _newest_source_mtime() -> float:
    paths = [DBT_DIR / "dbt_project.yml"]
    for folder in SOURCE_DIRS:
        paths.extend(p for p in (DBT_DIR / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in paths)


def ensure_manifest() -> Path:
    """Parse the dbt project if its manifest is missing or stale; return the manifest path."""
    manifest = shopfloor_dbt.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    env = os.environ | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env.setdefault("SHOPFLOOR_HOME", str(DBT_DIR.parent / "data"))
    env.pop("DBT_TARGET_PATH", None)  # the manifest Dagster reads lives in dbt_project/target
    proc = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "parse", "--quiet"],
        cwd=DBT_DIR,
        env=env | {"DBT_PROFILES_DIR": str(DBT_DIR)},
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}")
    return manifest
