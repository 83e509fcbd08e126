"""Row accounting and completeness of bronze, as queries over the manifest and the tables.

Why: the same facts back the Dagster asset checks, the CLI's summary and the tests, so they are
computed in one place: per file, rows read = rows loaded + rows rejected, the bronze and reject
tables really hold those rows, and no landed file is left without a manifest entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from ingestion.contracts import Format, source
from ingestion.landing import STRAY, source_files, stray_files
from ingestion.manifest import DUPLICATE, LOADED, QUARANTINED, REJECTED
from ingestion.versions import FILES_CURRENT


@dataclass(frozen=True)
class SourceTotals:
    """Per-source counts for the CLI summary."""

    source: str
    files: int
    rows_loaded: int
    rows_rejected: int
    quarantined: int
    duplicates: int


def _in_dates(column: str) -> str:
    """SQL bound by `_date_params`: `column` is one of the dates (any date when they are NULL);
    the BETWEEN lets DuckDB skip the row groups of other dates."""
    return (
        f"(?::DATE[] IS NULL OR ({column} BETWEEN ?::DATE AND ?::DATE "
        f"AND list_contains(?::DATE[], {column})))"
    )


def _date_params(dates: Sequence[date] | None) -> list:
    if dates is None:
        return [None, None, None, None]
    days = sorted(set(dates))
    return [days, days[0] if days else None, days[-1] if days else None, days]


def accounting_breaks(
    con: duckdb.DuckDBPyConnection, source_name: str, dates: Sequence[date] | None = None
) -> list[str]:
    """Files of a source whose accounting does not hold, each as a readable sentence.

    With `dates`, only files delivered on those dates: a run checks what it loaded, and the
    cost stays that of the run's rows however long the history grows.
    """
    spec = source(source_name)
    loaded_rows = "count(DISTINCT _row_number)" if spec.fmt is Format.SNAPSHOT else "count(*)"
    in_dates = _date_params(dates)
    rows = con.execute(
        f"""
        WITH b AS (
            SELECT _source_file, _file_sha256, {loaded_rows} AS n, count(*) AS records
            FROM {spec.table} WHERE {_in_dates("_delivery_date")} GROUP BY ALL
        ), r AS (
            SELECT _source_file, _file_sha256, count(*) AS n FROM {spec.rejects_table}
            WHERE {_in_dates("_delivery_date")} GROUP BY ALL
        )
        SELECT f.path, f.rows_read, f.rows_loaded, f.rows_rejected, f.records_written,
               coalesce(b.n, 0), coalesce(b.records, 0), coalesce(r.n, 0)
        FROM bronze._files f
        LEFT JOIN b ON b._source_file = f.path AND b._file_sha256 = f.sha256
        LEFT JOIN r ON r._source_file = f.path AND r._file_sha256 = f.sha256
        WHERE f.source = ? AND f.outcome IN (?, ?) AND {_in_dates("f.delivery_date")}
          AND (f.rows_read <> f.rows_loaded + f.rows_rejected
               OR coalesce(b.n, 0) <> f.rows_loaded
               OR coalesce(b.records, 0) <> f.records_written
               OR coalesce(r.n, 0) <> f.rows_rejected)
        ORDER BY f.path
        """,  # noqa: S608 - table names come from the contract whitelist
        [*in_dates, *in_dates, source_name, LOADED, REJECTED, *in_dates],
    ).fetchall()
    return [
        f"{path}: read {read} = loaded {loaded} + rejected {rejected} must hold; bronze holds "
        f"{in_bronze} lines ({records} rows, manifest says {written}), rejects hold {in_rejects}"
        for path, read, loaded, rejected, written, in_bronze, records, in_rejects in rows
    ]


def stuck_files(
    con: duckdb.DuckDBPyConnection,
    home: Path,
    source_name: str,
    dates: Sequence[date] | None = None,
) -> list[str]:
    """Landed files in already-processed partitions of a source that have no manifest entry
    (with `dates`, only in those delivery folders)."""
    in_dates = _date_params(dates)
    processed = [
        d
        for (d,) in con.execute(
            "SELECT DISTINCT delivery_date FROM bronze._loads WHERE source = ? "  # noqa: S608
            f"AND {_in_dates('delivery_date')} ORDER BY 1",  # fixed SQL, values bound
            [source_name, *in_dates],
        ).fetchall()
    ]
    known = {
        p
        for (p,) in con.execute(
            "SELECT path FROM bronze._files WHERE coalesce(source, ?) = ? "  # noqa: S608
            f"AND {_in_dates('delivery_date')}",  # fixed SQL, values bound
            [STRAY, source_name, *in_dates],
        ).fetchall()
    }
    stuck = []
    for d in processed:
        files = stray_files(home, d) if source_name == STRAY else source_files(
            home, source(source_name), d
        )  # fmt: skip
        stuck += [f.rel_path for f in files if f.rel_path not in known]
    return stuck


def delivery_of(problem: str) -> date | None:
    """The delivery date of the landing path a problem sentence starts with, if any."""
    parts = problem.split("/", 2)
    try:
        return date.fromisoformat(parts[1]) if len(parts) > 2 and parts[0] == "landing" else None
    except ValueError:
        return None


def totals(con: duckdb.DuckDBPyConnection, dates: list[date] | None = None) -> list[SourceTotals]:
    """Per-source totals over the manifest, optionally for some delivery dates only."""
    rows = con.execute(
        """
        SELECT coalesce(source, ?), count(*),
               sum(rows_loaded), sum(rows_rejected),
               count(*) FILTER (outcome = ?), count(*) FILTER (outcome = ?)
        FROM bronze._files
        WHERE ?::DATE[] IS NULL OR list_contains(?::DATE[], delivery_date)
        GROUP BY ALL ORDER BY 1
        """,
        [STRAY, QUARANTINED, DUPLICATE, dates, dates],
    ).fetchall()
    return [
        SourceTotals(source, files, int(loaded or 0), int(rejected or 0), quarantined, duplicates)
        for source, files, loaded, rejected, quarantined, duplicates in rows
    ]


# Fewer rejected rows than this never hold a delivery date back, whatever their share: a few bad
# rows are findings (each in its source's rejects), not a reason to distrust the rest.
FEW_REJECTS = 10
WHAT_TO_DO = (
    "deliver a corrected file under the same name, or `shopfloor landing retract <path>` to take "
    "it out"
)
FIRST_REJECTS = 3  # reject lines a blocking problem quotes


def _first_rejects(
    con: duckdb.DuckDBPyConnection, table: str, files: list[tuple[str, str]]
) -> list[str]:
    """`file:line: reason` of the first reject lines of the given (path, sha256) files."""
    rows = con.execute(
        f"SELECT _source_file, _row_number, reason FROM {table} "  # noqa: S608 - whitelist
        "WHERE list_contains(?::VARCHAR[], _source_file || '|' || _file_sha256) "
        "ORDER BY _source_file, _row_number LIMIT ?",
        [[f"{p}|{sha}" for p, sha in files], FIRST_REJECTS],
    ).fetchall()
    return [f"{path}:{line}: {reason}" for path, line, reason in rows]


def _latest_entries(by_source: bool) -> str:
    """SQL of each path's latest entry in the current manifest (bound: [source,] the dates of
    `_date_params`): a corrected version or a retract ends what an older entry said."""
    source_filter = "source = ? AND " if by_source else ""
    return f"""
        SELECT path, sha256, delivery_date, outcome, rows_read, rows_rejected, error
        FROM {FILES_CURRENT} WHERE {source_filter}{_in_dates("delivery_date")}
        QUALIFY row_number() OVER (PARTITION BY path ORDER BY loaded_at DESC) = 1
    """  # noqa: S608 - fixed SQL, values bound


def rejected_file_counts(con: duckdb.DuckDBPyConnection, dates: Sequence[date]) -> dict[date, int]:
    """Per delivery date, the files whose latest entry is `rejected` (not one of their rows is
    in bronze): what the per-date status names and what rejects_that_block blocks on."""
    rows = con.execute(
        f"SELECT delivery_date, count(*) FROM ({_latest_entries(by_source=False)}) "  # noqa: S608
        "WHERE outcome = ? GROUP BY 1",
        [*_date_params(dates), REJECTED],
    ).fetchall()
    return {d: int(n) for d, n in rows}


def rejects_that_block(
    con: duckdb.DuckDBPyConnection,
    source_name: str,
    max_share: float,
    dates: Sequence[date] | None = None,
) -> list[str]:
    """Why a source's deliveries cannot be trusted as a whole, one sentence per problem, each
    starting with the landing path it concerns and quoting its first reject lines.

    A problem is a file rejected whole (manifest outcome `rejected`), or a delivery date on which
    more than `max_share` of the source's rows (and at least FEW_REJECTS rows) were rejected. Only
    the latest entry of each path counts: a corrected file delivered under the same name, or a
    retracted one (left out of the current manifest, ingestion/versions.py), clears the problem.
    """
    spec = source(source_name)
    in_dates = _date_params(dates)
    latest = _latest_entries(by_source=True)
    whole = con.execute(
        f"SELECT path, sha256, rows_rejected, error FROM ({latest}) WHERE outcome = ? "  # noqa: S608
        "ORDER BY path",
        [source_name, *in_dates, REJECTED],
    ).fetchall()
    problems = []
    for path, sha, rejected, error in whole:
        first = _first_rejects(con, spec.rejects_table, [(path, sha)])
        problems.append(
            f"{path}: whole file rejected ({rejected:,} rows): {error or 'no reason recorded'}; "
            f"first rejects: {'; '.join(first) or 'none'} — {WHAT_TO_DO}"
        )
    shares = con.execute(
        f"""
        SELECT delivery_date, sum(rows_rejected), sum(rows_read),
               list(path ORDER BY path) FILTER (rows_rejected > 0),
               list(sha256 ORDER BY path) FILTER (rows_rejected > 0)
        FROM ({latest}) WHERE outcome = ? GROUP BY delivery_date
        HAVING sum(rows_rejected) >= ? AND sum(rows_rejected) > ? * sum(rows_read)
        ORDER BY delivery_date
        """,  # noqa: S608 - fixed SQL, values bound
        [source_name, *in_dates, LOADED, FEW_REJECTS, max_share],
    ).fetchall()
    for day, rejected, read, paths, shas in shares:
        first = _first_rejects(con, spec.rejects_table, list(zip(paths, shas, strict=True)))
        problems.append(
            f"landing/{day}/{source_name}/: {rejected:,} of {read:,} rows rejected "
            f"({rejected / read:.1%}, more than the {max_share:.1%} the plant allows, "
            f"plant file max_rejected_share) in {', '.join(paths)}; first rejects: "
            f"{'; '.join(first)} — {WHAT_TO_DO}"
        )
    return problems
