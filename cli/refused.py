"""What a run refused, line by line: the rows and files of this run's deliveries that did not
reach gold, each as `file:line  field "value": reason`.

Why: a plant's data engineer reads the run's output, not a table name. Every refusal is kept
in full in the warehouse (bronze rejects, the silver quarantine, bronze._files; analysts read
them together in gold.fct_row_rejects); the run names the first of them so that what to fix is
on the screen.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb

from ingestion.contracts import SOURCES
from ingestion.manifest import QUARANTINED, REJECTED
from ingestion.warehouse import connect

MAX_LISTED = 60
PER_KIND = 3  # rows listed per kind of refusal (source, field, reason)
SILVER_QUARANTINE = "silver.int_source_rows_quarantined"


def _bronze_rows(con: duckdb.DuckDBPyConnection, since: datetime) -> list[tuple]:
    """Rejected lines of files loaded since `since` (not those of wholly rejected files)."""
    union = " UNION ALL ".join(
        f"SELECT _source_file, _row_number, field, value, reason FROM {spec.rejects_table} "  # noqa: S608
        "WHERE _loaded_at >= ? AND NOT starts_with(reason, 'file rejected:')"
        for spec in SOURCES.values()
    )
    return con.execute(union, [since] * len(SOURCES)).fetchall()


def _silver_rows(con: duckdb.DuckDBPyConnection, since: datetime) -> list[tuple]:
    """Quarantined rows of files loaded since `since` (none before silver was ever built)."""
    try:
        return con.execute(
            f"SELECT source_file, source_row_number, field, value, reason FROM {SILVER_QUARANTINE} "  # noqa: S608
            "WHERE source_file IN (SELECT path FROM bronze._files WHERE loaded_at >= ?)",
            [since],
        ).fetchall()
    except duckdb.CatalogException:
        return []


def _files(con: duckdb.DuckDBPyConnection, since: datetime) -> list[tuple]:
    """Files of this run quarantined or wholly rejected, with the reason."""
    return con.execute(
        "SELECT path, outcome, error FROM bronze._files "
        "WHERE loaded_at >= ? AND outcome IN (?, ?) ORDER BY path",
        [since, QUARANTINED, REJECTED],
    ).fetchall()


def _row_line(path: str, line: int, field: str | None, value: str | None, reason: str) -> str:
    what = f'{field} "{value}": ' if field and not reason.startswith(field) else ""
    return f"  {path}:{line}  {what}{reason}"


def refused_lines(home: Path, since: datetime) -> list[str]:
    """The run's refusals as lines for the CLI: files first, then rows by file and line."""
    con = connect(home, read_only=True)
    try:
        files = _files(con, since)
        rows = sorted(_bronze_rows(con, since) + _silver_rows(con, since), key=lambda r: r[:2])
    finally:
        con.close()
    if not files and not rows:
        return []
    out = [
        f"Refused by this run: {len(files)} file(s), {len(rows)} row(s) "
        "(in the serving copy: rows in gold.fct_row_rejects, files in accounting.files; "
        "unreadable files in quarantine/):"
    ]
    for path, outcome, error in files:
        reason = (error or "").removeprefix(f"{path}: ")
        word = "whole file rejected" if outcome == REJECTED else "file quarantined"
        out.append(f"  {path}  {word}: {reason}")
    listed, more = listed_by_kind(rows, max(0, MAX_LISTED - len(files)))
    out += [_row_line(*row) for row in listed]
    out += [f"  … and {n:,} more like {example}" for example, n in more.items()]
    if any(outcome == REJECTED for _, outcome, _ in files):
        out.append(
            "  A wholly rejected file blocks its date: deliver a corrected file under the same "
            "name (it becomes version 2), or take it out with `shopfloor landing retract PATH`."
        )
    return out


def _kind(row: tuple) -> tuple[str, str | None, str]:
    """What a refusal is, without where: its source, field and reason with values and numbers
    blanked (`units_produced: "#" is not a whole number ≥ #`)."""
    path, _, field, _, reason = row
    return path.rsplit("/", 2)[-2], field, re.sub(r'"[^"]*"|\d+', "#", reason)


def listed_by_kind(rows: list[tuple], limit: int) -> tuple[list[tuple], dict[str, int]]:
    """The first PER_KIND rows of each kind (a thousand partial writes must not hide the one
    unknown machine), at most `limit` in all; and per kind not listed in full, how many were
    left out, keyed by an example (`<source> rows: <its first reason>`)."""
    seen: Counter[tuple] = Counter()
    examples: dict[tuple, str] = {}
    listed, more = [], Counter()
    for row in rows:
        kind = _kind(row)
        seen[kind] += 1
        examples.setdefault(kind, f"{kind[0]} rows: {row[4][:90]}")
        if seen[kind] <= PER_KIND and len(listed) < limit:
            listed.append(row)
        else:
            more[examples[kind]] += 1
    return listed, dict(more)
