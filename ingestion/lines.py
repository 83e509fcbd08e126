"""Physical lines of a file and the line-level screening every format shares.

Why: bronze promises a reason for every line it does not load, naming the physical line number.
So each file is first cut into numbered raw lines (bytes, vectorised in Arrow), and the checks
that do not depend on the format (UTF-8, blank, partial write) run as one DuckDB pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

LINES_VIEW = "_lines"  # registered Arrow table: line_no BIGINT, raw BLOB
SCREENED = "_screened"  # temp table: line_no, raw, txt, reason (NULL = good line)

REASON_UTF8 = "invalid UTF-8 bytes"
REASON_BLANK = "blank line"
REASON_TRUNCATED = "truncated row: partial write, repeated in full on the next line"

# The common reasons, in order; the format adds its own WHEN branches after them.
COMMON_CASE = f"""
    WHEN txt IS NULL THEN '{REASON_UTF8}'
    WHEN trim(txt) = '' THEN '{REASON_BLANK}'
    WHEN length(next_txt) > length(txt) AND starts_with(next_txt, txt) THEN '{REASON_TRUNCATED}'
"""

REJECT_SCHEMA = pa.schema([("line_no", pa.int64()), ("reason", pa.string()), ("raw", pa.binary())])


@dataclass
class Parsed:
    """What a format parser made of one file."""

    rows_read: int
    rows_loaded: int
    rows: pa.Table | None  # line_no + payload columns + _extra_columns
    rejects: pa.Table  # line_no, reason, raw
    header: str | None = None
    added_columns: list[str] = field(default_factory=list)
    renamed_columns: list[str] = field(default_factory=list)
    error: str | None = None  # set when the whole file is rejected


class Unreadable(Exception):
    """The file as a whole cannot be read: it goes to quarantine with this reason."""


def split_lines(data: bytes) -> pa.Table:
    """Numbered physical lines (1-based) of a file, without line terminators."""
    if b"\r\n" in data:
        data = data.replace(b"\r\n", b"\n")
    body = data[:-1] if data.endswith(b"\n") else data
    pieces = pc.split_pattern(pa.array([body], pa.large_binary()), pattern=b"\n").flatten()
    raw = pieces.cast(pa.binary()) if len(body) < 2**31 else pieces
    numbers = pa.array(range(1, len(raw) + 1), pa.int64())
    return pa.table({"line_no": numbers, "raw": raw})


def screen(
    con: duckdb.DuckDBPyConnection,
    lines: pa.Table,
    first_line: int,
    format_case: str,
    params: list | None = None,
    extra_select: str = "",
) -> None:
    """Fill the temp table `_screened` with each line from `first_line` on and its reject reason.

    `format_case` holds further `WHEN ... THEN reason` branches (fixed SQL with `?` parameters
    bound from `params`); `extra_select` adds computed columns (e.g. parsed CSV fields).
    """
    con.register(LINES_VIEW, lines)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {SCREENED} AS
            WITH decoded AS (
                SELECT line_no, raw, try(decode(raw)) AS txt FROM {LINES_VIEW} WHERE line_no >= ?
            ), windowed AS (
                SELECT *, lead(txt) OVER (ORDER BY line_no) AS next_txt {extra_select}
                FROM decoded
            )
            SELECT *, CASE {COMMON_CASE} {format_case} END AS reason FROM windowed
            """,  # noqa: S608 - identifiers and SQL fragments are fixed, values are bound
            [first_line, *(params or [])],
        )
    finally:
        con.unregister(LINES_VIEW)


def _explain_utf8(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        return (
            f"{REASON_UTF8}: byte 0x{byte:02X} at column {exc.start + 1} "
            "(file must be UTF-8; this looks like a Windows-1252 / Latin-1 text)"
        )
    return REASON_UTF8


def screened_rejects(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Rejected lines of `_screened`, the UTF-8 reason made precise (few rows, off hot path)."""
    sql = f"SELECT line_no, reason, raw FROM {SCREENED} WHERE reason IS NOT NULL ORDER BY line_no"  # noqa: S608
    table = fetch_arrow(con, sql)
    reasons = table.column("reason").to_pylist()
    if REASON_UTF8 in reasons:
        raws = table.column("raw").to_pylist()
        reasons = [
            _explain_utf8(r) if reason == REASON_UTF8 else reason
            for reason, r in zip(reasons, raws, strict=True)
        ]
        table = table.set_column(1, "reason", pa.array(reasons, pa.string()))
    return table.cast(REJECT_SCHEMA)


def fetch_arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pa.Table:
    """Run a query and return its result as one Arrow table."""
    return con.sql(sql, params=params or None).to_arrow_table()


def count_lines(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(lines screened, lines that passed) in `_screened`."""
    sql = f"SELECT count(*), count(*) FILTER (reason IS NULL) FROM {SCREENED}"  # noqa: S608
    (total, good) = con.execute(sql).fetchall()[0]
    return int(total), int(good)


def reject_all(lines: pa.Table, first_line: int, reason: str) -> pa.Table:
    """Every line from `first_line` on as a reject with the same reason (a whole-file problem)."""
    kept = lines.filter(pc.greater_equal(lines.column("line_no"), first_line))
    reasons = pa.array([reason] * kept.num_rows, pa.string())
    line_no, raw = kept.column("line_no"), kept.column("raw")
    return pa.table({"line_no": line_no, "reason": reasons, "raw": raw})
