"""Machine logs: one bronze row per raw line, tagged with the station named by the file.

Why: log parsing belongs to silver's rule table; bronze keeps every line verbatim and only
refuses what is not a log line at all (bad bytes, partial writes, no timestamp and level).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from ingestion.contracts import LOG_LINE_RE, LOG_TIMESTAMP, LOG_TIMESTAMP_RE, SourceSpec
from ingestion.lines import SCREENED, Parsed, holds_control_chars, screen
from ingestion.rules import rule_sql


def parse_log(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    lines: pa.Table,
    log_source: str,
    name_date: date | None = None,
) -> Parsed:
    """Keep each well-formed line as delivered, with the station id from the file name; its
    timestamp must be complete and plausible for the file's production date `name_date`."""
    screen(
        con, 1,
        control_chars=holds_control_chars(lines),
        format_case="""
            WHEN NOT regexp_matches(txt, ?)
                THEN 'not a log line (expected "<timestamp> [<LEVEL>] <message>")'
        """,
        params=[LOG_LINE_RE],
        stages=[", regexp_extract(txt, ?, 1) AS _ts"],
        stage_params=[LOG_TIMESTAMP_RE],
        rules=rule_sql(spec, {LOG_TIMESTAMP: "_ts"}, name_date),
    )  # fmt: skip
    assert spec.columns == ("log_source", "line")
    sql = (
        "SELECT line_no, CAST(? AS VARCHAR) AS log_source, txt AS line, "  # noqa: S608
        f"CAST(NULL AS VARCHAR) AS _extra_columns FROM {SCREENED} WHERE reason IS NULL"
    )
    return Parsed(lines.num_rows, 1, sql, [log_source])
