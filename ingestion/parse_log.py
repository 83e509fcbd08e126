"""Machine logs: one bronze row per raw line, tagged with the station named by the file.

Why: log parsing belongs to silver's rule table; bronze keeps every line verbatim and only
refuses what is not a log line at all (bad bytes, partial writes, no timestamp and level).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ingestion.contracts import LOG_LINE_RE, SourceSpec
from ingestion.lines import SCREENED, Parsed, screen


def parse_log(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, lines: pa.Table, log_source: str
) -> Parsed:
    """Keep each well-formed line as delivered, with the station id from the file name."""
    screen(
        con, 1,
        format_case="""
            WHEN NOT regexp_matches(txt, ?)
                THEN 'not a log line (expected "<timestamp> [<LEVEL>] <message>")'
        """,
        params=[LOG_LINE_RE],
    )  # fmt: skip
    assert spec.columns == ("log_source", "line")
    sql = (
        "SELECT line_no, CAST(? AS VARCHAR) AS log_source, txt AS line, "  # noqa: S608
        f"CAST(NULL AS VARCHAR) AS _extra_columns FROM {SCREENED} WHERE reason IS NULL"
    )
    return Parsed(lines.num_rows, 1, sql, [log_source])
