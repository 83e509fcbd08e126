"""Quarantine: move a file that cannot be loaded out of landing, keeping it byte for byte.

Why: an unreadable file must neither block the day nor vanish. It moves to
`quarantine/<delivery>/<source>/` (never overwriting a different file), and the manifest
records where it went and why. A file from a folder that is no delivery date keeps that
folder's name: `quarantine/<delivery that found it>/_landing/<folder>/`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ingestion.landing import STRAY, LandedFile
from plants.home import Home


def quarantine_target(home: Path, landed: LandedFile, sha256: str) -> Path:
    """Where the file goes; a different file already there keeps its place."""
    folder = (
        Home(home).quarantine
        / landed.delivery.isoformat()
        / (landed.source or STRAY)
        / landed.keep_folder
    )
    target = folder / landed.name
    if target.exists() and target.stat().st_size != landed.path.stat().st_size:
        target = folder / f"{landed.name}.{sha256[:12]}"
    return target


def stage_copy(landed: LandedFile, target: Path) -> None:
    """Copy first: the landing file is removed only after the manifest entry is committed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    shutil.copyfile(landed.path, tmp)
    os.replace(tmp, target)


def remove_from_landing(landed: LandedFile) -> None:
    landed.path.unlink(missing_ok=True)
