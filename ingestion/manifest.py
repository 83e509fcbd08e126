"""The file manifest `bronze._files`: what was seen, what became of it, and why.

Why: the manifest is what makes loading idempotent (the same bytes are processed once, under
any name) and auditable (rows read = rows loaded + rows rejected, per file, in one place).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb

LOADED, REJECTED, QUARANTINED, DUPLICATE = "loaded", "rejected", "quarantined", "duplicate"
# a path re-delivered with the bytes of one of its earlier versions: that version's rows (still
# in bronze) are read again; nothing is loaded twice, so accounting stays with the first entry
REINSTATED = "reinstated"
ZERO_BYTE_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@dataclass
class FileEntry:
    """One manifest row."""

    load_id: str
    source: str | None
    delivery_date: date
    path: str
    file_name: str
    name_date: date | None
    size_bytes: int
    sha256: str
    outcome: str
    duplicate_of: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    records_written: int = 0
    header: str | None = None
    added_columns: list[str] = field(default_factory=list)
    renamed_columns: list[str] = field(default_factory=list)
    error: str | None = None
    quarantine_path: str | None = None
    version: int | None = None  # ingestion/versions.py: 1, 2, ... per path (loaded, rejected)
    supersedes: int | None = None
    rows_changed: int | None = None
    rows_added: int | None = None
    rows_removed: int | None = None


COLUMNS = tuple(FileEntry.__dataclass_fields__)


def record(con: duckdb.DuckDBPyConnection, entry: FileEntry) -> None:
    """Append one manifest row (inside the caller's transaction)."""
    placeholders = ", ".join("?" for _ in COLUMNS)
    con.execute(
        f"INSERT INTO bronze._files ({', '.join(COLUMNS)}, loaded_at) "  # noqa: S608
        f"VALUES ({placeholders}, now())",
        [getattr(entry, c) for c in COLUMNS],
    )


def lookup(con: duckdb.DuckDBPyConnection, path: str, sha256: str) -> tuple[bool, str | None]:
    """What the manifest knows of these bytes, in one query (it is asked for every file).

    Returns whether these exact bytes at this path have an entry (a re-run: skip silently), and
    the path of the file that first brought these bytes under any name on any day, if any (a
    copy: recorded as a duplicate). Empty files all share one hash; they are not copies. Nor is
    a file whose earlier twin was read and held no data row (a header-only CSV, as a plant sends
    on a day without production): it has nothing to duplicate, so it is read and accounted
    (0 rows) like any file, never counted as a duplicate delivery.

    A quarantined entry counts for neither: the file left landing, so bytes that land again
    (at its path or under another name) are judged afresh, never left in landing as "processed"
    or "a duplicate": a compressed file is quarantined again, a misnamed one that now carries its
    right name loads.
    """
    seen, first = con.execute(
        "SELECT count(*) FILTER (path = ? AND outcome <> ?) > 0, "
        "first(path ORDER BY loaded_at, path) FILTER (outcome IN (?, ?) AND rows_read > 0) "
        "FROM bronze._files WHERE sha256 = ?",
        [path, QUARANTINED, LOADED, REJECTED, sha256],
    ).fetchall()[0]
    return bool(seen), (None if sha256 == ZERO_BYTE_SHA else first)


def record_load(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    source: str,
    delivery: date,
    started_at: datetime,
    files_seen: int,
    files_new: int,
) -> None:
    """Note that a (source, delivery date) partition was processed by this load (the clock is
    read here: SQL's now() is the transaction's start, and the load is one transaction)."""
    con.execute(
        "INSERT INTO bronze._loads VALUES (?, ?, ?, ?, ?, ?, ?)",
        [load_id, source, delivery, started_at, datetime.now(UTC), files_seen, files_new],
    )
