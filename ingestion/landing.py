"""What has landed: delivery folders, the files in them, and which source each file belongs to.

Why: the landing zone is `landing/<delivery date>/<source>/<file>`. Anything that does not fit
that shape (an unknown folder, a stray file, a name outside the source's pattern) must still be
seen, so that it can be quarantined with a reason instead of being ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.contracts import SOURCES, SourceSpec

DELIVERY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STRAY = "_landing"  # pseudo-source for files outside every known source folder


@dataclass(frozen=True)
class LandedFile:
    """One file found in a delivery folder."""

    path: Path
    rel_path: str  # relative to the home folder, with forward slashes
    delivery: date
    source: str | None  # None: not inside a known source folder
    name_date: date | None  # production date named in the file name
    problem: str | None  # why the file cannot be loaded as its folder's source, if so

    @property
    def name(self) -> str:
        return self.path.name


def delivery_dates(home: Path) -> list[date]:
    """Delivery dates that have a folder under landing/, oldest first."""
    root = home / "landing"
    if not root.is_dir():
        return []
    folders = [p.name for p in root.iterdir() if p.is_dir() and DELIVERY_RE.match(p.name)]
    return sorted(date.fromisoformat(name) for name in folders)


def _classify(spec: SourceSpec, rel_in_source: Path) -> tuple[date | None, str | None]:
    if len(rel_in_source.parts) != 1:
        return None, f"unexpected sub-folder in {spec.name}/ (files must sit directly in it)"
    match = spec.file_re.match(rel_in_source.name)
    if not match:
        return None, (
            f"unexpected file name {rel_in_source.name!r} in {spec.name}/ "
            f"(expected {spec.expected_name})"
        )
    try:
        return date.fromisoformat(match["date"]), None
    except ValueError:
        return None, f"file name {rel_in_source.name!r} carries an invalid date"


def source_files(home: Path, spec: SourceSpec, delivery: date) -> list[LandedFile]:
    """Files of one source in one delivery folder, originals before redelivered copies."""
    folder = home / "landing" / delivery.isoformat() / spec.name
    if not folder.is_dir():
        return []
    out = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        name_date, problem = _classify(spec, path.relative_to(folder))
        rel = path.relative_to(home).as_posix()
        out.append(LandedFile(path, rel, delivery, spec.name, name_date, problem))
    # `x.csv` before `x__resent.csv` / `x (1).csv`: the shorter name is taken as the original
    return sorted(out, key=lambda f: (len(f.name), f.name))


def stray_files(home: Path, delivery: date) -> list[LandedFile]:
    """Files in a delivery folder that are outside every known source folder."""
    folder = home / "landing" / delivery.isoformat()
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*")):
        rel_in_day = path.relative_to(folder)
        if not path.is_file() or rel_in_day.parts[0] in SOURCES:
            continue
        if len(rel_in_day.parts) == 1:
            problem = f"stray file {path.name!r} directly in the delivery folder"
        else:
            known = ", ".join(SOURCES)
            problem = f"unknown source folder {rel_in_day.parts[0]!r} (known: {known})"
        rel = path.relative_to(home).as_posix()
        out.append(LandedFile(path, rel, delivery, None, None, problem))
    return out


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
