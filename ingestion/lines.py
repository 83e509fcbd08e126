"""Physical lines of a file and the line-level screening every format shares.

Why: bronze promises a reason for every line it does not load, naming the physical line number.
So each file is first cut into numbered raw lines (bytes, vectorised in Arrow), and the checks
that do not depend on the format (UTF-8, blank, partial write) run in the same single DuckDB pass
as the format's own checks. The screened lines stay in a temp table that the loader inserts from
directly, so rows never travel back through Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.contracts import CONTROL_CHARS, CONTROL_CHARS_RE, MAX_LINE_BYTES, RAW_PREFIX_CHARS
from ingestion.rules import NO_RULES, RuleSql

LINES_VIEW = "_lines"  # registered Arrow table: line_no BIGINT, raw BLOB, next_raw BLOB
# temp table: line_no, raw, txt, format columns, reason (NULL = good), and for a broken value
# rule the field and value it names (NULL for line-level reasons)
SCREENED = "_screened"

REASON_UTF8 = "invalid UTF-8 bytes"
REASON_BLANK = "blank line"
REASON_TRUNCATED = "truncated row: partial write, repeated in full on the next line"
REASON_RULE = "breaks a value rule"  # never seen: the detail names the rule (a safety net)
# What a reject keeps of its raw line, as text and as bytes: a line over the length limit keeps
# only its start (the landing file keeps it whole), so one runaway line cannot bloat the tables.
_HEAD = f"raw[1:{4 * RAW_PREFIX_CHARS}]"  # enough bytes for RAW_PREFIX_CHARS characters
_LONG = f"octet_length(raw) > {MAX_LINE_BYTES}"
RAW_LINE = (
    f"CASE WHEN {_LONG} THEN left(coalesce(try(decode({_HEAD})), CAST({_HEAD} AS VARCHAR)), "
    f"{RAW_PREFIX_CHARS}) || '…' ELSE coalesce(try(decode(raw)), CAST(raw AS VARCHAR)) END"
)
RAW_BYTES = f"CASE WHEN {_LONG} THEN {_HEAD} ELSE raw END"

# The common reasons, in order; the format adds its own WHEN branches after them. A CASE only
# evaluates a branch on the rows no earlier branch took, and `AND` inside a branch short-cuts:
# `trim` (which copies the string) only runs on lines that do not start with a visible ASCII
# character, and the next line is only decoded when it is longer than this one. A line over the
# length limit has no text (`txt` NULL), so no later stage parses it.
COMMON_CASE = f"""
    WHEN {_LONG} THEN printf(
        'line too long: %d bytes, the limit is %d bytes (the reject keeps its first %d characters)',
        octet_length(raw), {MAX_LINE_BYTES}, {RAW_PREFIX_CHARS})
    WHEN txt IS NULL THEN '{REASON_UTF8}'
    WHEN NOT regexp_matches(txt, '^[!-~]') AND trim(txt) = '' THEN '{REASON_BLANK}'
    WHEN octet_length(next_raw) > octet_length(raw) AND starts_with(try(decode(next_raw)), txt)
        THEN '{REASON_TRUNCATED}'
"""
# Only screened for in a file that holds such a byte at all (`split_lines` tells): a regular
# expression over every line of every file costs more than one pass over the file's bytes.
CONTROL_CASE = f"""
    WHEN regexp_matches(txt, '{CONTROL_CHARS_RE}') THEN printf(
        'control character U+%04X at column %d',
        unicode(regexp_extract(txt, '{CONTROL_CHARS_RE}')),
        strpos(txt, regexp_extract(txt, '{CONTROL_CHARS_RE}')))
"""


@dataclass
class Parsed:
    """What a format parser made of one file: how to select its good rows from `_screened`."""

    rows_read: int  # data lines (header excluded)
    first_line: int  # first data line (2 for CSV: line 1 is the header)
    # SELECT line_no, <payload columns in table order>, _extra_columns FROM _screened ...
    payload_sql: str | None = None
    payload_params: list = field(default_factory=list)
    header: str | None = None
    added_columns: list[str] = field(default_factory=list)
    renamed_columns: list[str] = field(default_factory=list)
    error: str | None = None  # set when the whole file is rejected (every line, this reason)


CONTROL_KEY = "shopfloor.control_chars"  # schema metadata of `split_lines`: "1" or "0"


class Unreadable(Exception):
    """The file as a whole cannot be read: it goes to quarantine with this reason."""


def _int64(values: np.ndarray) -> pa.Array:
    # from buffers: `pa.array` would import pandas (seconds) to check whether it was given one
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def split_lines(data: bytes) -> pa.Table:
    """Numbered physical lines (1-based) of a file without terminators, each with the next line."""
    if b"\r\n" in data:
        data = data.replace(b"\r\n", b"\n")
    body = data[:-1] if data.endswith(b"\n") else data
    offsets = np.array([0, len(body)], dtype=np.int64)
    whole = pa.Array.from_buffers(
        pa.large_binary(), 1, [None, pa.py_buffer(offsets), pa.py_buffer(body)]
    )
    pieces = pc.split_pattern(whole, pattern=b"\n").flatten()
    raw = pieces.cast(pa.binary()) if len(body) < 2**31 else pieces
    # the next line beside each line: the partial-write check needs no window (sort) in SQL
    following = pa.concat_arrays([raw.slice(1), pa.nulls(1, raw.type)])
    numbers = _int64(np.arange(1, len(raw) + 1, dtype=np.int64))
    table = pa.Table.from_arrays([numbers, raw, following], names=["line_no", "raw", "next_raw"])
    control = len(data.translate(None, CONTROL_CHARS)) != len(data)  # one C pass over the bytes
    return table.replace_schema_metadata({CONTROL_KEY: "1" if control else "0"})


def holds_control_chars(lines: pa.Table) -> bool:
    """Whether any line of the file (from `split_lines`) holds a control character."""
    return (lines.schema.metadata or {}).get(CONTROL_KEY.encode()) != b"0"


def screen(
    con: duckdb.DuckDBPyConnection,
    first_line: int,
    format_case: str,
    params: list | None = None,
    stages: Sequence[str] = (),
    stage_params: list | None = None,
    rules: RuleSql = NO_RULES,
    control_chars: bool = True,
) -> None:
    """Fill the temp table `_screened` with each line of `_lines` from `first_line` on and its
    reject reason.

    `format_case` holds further `WHEN ... THEN reason` branches (fixed SQL with `?` parameters
    bound from `params`). Each of `stages` adds computed columns (e.g. parsed CSV fields, JSON
    types and keys; `?` bound from `stage_params`) in its own step, so a later stage, the
    branches and the payload query read a column instead of parsing the line again.
    `rules` (from `rules.rule_sql`, over the stages' columns) are the value rules: a line no
    line-level or format branch rejected but that breaks one is rejected with the first rule it
    breaks as reason, naming its field and value (found in a second pass, only when needed).
    `control_chars`: whether the file may hold control characters (`holds_control_chars`).
    """
    line_case = COMMON_CASE + (CONTROL_CASE if control_chars else "")
    # fixed SQL fragments only: every value is bound
    first = (
        f"SELECT line_no, raw, next_raw, CASE WHEN octet_length(raw) <= {MAX_LINE_BYTES} "  # noqa: S608
        f"THEN try(decode(raw)) END AS txt FROM {LINES_VIEW}"
    )
    ctes = [f"s0 AS ({first} WHERE line_no >= ?)"]
    ctes += [f"s{i} AS (SELECT * {stage} FROM s{i - 1})" for i, stage in enumerate(stages, 1)]  # noqa: S608
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {SCREENED} AS
        WITH {", ".join(ctes)},
        judged AS (SELECT *, CASE {line_case} {format_case} END AS reason FROM s{len(stages)})
        SELECT * EXCLUDE (next_raw), reason IS NULL AND NOT ({rules.ok}) AS _rule_broken,
               CAST(NULL AS VARCHAR) AS field, CAST(NULL AS VARCHAR) AS value
        FROM judged
        """,  # noqa: S608 - identifiers and SQL fragments are fixed, values are bound
        [first_line, *(stage_params or []), *(params or []), *rules.ok_params],
    )
    (broken,) = con.execute(f"SELECT bool_or(_rule_broken) FROM {SCREENED}").fetchall()[0]  # noqa: S608
    if broken:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {SCREENED} AS
            SELECT * EXCLUDE (reason, field, value, _v),
                   CASE WHEN _rule_broken THEN coalesce(_v.reason, '{REASON_RULE}') ELSE reason END
                       AS reason,
                   _v.field AS field, _v.value AS value
            FROM (SELECT *, CASE WHEN _rule_broken THEN {rules.detail} END AS _v FROM {SCREENED})
            """,  # noqa: S608 - identifiers and SQL fragments are fixed, values are bound
            rules.detail_params,
        )


def explain_utf8(raw: bytes) -> str:
    """The UTF-8 reject reason made precise: which byte, at which column."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        return (
            f"{REASON_UTF8}: byte 0x{byte:02X} at column {exc.start + 1} "
            "(file must be UTF-8; this looks like a Windows-1252 / Latin-1 text)"
        )
    return REASON_UTF8
