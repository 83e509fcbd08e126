"""One controller_snapshots line: the bytes of a snapshot object (data contract §2, §5.9).

Shared by the generator (generators/render.py) and the capture client (plc/capture.py), so a
captured file and a generated one are written by the same code: compact JSON, ASCII only, keys
in contract order.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

SOURCE = "controller_snapshots"


def node_read(
    node_id: str, value: Any, data_type: str, source_timestamp: str, status_code: str
) -> dict[str, Any]:
    """One node read, keys in contract order."""
    return {
        "node_id": node_id,
        "value": value,
        "data_type": data_type,
        "source_timestamp": source_timestamp,
        "status_code": status_code,
    }


def snapshot_doc(endpoint: str, server_timestamp: str, nodes: list[dict[str, Any]]) -> dict:
    """One snapshot object: the reads of one controller at one instant."""
    return {"endpoint": endpoint, "server_timestamp": server_timestamp, "nodes": nodes}


def encode(doc: dict[str, Any]) -> bytes:
    """The line's bytes (without the line end)."""
    return json.dumps(doc, separators=(",", ":")).encode()


def file_name(day: date) -> str:
    """The file of one production date (data contract §1, file names per source)."""
    return f"{SOURCE}__{day.isoformat()}.jsonl"
