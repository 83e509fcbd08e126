"""File versions: a file re-delivered under the same landing path with other bytes replaces the
previous version, and only the current version of each file is read downstream.

Why: a plant corrects a delivery by sending the file again under its name. Bronze keeps the rows
of every version (lineage), but silver must read one version per path, or the old rows win a tie
in the staging dedupe and the new ones count as duplicates. The rule lives here once: the views
`bronze.<table>_current` hide the rows of superseded versions and of retracted files, and the dbt
sources read those views. A version is any re-delivery that was read (loaded or rejected); a
quarantined or duplicate re-delivery has no rows and is no version (the previous one stays).
The filter is an anti-join on (path, sha256) against the few inactive files, so a year of bronze
costs the same scan as before, and a delivery-date filter still skips row groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion.contracts import SOURCES, SourceSpec

CURRENT_SUFFIX = "_current"
FILES_CURRENT = "bronze._files_current"  # manifest entries downstream reads (dbt source _files)
FILES_STATE = "bronze._files_state"  # one row per versioned path: current version, retracted
FILES_INACTIVE = "bronze._files_inactive"  # (path, sha256) whose rows downstream does not read
ACTIONS_TABLE = "bronze._file_actions"  # audit trail of retract / restore
RETRACT, RESTORE = "retract", "restore"

# manifest columns added by versioning (bronze._files): owned here, added to older warehouses
VERSION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("version", "BIGINT"),  # 1, 2, ... per path; NULL for quarantined files and duplicates
    ("supersedes", "BIGINT"),  # the version this one replaced
    ("rows_changed", "BIGINT"),  # rows whose content differs from the replaced version's
    ("rows_added", "BIGINT"),  # row numbers the replaced version did not have
    ("rows_removed", "BIGINT"),  # row numbers this version no longer has
)

ACTIONS_DDL = f"""
CREATE TABLE IF NOT EXISTS {ACTIONS_TABLE} (
    acted_at TIMESTAMPTZ NOT NULL,
    who      VARCHAR NOT NULL,      -- $USER of the command, or 'unknown'
    action   VARCHAR NOT NULL,      -- retract | restore
    path     VARCHAR NOT NULL,      -- landing path as in bronze._files
    version  BIGINT NOT NULL,       -- the file's current version when the action was taken
    sha256   VARCHAR NOT NULL,      -- that version's bytes
    reason   VARCHAR
)
"""

STATE_VIEW = f"""
CREATE OR REPLACE VIEW {FILES_STATE} AS
WITH latest AS (
    SELECT path, max(version) AS version, arg_max(sha256, version) AS sha256,
           arg_max(source, version) AS source, arg_max(delivery_date, version) AS delivery_date
    FROM bronze._files WHERE version IS NOT NULL GROUP BY path
), acted AS (
    SELECT path, arg_max(action, acted_at) AS action, arg_max(version, acted_at) AS version
    FROM {ACTIONS_TABLE} GROUP BY path
)
SELECT latest.*,
       coalesce(acted.action = '{RETRACT}' AND acted.version = latest.version, false) AS retracted
FROM latest LEFT JOIN acted ON acted.path = latest.path
"""  # noqa: S608 - names are this module's constants

INACTIVE_VIEW = f"""
CREATE OR REPLACE VIEW {FILES_INACTIVE} AS
SELECT DISTINCT f.path, f.sha256
FROM bronze._files AS f INNER JOIN {FILES_STATE} AS s ON s.path = f.path
WHERE f.version IS NOT NULL AND (s.retracted OR f.sha256 <> s.sha256)
"""  # noqa: S608

FILES_CURRENT_VIEW = f"""
CREATE OR REPLACE VIEW {FILES_CURRENT} AS
SELECT f.* FROM bronze._files AS f
WHERE f.version IS NULL OR EXISTS (
    SELECT 1 FROM {FILES_STATE} AS s
    WHERE s.path = f.path AND s.version = f.version AND NOT s.retracted
)
"""  # noqa: S608


def current_view(table: str) -> str:
    """The view of a bronze table (payload or rejects) that holds current versions only."""
    return f"{table}{CURRENT_SUFFIX}"


def _rows_view(table: str) -> str:
    return (
        f"CREATE OR REPLACE VIEW {current_view(table)} AS SELECT * FROM {table} AS t "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {FILES_INACTIVE} AS i "
        "WHERE i.path = t._source_file AND i.sha256 = t._file_sha256)"
    )


def ensure_versions(con: duckdb.DuckDBPyConnection) -> None:
    """Add the version columns to the manifest, the audit table and the current views (after
    the tables exist: a view is created over the tables' columns as they are now)."""
    for column, kind in VERSION_COLUMNS:
        con.execute(f"ALTER TABLE bronze._files ADD COLUMN IF NOT EXISTS {column} {kind}")
    con.execute(ACTIONS_DDL)
    for ddl in (STATE_VIEW, INACTIVE_VIEW, FILES_CURRENT_VIEW):
        con.execute(ddl)
    for spec in SOURCES.values():
        con.execute(_rows_view(spec.table))
        con.execute(_rows_view(spec.rejects_table))


@dataclass(frozen=True)
class Prior:
    """What the manifest knows of the earlier versions of one path."""

    version: int  # the current (latest) version number
    sha256: str  # its bytes
    shas: frozenset[str]  # bytes of every earlier version


def prior(con: duckdb.DuckDBPyConnection, path: str) -> Prior | None:
    """The latest version of the file at `path` and the bytes of all its versions, if any."""
    row = con.execute(
        "SELECT max(version), arg_max(sha256, version), list(DISTINCT sha256) "
        "FROM bronze._files WHERE path = ? AND version IS NOT NULL",
        [path],
    ).fetchall()[0]
    if row[0] is None:
        return None
    return Prior(int(row[0]), row[1], frozenset(row[2]))


@dataclass(frozen=True)
class RowDiff:
    """How a version's rows differ from the version it replaced, compared by row number."""

    changed: int
    added: int
    removed: int


def _content_sql(spec: SourceSpec) -> str:
    """Per (sha256, row number): the row's content, loaded (payload as JSON) or rejected."""
    payload = ", ".join((*spec.columns, "_extra_columns"))
    return (
        f"SELECT _file_sha256 AS sha, _row_number AS n, "  # noqa: S608 - contract whitelist
        f"string_agg(to_json([{payload}]), chr(10) ORDER BY to_json([{payload}])) AS content "
        f"FROM {spec.table} WHERE _delivery_date = ? AND _source_file = ? "
        "AND _file_sha256 IN (?, ?) GROUP BY ALL UNION ALL "
        "SELECT _file_sha256, _row_number, 'rejected: ' || coalesce(raw_line, '') "
        f"FROM {spec.rejects_table} WHERE _delivery_date = ? AND _source_file = ? "
        "AND _file_sha256 IN (?, ?)"
    )


def diff_rows(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: str, delivery, old: str, new: str
) -> RowDiff:
    """Rows changed, added and removed from the version with bytes `old` to the one with `new`
    (both in bronze: a version's rows are found by path and sha256)."""
    params = [delivery, path, old, new]
    changed, added, removed = con.execute(
        f"WITH side AS ({_content_sql(spec)}), "  # noqa: S608 - contract whitelist
        "o AS (SELECT n, content FROM side WHERE sha = ?), "
        "w AS (SELECT n, content FROM side WHERE sha = ?) "
        "SELECT count(*) FILTER (o.n IS NOT NULL AND w.n IS NOT NULL "
        "AND o.content IS DISTINCT FROM w.content), "
        "count(*) FILTER (o.n IS NULL), count(*) FILTER (w.n IS NULL) "
        "FROM o FULL OUTER JOIN w ON o.n = w.n",
        [*params, *params, old, new],
    ).fetchall()[0]
    return RowDiff(int(changed), int(added), int(removed))


def change(version: int, supersedes: int, diff: RowDiff) -> str:
    """`version 2 replaced version 1 (1 row changed)`."""
    parts = [f"{diff.changed} row{'s' * (diff.changed != 1)} changed"]
    parts += [f"{n} {word}" for n, word in ((diff.added, "added"), (diff.removed, "removed")) if n]
    return f"version {version} replaced version {supersedes} ({', '.join(parts)})"


def describe(path: str, version: int, supersedes: int, diff: RowDiff) -> str:
    """`<path>: version 2 replaced version 1 (1 row changed)`: the run summary's line."""
    return f"{path}: {change(version, supersedes, diff)}"


def replacements(con: duckdb.DuckDBPyConnection, load_ids: list[str]) -> list[str]:
    """One `describe` line per file version that the given loads brought in."""
    rows = con.execute(
        "SELECT path, version, supersedes, rows_changed, rows_added, rows_removed "
        "FROM bronze._files WHERE list_contains(?, load_id) AND supersedes IS NOT NULL "
        "ORDER BY path",
        [load_ids],
    ).fetchall()
    return [describe(p, v, s, RowDiff(c or 0, a or 0, r or 0)) for p, v, s, c, a, r in rows]


@dataclass(frozen=True)
class Version:
    """One version of a file, for `shopfloor landing history PATH`."""

    version: int
    outcome: str
    loaded_at: object
    sha256: str
    rows_read: int
    change: str


def versions_of(con: duckdb.DuckDBPyConnection, path: str) -> list[Version]:
    """Every version of the file at `path`, oldest first, with what each changed."""
    rows = con.execute(
        "SELECT version, outcome, loaded_at, sha256, rows_read, supersedes, rows_changed, "
        "rows_added, rows_removed FROM bronze._files "
        "WHERE path = ? AND version IS NOT NULL ORDER BY version",
        [path],
    ).fetchall()
    out = []
    for v, outcome, at, sha, read, sup, changed, added, removed in rows:
        diff = RowDiff(changed or 0, added or 0, removed or 0)
        what = "first delivery" if sup is None else change(v, sup, diff)
        out.append(Version(v, outcome, at, sha, read, what))
    return out
