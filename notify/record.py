"""Write deliveries and alerts into the warehouse's `audit` schema, even while a run holds it.

Why an outbox: DuckDB lets one process write the warehouse; a report mailed by hand
(`shopfloor report --to`) or an alert raised by the daemon's run-failure sensor may come while a
run writes it. Waiting would hold the mail's caller (or the sensor's tick) for as long as the run
lasts, and failing would lose the record. So a record that cannot be written at once goes to a
JSON file in `Home.notify_outbox`, and every later write here (the alerts step of each run,
before publish) carries the outbox in first, so the serving copy gets it with that publication.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import duckdb

from ground_truth import audit
from plants.home import Home

log = logging.getLogger(__name__)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _park(home: Home, table: str, rows: list[dict[str, Any]]) -> None:
    """Keep rows in the outbox for the next writer (the warehouse is held by a run)."""
    home.notify_outbox.mkdir(parents=True, exist_ok=True)
    payload = {"table": table, "rows": [{k: _json_value(v) for k, v in r.items()} for r in rows]}
    path = home.notify_outbox / f"{table}-{uuid.uuid4().hex}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    tmp.replace(path)


def _typed(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows read back from JSON with their timestamps and dates as Python values again."""
    times = {"alerts": ("raised_at",), "deliveries": ("attempted_at",)}[table]
    days = ("production_date",) if table == "alerts" else ()
    out = []
    for row in rows:
        row = dict(row)
        for name in times:
            row[name] = datetime.fromisoformat(row[name])
        for name in days:
            row[name] = date.fromisoformat(row[name]) if row.get(name) else None
        out.append(row)
    return out


def flush_outbox(con: duckdb.DuckDBPyConnection, home: Home) -> int:
    """Append every parked record to its audit table; the number of files carried in."""
    files = sorted(home.notify_outbox.glob("*.json")) if home.notify_outbox.exists() else []
    for path in files:
        payload = json.loads(path.read_text(encoding="utf-8"))
        audit.append(con, payload["table"], _typed(payload["table"], payload["rows"]))
        path.unlink()
    return len(files)


def append(
    home: Home,
    table: str,
    rows: Sequence[dict[str, Any]],
    con: duckdb.DuckDBPyConnection | None = None,
) -> None:
    """Append rows to audit.<table> through `con` when given, else through a connection of its
    own if the warehouse is free at once, else to the outbox (module doc: why)."""
    rows = list(rows)
    if not rows:
        return
    if con is not None:
        flush_outbox(con, home)
        audit.append(con, table, rows)
        return
    from ingestion.warehouse import connect

    try:
        own = connect(home.root, wait=0)
    except duckdb.Error as exc:  # held by a run (WarehouseLocked), or open in this process
        log.info("warehouse busy (%s): audit.%s record kept in %s", exc, table, home.notify_outbox)
        _park(home, table, rows)
        return
    try:
        flush_outbox(own, home)
        audit.append(own, table, rows)
    finally:
        own.close()


def record_delivery(
    home: Home, delivery: Any, con: duckdb.DuckDBPyConnection | None = None
) -> None:
    """One row of audit.deliveries (a notify.mail.Delivery)."""
    append(home, "deliveries", [asdict(delivery)], con)
