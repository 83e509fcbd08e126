"""What has landed: delivery folders, the files in them, and which source each file belongs to.

Why: the landing zone is `landing/<delivery date>/<source>/<file>`. Anything that does not fit
that shape (an unknown folder, a stray file, a name outside the source's pattern) must still be
seen, so that it can be quarantined with a reason instead of being ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ingestion.contracts import SOURCES, SourceSpec
from plants.home import Home

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
    keep_folder: str = ""  # sub-folder kept in quarantine (an undated folder's own name)

    @property
    def name(self) -> str:
        return self.path.name


def latest_delivery(timezone: str) -> date:
    """The newest delivery date there can be: today in the plant's time zone (a folder dated
    later is a mistake or a clock error; it is loaded once its date has come)."""
    return datetime.now(ZoneInfo(timezone)).date()


def _undated_reason(entry: Path) -> str | None:
    """Why an entry directly under landing/ is no delivery-date folder; None when it is one."""
    shape = "a delivery goes in landing/<YYYY-MM-DD>/<source>/"
    if not entry.is_dir():
        return f"file {entry.name!r} directly in landing/ ({shape})"
    if not DELIVERY_RE.match(entry.name):
        return f"folder {entry.name!r} under landing/ is not a delivery date ({shape})"
    try:
        date.fromisoformat(entry.name)
    except ValueError:
        return f"folder {entry.name!r} under landing/ is not a real date ({shape})"
    return None


def undated_entries(home: Path) -> list[tuple[Path, str]]:
    """Entries directly under landing/ that are no delivery-date folder, each with the reason."""
    root = Home(home).landing
    if not root.is_dir():
        return []
    found = ((p, _undated_reason(p)) for p in sorted(root.iterdir()))
    return [(p, why) for p, why in found if why is not None]


def delivery_dates(home: Path) -> list[date]:
    """Delivery dates that have a folder under landing/, oldest first."""
    root = Home(home).landing
    if not root.is_dir():
        return []
    folders = [p.name for p in root.iterdir() if p.is_dir() and _undated_reason(p) is None]
    return sorted(date.fromisoformat(name) for name in folders)


def undated_files(home: Path, found_on: date) -> list[LandedFile]:
    """Every file under landing/ outside a delivery-date folder, for the sweep of the delivery
    date `found_on` to quarantine (the manifest needs a delivery date: the one that found it)."""
    out = []
    for entry, why in undated_entries(home):
        paths = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
        for path in paths:
            rel = path.relative_to(home).as_posix()
            keep = path.parent.relative_to(Home(home).landing).as_posix()
            out.append(LandedFile(path, rel, found_on, None, None, why,
                                  "" if keep == "." else keep))  # fmt: skip
    return out


def remove_empty_undated_folders(home: Path) -> None:
    """Once their files are quarantined, undated folders go too: they would be reported again
    by every run although nothing is left in them."""
    for entry, _ in undated_entries(home):
        if not entry.is_dir():
            continue
        for folder in sorted((p for p in entry.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        if not any(entry.iterdir()):
            entry.rmdir()


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
    folder = Home(home).delivery(delivery) / spec.name
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
    folder = Home(home).delivery(delivery)
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
