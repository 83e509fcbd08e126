"""Retract and restore a delivered file: take it out of what downstream reads, put it back.

Why: a file that should never have been delivered (wrong plant, wrong day, a test export) must
leave silver and gold without deleting lineage. A retract hides every version of the file (no
version of it is read until it is restored); restore makes its current version read again. A
retracted file left in landing is not loaded again (its bytes are known); re-delivering other
bytes under its name is a new version, which is read again (the retract was of the old bytes).
Every action is appended to `bronze._file_actions`, the audit trail `shopfloor landing history`
lists; the views of ingestion/versions.py apply it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.versions import ACTIONS_TABLE, FILES_STATE, RESTORE, RETRACT


class LandingError(ValueError):
    """A retract or restore that cannot be done, said in one sentence for the user."""


@dataclass(frozen=True)
class Action:
    """One row of the audit trail."""

    acted_at: datetime
    who: str
    action: str
    path: str
    version: int
    sha256: str
    reason: str | None


def who() -> str:
    """The user a command runs as ($USER), or 'unknown'."""
    return os.environ.get("USER") or "unknown"


def landing_path(home: Path, text: str) -> str:
    """A path as the manifest records it (relative to the home) from what the user typed:
    relative to the home, or absolute inside it."""
    path = Path(text)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(home.resolve())
        except ValueError:
            raise LandingError(f"{text}: not inside the home folder {home}") from None
    return path.as_posix().removeprefix("./")


def _state(con: duckdb.DuckDBPyConnection, path: str) -> tuple[int, str, bool]:
    row = con.execute(
        f"SELECT version, sha256, retracted FROM {FILES_STATE} WHERE path = ?",  # noqa: S608
        [path],
    ).fetchall()
    if not row:
        raise LandingError(
            f"{path}: no delivered file with this path in bronze (see `shopfloor landing "
            "history` or bronze._files; paths look like landing/<date>/<source>/<file>)"
        )
    return int(row[0][0]), row[0][1], bool(row[0][2])


def _record(con: duckdb.DuckDBPyConnection, action: Action) -> Action:
    con.execute(
        f"INSERT INTO {ACTIONS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant
        [action.acted_at, action.who, action.action, action.path, action.version, action.sha256,
         action.reason],
    )  # fmt: skip
    return action


def retract(
    con: duckdb.DuckDBPyConnection, path: str, reason: str | None = None, user: str | None = None
) -> Action:
    """Take the file at `path` (every version) out of what downstream reads."""
    version, sha, retracted = _state(con, path)
    if retracted:
        raise LandingError(f"{path}: already retracted (version {version}); nothing to do")
    return _record(con, Action(datetime.now(UTC), user or who(), RETRACT, path, version, sha,
                               reason))  # fmt: skip


def restore(
    con: duckdb.DuckDBPyConnection, path: str, reason: str | None = None, user: str | None = None
) -> Action:
    """Make the current version of a retracted file read downstream again."""
    version, sha, retracted = _state(con, path)
    if not retracted:
        raise LandingError(f"{path}: not retracted (version {version} is read); nothing to do")
    return _record(con, Action(datetime.now(UTC), user or who(), RESTORE, path, version, sha,
                               reason))  # fmt: skip


def history(con: duckdb.DuckDBPyConnection, path: str | None = None) -> list[Action]:
    """The audit trail, oldest first; of one path when given."""
    rows = con.execute(
        f"SELECT acted_at, who, action, path, version, sha256, reason FROM {ACTIONS_TABLE} "  # noqa: S608
        "WHERE ?::VARCHAR IS NULL OR path = ? ORDER BY acted_at, path",
        [path, path],
    ).fetchall()
    return [Action(*row) for row in rows]
