"""JSON-lines files: sensor readings (one row per line) and OPC-UA snapshots (one row per node).

Why: DuckDB's JSON functions validate and extract every line in one vectorised pass, so a line
cut in half becomes a reject with its line number while its neighbours load; values stay text
exactly as DuckDB's `json_extract_string` gives them (JSON null becomes NULL). Each JSON function
parses the line again, so the screen computes what its checks need (types, keys) once per line
and the payload takes every value of a line in one more parse.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pyarrow as pa

from ingestion.contracts import SNAPSHOT_LINE_KEYS, SNAPSHOT_NODE_KEYS, SourceSpec
from ingestion.lines import SCREENED, Parsed, holds_control_chars, screen
from ingestion.rules import RuleSql, rule_sql

UNPARSEABLE = "WHEN keys IS NULL THEN 'unparseable JSON (line cut short or not JSON)'"
NOT_OBJECT = "WHEN {type} <> 'OBJECT' THEN 'JSON value is not an object'"
# only an object has keys: the type is asked (another parse) when a line has none
NO_KEYS_NOT_OBJECT = NOT_OBJECT.format(type="len(keys) = 0 AND json_type(txt)")
MISSING = """
    WHEN NOT list_has_all(keys, ?::VARCHAR[]) THEN 'missing required field(s): '
        || array_to_string(list_filter(?::VARCHAR[], lambda k: NOT list_contains(keys, k)), ', ')
"""


def _path(key: str) -> str:
    """A JSON path to a contract column (a whitelisted name, never a key read from a file)."""
    return f'$."{key}"'


def parse_jsonl(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, lines: pa.Table, name_date: date | None = None
) -> Parsed:
    """One bronze row per JSON object line; unknown keys are kept in `_extra_columns`. Every
    known value is extracted once (`v`), for the value rules and the payload alike."""
    required, known = list(spec.required), list(spec.columns)
    screen(
        con, 1,
        control_chars=holds_control_chars(lines),
        format_case=UNPARSEABLE + NO_KEYS_NOT_OBJECT + MISSING,
        params=[required, required],
        stages=[", CASE WHEN json_valid(txt) THEN json_keys(txt) END AS keys",
                ", CASE WHEN keys IS NOT NULL "
                "THEN json_extract_string(txt, ?::VARCHAR[]) END AS v"],
        stage_params=[[_path(c) for c in known]],
        rules=rule_sql(
            spec, {c: f"v[{known.index(c) + 1}]" for c in spec.rules}, name_date
        ),
    )  # fmt: skip
    extras = "list_filter(keys, lambda k: NOT list_contains(?::VARCHAR[], k))"
    payload = ", ".join(f"v[{i}] AS {c}" for i, c in enumerate(spec.columns, start=1))
    # extra keys are read with json_each, never through a JSON path built from the key: a key
    # is the file's own text (quotes, backslashes, control characters); only lines that have
    # one are expanded, and a repeated key stays repeated as the file has it
    sql = f"""
        WITH good AS (
            SELECT line_no, txt, keys, v
            FROM {SCREENED} WHERE reason IS NULL
        ),
        extra AS (
            SELECT g.line_no, '{{' || string_agg(CAST(to_json(e.key) AS VARCHAR) || ':' || e.value,
                                                ',' ORDER BY e.id) || '}}' AS extras
            FROM good AS g, json_each(g.txt) AS e
            WHERE NOT list_has_all(?::VARCHAR[], g.keys) AND NOT list_contains(?::VARCHAR[], e.key)
            GROUP BY g.line_no
        )
        SELECT line_no, {payload}, extra.extras AS _extra_columns
        FROM good LEFT JOIN extra USING (line_no)
    """  # noqa: S608 - column names come from the contract whitelist
    (added,) = con.execute(
        f"SELECT list_sort(list_distinct(flatten(list({extras})))) FROM {SCREENED} "  # noqa: S608
        "WHERE reason IS NULL",
        [known],
    ).fetchall()[0]
    return Parsed(lines.num_rows, 1, sql, [known, known], added_columns=added or [])


def _snapshot_structure() -> str:
    """The shape of a snapshot line for `json_transform`: every value as text."""
    node = dict.fromkeys(SNAPSHOT_NODE_KEYS, "VARCHAR")
    line = {k: [node] if k == "nodes" else "VARCHAR" for k in SNAPSHOT_LINE_KEYS}
    return json.dumps(line)


def parse_snapshots(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, lines: pa.Table, name_date: date | None = None
) -> Parsed:
    """Flatten each snapshot line to one row per node read; a bad node rejects its whole line.

    One parse shapes every line (`json_transform`, values as the text `json_extract_string`
    would give); a line whose required fields all came out non-null passes as is. Only the
    others (a missing or null field, a broken line) are parsed again to name the exact reason;
    a field present as JSON null passes the shape checks and is then named by the value rules
    (a required value missing), like a bad value in a line's fields or in any node read."""
    line_keys = ["server_timestamp", "nodes"]
    node_keys = ["node_id", "source_timestamp", "status_code"]
    assert set(line_keys) <= set(SNAPSHOT_LINE_KEYS) and set(node_keys) <= set(SNAPSHOT_NODE_KEYS)
    node_checks = []
    params: list = [line_keys, line_keys]
    for key in node_keys:
        node_checks.append(
            "WHEN list_bool_or(list_transform(node_keys, lambda ks: NOT list_contains(ks, ?))) "
            f"THEN 'a node read lacks required field {key}'"
        )
        params.append(key)
    line = rule_sql(spec, {c: f"s.{c}" for c in SNAPSHOT_LINE_KEYS if c in spec.rules},
                    name_date, columns=SNAPSHOT_LINE_KEYS)  # fmt: skip
    node = rule_sql(spec, {c: f"n.{c}" for c in SNAPSHOT_NODE_KEYS if c in spec.rules},
                    name_date, columns=SNAPSHOT_NODE_KEYS)  # fmt: skip
    # a line obeys the rules when its own fields and every node read do; the first broken rule
    # of the line, else of its first node read that breaks one, is the reason
    rules = RuleSql(
        f"({line.ok}) AND coalesce(list_bool_and(list_transform(s.nodes, lambda n: {node.ok})), "
        "true)",
        [*line.ok_params, *node.ok_params],
        f"coalesce({line.detail}, list_filter(list_transform(s.nodes, lambda n: {node.detail}), "
        "lambda x: x IS NOT NULL)[1])",
        [*line.detail_params, *node.detail_params],
    )
    # s = the line shaped as text values; types = [type of the line, type of its `nodes`];
    # node_keys = the keys of each node read (the last two only for lines that need them)
    screen(
        con, 1,
        control_chars=holds_control_chars(lines),
        format_case="WHEN shaped THEN NULL " + UNPARSEABLE + NOT_OBJECT.format(type="types[1]")
        + MISSING + f"""
            WHEN types[2] <> 'ARRAY' THEN 'nodes is not a JSON array'
            WHEN len(node_keys) = 0 THEN 'snapshot holds no node reads'
            {" ".join(node_checks)}
        """,
        params=params,
        stages=[
            ", CASE WHEN json_valid(txt) THEN json_transform(txt, ?) END AS s",
            f""", coalesce(s.server_timestamp IS NOT NULL AND len(s.nodes) > 0
                  AND list_bool_and(list_transform(s.nodes, lambda n:
                      {" AND ".join(f"n.{k} IS NOT NULL" for k in node_keys)})), false) AS shaped
            """,
            """, CASE WHEN NOT shaped AND json_valid(txt)
                      THEN json_type(txt, ['$', '$.nodes']) END AS types""",
            """, CASE WHEN types[1] = 'OBJECT' THEN json_keys(txt)
                      WHEN types IS NOT NULL THEN [] END AS keys
               , CASE WHEN types[2] = 'ARRAY' THEN json_keys(txt, '$.nodes[*]') END AS node_keys
            """,
        ],
        stage_params=[_snapshot_structure()],
        rules=rules,
    )  # fmt: skip
    sql = f"""
        WITH flat AS (
            SELECT line_no, s.endpoint, s.server_timestamp, unnest(s.nodes) AS node,
                   generate_subscripts(s.nodes, 1) AS node_index
            FROM {SCREENED} WHERE reason IS NULL
        )
        SELECT line_no, endpoint, server_timestamp,
               CAST(node_index AS VARCHAR) AS node_index,
               node.node_id, node.value, node.data_type, node.source_timestamp, node.status_code,
               CAST(NULL AS VARCHAR) AS _extra_columns
        FROM flat
    """  # noqa: S608 - fixed SQL
    assert list(spec.columns) == ["endpoint", "server_timestamp", "node_index",
                                  *SNAPSHOT_NODE_KEYS]  # fmt: skip
    return Parsed(lines.num_rows, 1, sql)
