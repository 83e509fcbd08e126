"""JSON-lines files: sensor readings (one row per line) and OPC-UA snapshots (one row per node).

Why: DuckDB's JSON functions validate and extract every line in one vectorised pass, so a line
cut in half becomes a reject with its line number while its neighbours load; values stay text
exactly as delivered (numbers keep their JSON spelling, JSON null becomes NULL).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ingestion.contracts import SNAPSHOT_LINE_KEYS, SNAPSHOT_NODE_KEYS, SourceSpec
from ingestion.lines import SCREENED, Parsed, count_lines, fetch_arrow, screen, screened_rejects

OBJECT_CASE = """
    WHEN NOT json_valid(txt) THEN 'unparseable JSON (line cut short or not JSON)'
    WHEN json_type(txt) <> 'OBJECT' THEN 'JSON value is not an object'
"""
MISSING_KEYS = "list_filter(?::VARCHAR[], lambda k: NOT list_contains(json_keys(txt), k))"


def _path(key: str) -> str:
    return f'$."{key}"'


def parse_jsonl(con: duckdb.DuckDBPyConnection, spec: SourceSpec, lines: pa.Table) -> Parsed:
    """One bronze row per JSON object line; unknown keys are kept in `_extra_columns`."""
    required = list(spec.required)
    known = list(spec.columns)
    screen(
        con, lines, 1,
        format_case=OBJECT_CASE + f"""
            WHEN len({MISSING_KEYS}) > 0
                THEN 'missing required field(s): ' || array_to_string({MISSING_KEYS}, ', ')
        """,
        params=[required, required],
    )  # fmt: skip
    select = [f"json_extract_string(txt, ?) AS {c}" for c in spec.columns]
    params: list = [_path(c) for c in spec.columns]
    extras = "list_filter(json_keys(txt), lambda k: NOT list_contains(?::VARCHAR[], k))"
    select.append(
        f"CASE WHEN len({extras}) > 0 THEN CAST(to_json(map_from_entries(list_transform({extras}, "
        "lambda k: {'key': k, 'value': json_extract(txt, '$.\"' || k || '\"')}))) AS VARCHAR) "
        "END AS _extra_columns"
    )
    params += [known, known]
    rows = fetch_arrow(
        con,
        f"SELECT line_no, {', '.join(select)} FROM {SCREENED} "  # noqa: S608
        "WHERE reason IS NULL ORDER BY line_no",
        params,
    )
    added = fetch_arrow(
        con,
        f"SELECT DISTINCT unnest({extras}) AS k FROM {SCREENED} WHERE reason IS NULL ORDER BY k",  # noqa: S608
        [known],
    )
    screened, loaded = count_lines(con)
    return Parsed(screened, loaded, rows, screened_rejects(con),
                  added_columns=added.column("k").to_pylist())  # fmt: skip


def parse_snapshots(con: duckdb.DuckDBPyConnection, spec: SourceSpec, lines: pa.Table) -> Parsed:
    """Flatten each snapshot line to one row per node read; a bad node rejects its whole line."""
    line_keys = ["server_timestamp", "nodes"]
    assert set(line_keys) <= set(SNAPSHOT_LINE_KEYS)
    n_nodes = "json_array_length(txt, '$.nodes')"
    node_checks = []
    params: list = [line_keys, line_keys]
    for key in ("node_id", "source_timestamp", "status_code"):
        assert key in SNAPSHOT_NODE_KEYS
        node_checks.append(
            f"WHEN len(json_extract(txt, ?)) <> {n_nodes} "
            f"THEN 'a node read lacks required field {key}'"
        )
        params.append(f'$.nodes[*]."{key}"')
    screen(
        con, lines, 1,
        format_case=OBJECT_CASE + f"""
            WHEN len({MISSING_KEYS}) > 0
                THEN 'missing required field(s): ' || array_to_string({MISSING_KEYS}, ', ')
            WHEN json_type(txt, '$.nodes') <> 'ARRAY' THEN 'nodes is not a JSON array'
            WHEN {n_nodes} = 0 THEN 'snapshot holds no node reads'
            {" ".join(node_checks)}
        """,
        params=params,
    )  # fmt: skip
    rows = fetch_arrow(
        con,
        f"""
        WITH good AS (
            SELECT line_no, txt, json_extract(txt, '$.nodes[*]') AS nodes
            FROM {SCREENED} WHERE reason IS NULL
        ), flat AS (
            SELECT line_no, txt, unnest(nodes) AS node, generate_subscripts(nodes, 1) AS node_index
            FROM good
        )
        SELECT line_no,
               json_extract_string(txt, '$.endpoint') AS endpoint,
               json_extract_string(txt, '$.server_timestamp') AS server_timestamp,
               CAST(node_index AS VARCHAR) AS node_index,
               json_extract_string(node, '$.node_id') AS node_id,
               json_extract_string(node, '$.value') AS value,
               json_extract_string(node, '$.data_type') AS data_type,
               json_extract_string(node, '$.source_timestamp') AS source_timestamp,
               json_extract_string(node, '$.status_code') AS status_code,
               CAST(NULL AS VARCHAR) AS _extra_columns
        FROM flat ORDER BY line_no, node_index
        """,  # noqa: S608 - fixed SQL
    )
    assert [c for c in rows.column_names[1:-1]] == list(spec.columns)
    screened, loaded = count_lines(con)
    return Parsed(screened, loaded, rows, screened_rejects(con))
