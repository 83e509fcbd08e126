"""Write one screened file into its bronze table and its reject table, with lineage.

Why: the good rows go from the screened temp table into bronze in one `INSERT ... SELECT` inside
DuckDB (no round trip through Python), and so do the rejects; only the rare invalid-UTF-8 lines
come back to Python, to name the offending byte. The counts come from the same statements, so
the manifest's figures are what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from ingestion.contracts import SourceSpec
from ingestion.lines import (
    LINES_VIEW,
    RAW_BYTES,
    RAW_LINE,
    REASON_UTF8,
    SCREENED,
    Parsed,
    explain_utf8,
)
from ingestion.warehouse import REJECT_COLUMNS

LINEAGE_INSERT = "_source_file, _file_sha256, _row_number, _delivery_date, _loaded_at, _load_id"
# in the order of warehouse.REJECT_COLUMNS: reason, raw_line, raw_bytes, field, value
REJECT_INSERT = f"{LINEAGE_INSERT}, {', '.join(REJECT_COLUMNS)}"


@dataclass(frozen=True)
class Lineage:
    """Where the rows of one file came from and which load wrote them."""

    source_file: str
    sha256: str
    delivery: date
    loaded_at: datetime
    load_id: str

    def params(self) -> list:
        """For `?, ?, line_no, ?, ?, ?` in the lineage column order."""
        return [self.source_file, self.sha256, self.delivery, self.loaded_at, self.load_id]


@dataclass(frozen=True)
class Written:
    """Lines loaded and rejected, and bronze rows written (a snapshot line gives one per node)."""

    rows_loaded: int
    rows_rejected: int
    records_written: int


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    return int(con.execute(sql, params).fetchall()[0][0])


def _reject_every_line(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, parsed: Parsed, lineage: Lineage
) -> Written:
    """A whole-file problem (e.g. the header): every data line is a reject with that reason."""
    rejected = _count(
        con,
        f"INSERT INTO {spec.rejects_table} ({REJECT_INSERT}) "  # noqa: S608 - contract whitelist
        f"SELECT ?, ?, line_no, ?, ?, ?, ?, {RAW_LINE}, {RAW_BYTES}, NULL, NULL FROM {LINES_VIEW} "
        "WHERE line_no >= ?",
        [*lineage.params(), f"file rejected: {parsed.error}", parsed.first_line],
    )
    return Written(0, rejected, 0)


def _reject_utf8(con: duckdb.DuckDBPyConnection, spec: SourceSpec, lineage: Lineage) -> int:
    """Invalid UTF-8 lines, each reason naming the first bad byte and its column."""
    bad = con.execute(
        f"SELECT line_no, raw FROM {SCREENED} WHERE reason = ? ORDER BY line_no",  # noqa: S608
        [REASON_UTF8],
    ).fetchall()
    numbers, raws = [n for n, _ in bad], [raw for _, raw in bad]
    return _count(
        con,
        f"INSERT INTO {spec.rejects_table} ({REJECT_INSERT}) "  # noqa: S608
        f"SELECT ?, ?, line_no, ?, ?, ?, reason, {RAW_LINE}, raw, NULL, NULL FROM (SELECT "
        "unnest(?::BIGINT[]) AS line_no, unnest(?::VARCHAR[]) AS reason, unnest(?::BLOB[]) AS raw)",
        [*lineage.params(), numbers, [explain_utf8(r) for r in raws], raws],
    )


def write_file(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, parsed: Parsed, lineage: Lineage
) -> Written:
    """Insert the good rows and the rejects of the file screened into `_screened`."""
    if parsed.error:
        return _reject_every_line(con, spec, parsed, lineage)
    total, good, utf8 = con.execute(
        f"SELECT count(*), count(*) FILTER (reason IS NULL), count(*) FILTER (reason = ?) "  # noqa: S608
        f"FROM {SCREENED}",
        [REASON_UTF8],
    ).fetchall()[0]
    if total != parsed.rows_read:
        raise AssertionError(f"{lineage.source_file}: screened {total} of {parsed.rows_read} lines")
    records = 0
    if good:
        assert parsed.payload_sql is not None
        cols = ", ".join((*spec.columns, "_extra_columns"))
        records = _count(
            con,
            f"INSERT INTO {spec.table} ({cols}, {LINEAGE_INSERT}) "  # noqa: S608
            f"SELECT {cols}, ?, ?, line_no, ?, ?, ? FROM ({parsed.payload_sql})",
            [*lineage.params(), *parsed.payload_params],
        )
    rejected = 0
    if total > good:
        rejected = _count(
            con,
            f"INSERT INTO {spec.rejects_table} ({REJECT_INSERT}) "  # noqa: S608
            f"SELECT ?, ?, line_no, ?, ?, ?, reason, {RAW_LINE}, {RAW_BYTES}, field, value "
            f"FROM {SCREENED} WHERE reason IS NOT NULL AND reason <> ?",
            [*lineage.params(), REASON_UTF8],
        )
        if utf8:
            rejected += _reject_utf8(con, spec, lineage)
    return Written(int(good), rejected, records)
