"""Provisional dates: what of a production date the gate can compare before all of it is delivered.

Why: a plant runs day by day, and a date's late rows arrive up to `lookback_days` after it
(plants/dbt_vars.py `lateness_bound_days`). gold.dim_date_status says which dates are still
provisional; comparing them with the complete truth would fail on rows that are simply not due
yet, and nothing would ever be published. truth.json `late_deliveries` lists what of a date arrives
after it (source, delivery date, and the machine it is about, or none for a whole file of every
machine), so the gate knows what is still undelivered by the newest loaded delivery.

The rule (rather than a partial truth recomputed per delivery, which would re-implement how every
mart treats a partial day): a gold row of a provisional date is compared exactly once nothing that
can change it is undelivered, and held otherwise. An undelivered item of a source can change the
marts downstream of that source in dbt's graph (target/manifest.json; every mart when there is no
manifest): there it holds the rows of its machine, and rows about no single machine (plant,
product, material flow); an item of a whole file of every machine holds all their rows. State
carried across midnight (the state a machine is in, the previous counter read) lets a whole file of
the day before or after reach a date too, so undelivered files of the neighbouring dates hold rows
as well (late rows — batches, QC checks — belong to their own date only). Once the date is
final, nothing is held: every row must match exactly. Chaos recall counts only the items in files
already delivered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import duckdb

PROVISIONAL, FINAL = "provisional", "final"
ALL_MACHINES = None  # the machine of a held item that is a whole file of every machine
Held = set[tuple[str, str | None]]  # (landing source, machine or ALL_MACHINES) still undelivered


@dataclass(frozen=True)
class DateStatus:
    """One row of gold.dim_date_status."""

    production_date: date
    newest_delivery: date
    status: str

    @property
    def provisional(self) -> bool:
        return self.status == PROVISIONAL


def date_statuses(con: duckdb.DuckDBPyConnection) -> dict[date, DateStatus]:
    """gold.dim_date_status by production date; empty when gold has no such table yet."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'gold' and table_name = 'dim_date_status'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    rows = con.execute(
        "select production_date, newest_delivery_date, status from gold.dim_date_status"
    ).fetchall()
    return {day: DateStatus(day, newest, status) for day, newest, status in rows}


def held_items(
    truth: dict[str, Any], neighbours: list[dict[str, Any] | None], newest: date
) -> Held:
    """What of a date is still undelivered by delivery `newest` (source and machine): its own
    late rows and files, and the late whole files of the dates before and after it."""
    held: Held = set()
    for other in [truth, *neighbours]:
        for late in (other or {}).get("late_deliveries", []):
            own = other is truth or late["whole_file"]
            if own and date.fromisoformat(late["delivery_date"]) > newest:
                held.add((late["source"], late["machine_id"]))
    return held


@cache
def upstream_sources() -> dict[str, frozenset[str]]:
    """Per gold model, the landing sources upstream of it in dbt's graph; empty when dbt has not
    parsed the project yet (then every source is taken to feed every mart)."""
    from orchestration.defs.dbt.project import shopfloor_dbt

    path = shopfloor_dbt.manifest_path
    if not path.exists():
        return {}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    parents, sources = manifest["parent_map"], manifest["sources"]
    found: dict[str, frozenset[str]] = {}

    def walk(uid: str) -> frozenset[str]:
        if uid in sources:
            return frozenset({sources[uid]["name"]})
        if uid not in found:
            found[uid] = frozenset()  # no cycles in dbt's graph; this guards the recursion
            found[uid] = frozenset().union(*(walk(p) for p in parents.get(uid, [])))
        return found[uid]

    nodes = manifest["nodes"].values()
    return {n["name"]: walk(n["unique_id"]) for n in nodes if n["resource_type"] == "model"}


def is_held(table: str, row: dict[str, Any], held: Held) -> bool:
    """Whether a truth or gold row of gold.`table` waits for an undelivered item (module doc)."""
    if not held:
        return False
    feeding = upstream_sources().get(table)
    machine = row.get("machine_id")
    return any(
        (feeding is None or source in feeding)
        and (item_machine is ALL_MACHINES or machine is None or machine == item_machine)
        for source, item_machine in held
    )


def _delivery_of(item: dict[str, Any]) -> date | None:
    """The delivery date of the file a chaos item is in (landing/<delivery>/...), if written."""
    parts = (item.get("file") or "").split("/")
    try:
        return date.fromisoformat(parts[1]) if len(parts) > 2 and parts[0] == "landing" else None
    except ValueError:
        return None


def delivered_truth(truth: dict[str, Any], newest: date) -> dict[str, Any]:
    """The truth with only the chaos items of files delivered by `newest` (for recall)."""
    items = []
    for item in truth.get("chaos", []):
        delivery = _delivery_of(item)
        if item.get("file") is None and item["name"] == "degradation":
            items.append(item)  # a real signal of the simulation, in no file
        elif delivery is not None and delivery <= newest:
            items.append(item)
    return truth | {"chaos": items}
