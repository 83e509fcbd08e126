"""The DuckDB warehouse file and the bronze schema: connect, create and evolve tables.

Why: every writer opens the warehouse the same way (UTC session time zone, so TIMESTAMPTZ values
are never shifted silently) and creates bronze tables from the declared contract only, so table
and column names in SQL always come from a fixed whitelist.

DuckDB lets one process write a database file, or any number read it, never both; a second
process's connect fails at once with an IOException that names the holder's PID. An analyst's
read-only connection must not break a run, so a writer waits for the lock, bounded by
`wait_seconds()` (`$SHOPFLOOR_LOCK_WAIT_SECONDS`, the one bound on every wait for another
process: this lock, the home's run lock, the writer slot), and then fails with a message naming
the holder. A reader does not wait: during a run it fails at once with that message. dbt opens the
warehouse itself (dbt-duckdb) and retries its connect `retries.connect_attempts` times
(dbt_project/profiles.yml), which profiles.yml reads from `$SHOPFLOOR_DBT_CONNECT_ATTEMPTS`: the
dbt steps set it from the same bound (dbt_env), so the bound has one owner.

Memory: DuckDB lets each connection's buffer pool grow to 80 % of RAM, and a run has two
(its own process for bronze, the gate and publish; dbt's child for silver and gold). A plant-year
rebuild peaked at 3.4 GiB that way, most of it cached pages DuckDB never gave back. Every
connection, ours and dbt's (dbt_env), is held to `memory_limit()` (`$SHOPFLOOR_DUCKDB_MEMORY_LIMIT`,
default 1536MB); past it DuckDB spills to a temporary folder beside the warehouse instead.
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
import weakref
from pathlib import Path

import duckdb

from ingestion.contracts import LINEAGE_COLUMNS, SOURCES, SourceSpec
from ingestion.versions import ACTIONS_TABLE, VERSION_COLUMNS, current_view, ensure_versions
from plants.home import Home

CHECKPOINT_WAL = "256MB"
LOCK_WAIT_ENV = "SHOPFLOOR_LOCK_WAIT_SECONDS"
DEFAULT_LOCK_WAIT_SECONDS = 60.0
LOCK_POLL_SECONDS = 0.25
DBT_CONNECT_ATTEMPTS_ENV = "SHOPFLOOR_DBT_CONNECT_ATTEMPTS"  # read by dbt_project/profiles.yml
MEMORY_LIMIT_ENV = "SHOPFLOOR_DUCKDB_MEMORY_LIMIT"  # read here and by dbt_project/profiles.yml
DEFAULT_MEMORY_LIMIT = "1536MB"
# DuckDB's lock error: `Conflicting lock is held in /usr/bin/python3 (PID 123) by user x`
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
# connections whose bronze schema is known to be current (a connection only ever adds to it)
_ENSURED: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()

MANIFEST_DDL = """
CREATE TABLE IF NOT EXISTS bronze._files (
    load_id          VARCHAR NOT NULL,
    source           VARCHAR,            -- NULL for a file outside every known source folder
    delivery_date    DATE NOT NULL,
    path             VARCHAR NOT NULL,   -- relative to $SHOPFLOOR_HOME, as found in landing/
    file_name        VARCHAR NOT NULL,
    name_date        DATE,               -- production date named in the file name
    size_bytes       BIGINT NOT NULL,
    sha256           VARCHAR NOT NULL,
    outcome          VARCHAR NOT NULL,   -- loaded | rejected | quarantined | duplicate
    duplicate_of     VARCHAR,            -- path of the file first loaded with the same bytes
    rows_read        BIGINT NOT NULL,    -- data lines (header excluded)
    rows_loaded      BIGINT NOT NULL,
    rows_rejected    BIGINT NOT NULL,
    records_written  BIGINT NOT NULL,    -- bronze rows (a snapshot line gives one per node read)
    header           VARCHAR,            -- CSV header as delivered
    added_columns    VARCHAR[],          -- delivered columns outside the contract, kept in _extra
    renamed_columns  VARCHAR[],          -- 'delivered->bronze' pairs mapped by the alias table
    error            VARCHAR,            -- why a file was rejected or quarantined
    quarantine_path  VARCHAR,
    loaded_at        TIMESTAMPTZ NOT NULL
)
"""

LOADS_DDL = """
CREATE TABLE IF NOT EXISTS bronze._loads (
    load_id        VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,     -- a source name, or '_landing' for the stray-file sweep
    delivery_date  DATE NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ NOT NULL,
    files_seen     BIGINT NOT NULL,
    files_new      BIGINT NOT NULL
)
"""


class WarehouseLocked(duckdb.IOException):
    """Another process holds the warehouse (a run writing it, or a reader while a run waits)."""


def wait_seconds() -> float:
    """How long Shopfloor waits for a lock another process holds: `$SHOPFLOOR_LOCK_WAIT_SECONDS`
    (default 60; 0 refuses at once)."""
    text = os.environ.get(LOCK_WAIT_ENV, "").strip()
    try:
        return max(0.0, float(text)) if text else DEFAULT_LOCK_WAIT_SECONDS
    except ValueError:
        raise ValueError(f"${LOCK_WAIT_ENV} is {text!r}, not a number of seconds") from None


def dbt_connect_attempts(wait: float) -> int:
    """dbt-duckdb's connect attempts that wait for a lock at least `wait` s: it sleeps 1, 2, 4 …
    s after each failed attempt, so n attempts give up after 2**n - 1 s; the fewest that reach
    `wait`, and at least one (dbt must connect once)."""
    return max(1, math.ceil(math.log2(wait + 1)))


def memory_limit() -> str:
    """DuckDB's memory limit per connection: `$SHOPFLOOR_DUCKDB_MEMORY_LIMIT` (a DuckDB size such
    as 4GB, or a share of RAM such as 50%), default DEFAULT_MEMORY_LIMIT (module doc: why)."""
    return os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT


def dbt_env() -> dict[str, str]:
    """What a dbt invocation's environment carries so that dbt waits for the warehouse as long
    as every other writer does (wait_seconds) and holds the same memory limit (memory_limit)."""
    return {
        DBT_CONNECT_ATTEMPTS_ENV: str(dbt_connect_attempts(wait_seconds())),
        MEMORY_LIMIT_ENV: memory_limit(),
    }


def lock_holder(error: duckdb.Error) -> str | None:
    """`PID 123 (/usr/bin/python3)` from DuckDB's lock error, when the lock is the cause."""
    found = _LOCK_HOLDER.search(str(error))
    if found:
        return f"PID {found['pid']} ({found['program']})"
    return "another process" if "Could not set lock on file" in str(error) else None


def db_path(home: Path) -> Path:
    return Home(home).warehouse


def _open(home: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retried while another process holds the file's lock, up to `wait` s."""
    path = db_path(home)
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            holder = lock_holder(exc)
            if holder is None:
                raise
            if time.monotonic() >= deadline:
                mode = "read" if read_only else "write"
                waited = f" after waiting {wait:.0f} s" if wait else ""
                raise WarehouseLocked(
                    f"cannot open {path} to {mode}{waited}: {holder} holds it. Close that "
                    f"connection (analysts read the serving copy {Home(home).serving}) "
                    f"or wait for it; ${LOCK_WAIT_ENV} sets how long a writer waits"
                ) from None
            if not told:
                print(f"waiting up to {wait:.0f} s for {holder} to close {path}",
                      file=sys.stderr, flush=True)  # fmt: skip
                told = True
            time.sleep(LOCK_POLL_SECONDS)


def connect(
    home: Path, read_only: bool = False, wait: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with a UTC session time zone (creating its folder when writing).

    A writer waits up to `wait` seconds (default `wait_seconds()`) while another process holds
    the file; a reader waits only when asked (`wait`), else fails at once: WarehouseLocked,
    naming the holder, either way.

    Writers checkpoint after CHECKPOINT_WAL of log instead of DuckDB's 16 MB: bronze commits
    a few thousand rows per table and partition, and each checkpoint re-compresses every
    table's partly filled last row group, so frequent checkpoints rewrote the same row groups
    over and over (a fifth of a load's time). The log is still checkpointed on close.
    """
    path = db_path(home)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if wait is None:
        wait = 0.0 if read_only else wait_seconds()
    con = _open(home, read_only, wait)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET memory_limit = ?", [memory_limit()])
    if not read_only:
        con.execute("SET checkpoint_threshold = ?", [CHECKPOINT_WAL])
    return con


def _payload_ddl(spec: SourceSpec) -> str:
    cols = ",\n    ".join(f"{c} VARCHAR" for c in spec.columns)
    lineage = ",\n    ".join(f"{c} {t}" for c, t in LINEAGE_COLUMNS)
    extra = "_extra_columns VARCHAR,  -- JSON object of delivered columns off the contract\n    "
    return f"CREATE TABLE IF NOT EXISTS {spec.table} (\n    {cols},\n    {extra}{lineage}\n)"


# For a row that broke a value rule: the field it names and the value as delivered (NULL for a
# line-level reason). Added to reject tables of warehouses created before them.
REJECT_RULE_COLUMNS = ("field", "value")
REJECT_COLUMNS = ("reason", "raw_line", "raw_bytes", *REJECT_RULE_COLUMNS)


def _rejects_ddl(spec: SourceSpec) -> str:
    lineage = ",\n    ".join(f"{c} {t}" for c, t in LINEAGE_COLUMNS)
    rule = "".join(f",\n    {c} VARCHAR" for c in REJECT_RULE_COLUMNS)
    return (
        f"CREATE TABLE IF NOT EXISTS {spec.rejects_table} (\n    {lineage},\n"
        f"    reason VARCHAR NOT NULL,\n    raw_line VARCHAR,\n    raw_bytes BLOB{rule}\n)"
    )


def _probe_sql() -> str:
    """A query that binds only when every declared bronze table and column exists."""
    lineage = [c for c, _ in LINEAGE_COLUMNS]
    tables = {
        "bronze._files": ["load_id", *(c for c, _ in VERSION_COLUMNS)],
        "bronze._loads": ["load_id"],
        ACTIONS_TABLE: ["path"],
    }
    for spec in SOURCES.values():
        tables[spec.table] = [*spec.columns, "_extra_columns", *lineage]
        tables[spec.rejects_table] = [*lineage, *REJECT_COLUMNS]
    for spec in SOURCES.values():  # a view made before a column was added is stale
        for table in (spec.table, spec.rejects_table):
            tables[current_view(table)] = tables[table]
    return " UNION ALL ".join(
        f"SELECT count(*) FROM (SELECT {', '.join(cols)} FROM {table} WHERE false)"  # noqa: S608
        for table, cols in tables.items()
    )


PROBE_SQL = _probe_sql()


def _schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.execute(PROBE_SQL).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException):
        return False
    return True


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the bronze schema, manifest and every source's table; add newly declared columns.

    Checked once per connection (one catalog query; the DDL statements each write to the
    catalog, which cost tens of milliseconds when repeated for every partition).
    """
    if con in _ENSURED or _schema_is_current(con):
        _ENSURED.add(con)
        return
    con.execute("CREATE SCHEMA IF NOT EXISTS bronze")
    con.execute(MANIFEST_DDL)
    con.execute(LOADS_DDL)
    for spec in SOURCES.values():
        con.execute(_payload_ddl(spec))
        con.execute(_rejects_ddl(spec))
        for column in spec.columns:  # a column declared after the table was created
            con.execute(f"ALTER TABLE {spec.table} ADD COLUMN IF NOT EXISTS {column} VARCHAR")
        for column in REJECT_RULE_COLUMNS:
            con.execute(
                f"ALTER TABLE {spec.rejects_table} ADD COLUMN IF NOT EXISTS {column} VARCHAR"
            )
    ensure_versions(con)  # last: its views read the tables as they are now
    _ENSURED.add(con)
