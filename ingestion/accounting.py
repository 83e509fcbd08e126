"""Row accounting and completeness of bronze, as queries over the manifest and the tables.

Why: the same facts back the Dagster asset checks, the CLI's summary and the tests, so they are
computed in one place: per file, rows read = rows loaded + rows rejected, the bronze and reject
tables really hold those rows, and no landed file is left without a manifest entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from ingestion.contracts import Format, source
from ingestion.landing import STRAY, source_files, stray_files
from ingestion.manifest import DUPLICATE, LOADED, QUARANTINED, REJECTED


@dataclass(frozen=True)
class SourceTotals:
    """Per-source counts for the CLI summary."""

    source: str
    files: int
    rows_loaded: int
    rows_rejected: int
    quarantined: int
    duplicates: int


def accounting_breaks(con: duckdb.DuckDBPyConnection, source_name: str) -> list[str]:
    """Files of a source whose accounting does not hold, each as a readable sentence."""
    spec = source(source_name)
    loaded_rows = "count(DISTINCT _row_number)" if spec.fmt is Format.SNAPSHOT else "count(*)"
    rows = con.execute(
        f"""
        WITH b AS (
            SELECT _source_file, _file_sha256, {loaded_rows} AS n, count(*) AS records
            FROM {spec.table} GROUP BY ALL
        ), r AS (
            SELECT _source_file, _file_sha256, count(*) AS n FROM {spec.rejects_table} GROUP BY ALL
        )
        SELECT f.path, f.rows_read, f.rows_loaded, f.rows_rejected, f.records_written,
               coalesce(b.n, 0), coalesce(b.records, 0), coalesce(r.n, 0)
        FROM bronze._files f
        LEFT JOIN b ON b._source_file = f.path AND b._file_sha256 = f.sha256
        LEFT JOIN r ON r._source_file = f.path AND r._file_sha256 = f.sha256
        WHERE f.source = ? AND f.outcome IN (?, ?)
          AND (f.rows_read <> f.rows_loaded + f.rows_rejected
               OR coalesce(b.n, 0) <> f.rows_loaded
               OR coalesce(b.records, 0) <> f.records_written
               OR coalesce(r.n, 0) <> f.rows_rejected)
        ORDER BY f.path
        """,  # noqa: S608 - table names come from the contract whitelist
        [source_name, LOADED, REJECTED],
    ).fetchall()
    return [
        f"{path}: read {read} = loaded {loaded} + rejected {rejected} must hold; bronze holds "
        f"{in_bronze} lines ({records} rows, manifest says {written}), rejects hold {in_rejects}"
        for path, read, loaded, rejected, written, in_bronze, records, in_rejects in rows
    ]


def stuck_files(con: duckdb.DuckDBPyConnection, home: Path, source_name: str) -> list[str]:
    """Landed files in already-processed partitions of a source that have no manifest entry."""
    dates = [
        d
        for (d,) in con.execute(
            "SELECT DISTINCT delivery_date FROM bronze._loads WHERE source = ? ORDER BY 1",
            [source_name],
        ).fetchall()
    ]
    known = {
        p
        for (p,) in con.execute(
            "SELECT path FROM bronze._files WHERE coalesce(source, ?) = ?", [STRAY, source_name]
        ).fetchall()
    }
    stuck = []
    for d in dates:
        files = stray_files(home, d) if source_name == STRAY else source_files(
            home, source(source_name), d
        )  # fmt: skip
        stuck += [f.rel_path for f in files if f.rel_path not in known]
    return stuck


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
    return [SourceTotals(s, f, int(lo or 0), int(rj or 0), q, d) for s, f, lo, rj, q, d in rows]
