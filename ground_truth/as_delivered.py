"""Provisional dates: the truth a date must match before all of it is delivered.

Why: a plant runs day by day, and a date's late rows arrive up to `lookback_days` after it
(plants/dbt_vars.py `lateness_bound_days`). gold.dim_date_status says which dates are still
provisional; comparing them with the complete truth would fail on rows that are simply not due
yet, and nothing would ever be published.

The rule. A provisional date is compared exactly (the tolerances of a final one) against its truth
as delivered by the newest loaded delivery, which the generator writes: truth.json `as_delivered`
maps each delivery date that brings rows of the date's batch or QC file to the truth sections
that differ then (generators/truth.py `truth_as_delivered`: the same compute_truth over the
plant-day without the rows not delivered yet). A batch or QC row is a discrete fact, so a row
still to come is exactly a batch or a finding gold does not have yet, and the truth can say what
gold must show meanwhile.

What is still held: a whole late file of any other source (machine logs, sensors, PLC snapshots,
operator logs, the dispensing cell's files), listed in truth.json `late_deliveries` without
`restated`. Those files record a continuous process, and while one is missing gold shows what
the pipeline infers across the gap, not a fact of the simulation: a machine's state timeline lasts
from its last logged line until the end of that line's production date, so the missing day has no
states at all and its neighbour's last state runs on (int_machine_state_intervals); a PLC counter
delta spans the missing reads; an operator without a log has no sign-in and no name. A truth for
that would re-implement dbt's handling of each gap, which is the very thing the gate checks. So a
gold row of a provisional date is held while an undelivered whole file can change it: a file of a
source holds the marts downstream of that source in dbt's graph (the manifest dagster-dbt loads
for the dbt assets), there the rows of its machine and rows about no single machine (plant,
product, material flow), and a file of every machine all their rows. State carried across
midnight lets a whole file of the day before or after reach a date too, so those of the
neighbouring dates hold rows as well. Once the date is final, nothing is held and the whole truth
must match. Chaos recall counts only the items in files already delivered.
"""

from __future__ import annotations

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
    """What of a date is still undelivered by delivery `newest` and not restated by its truth as
    delivered (source and machine): its own late files and rows of other sources than batches
    and QC checks, and such late whole files of the dates before and after it."""
    held: Held = set()
    for other in [truth, *neighbours]:
        for late in (other or {}).get("late_deliveries", []):
            own = other is truth or late["whole_file"]
            due = date.fromisoformat(late["delivery_date"]) > newest
            if own and due and not late.get("restated"):
                held.add((late["source"], late["machine_id"]))
    return held


def truth_as_delivered(truth: dict[str, Any], newest: date) -> dict[str, Any]:
    """The truth sections of a date as delivered by delivery `newest` (truth.json
    `as_delivered`: the entry of the latest delivery date on or before it; the whole truth when
    there is none, or after the last one, which differs in nothing)."""
    by_delivery = truth.get("as_delivered") or {}
    past = [d for d in by_delivery if date.fromisoformat(d) <= newest]
    return truth | by_delivery[max(past)] if past else truth


@cache
def upstream_sources() -> dict[str, frozenset[str]]:
    """Per gold model, the landing sources upstream of it in dbt's graph: read from the manifest
    the dbt assets are defined from (parsed_manifest: dagster-dbt parses it once per process)."""
    from orchestration.defs.dbt.project import parsed_manifest

    manifest = parsed_manifest()
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
    """The truth as delivered by `newest`: its sections (truth_as_delivered) and only the chaos
    items of files delivered by then (for recall)."""
    items = []
    for item in truth.get("chaos", []):
        delivery = _delivery_of(item)
        if item.get("file") is None and item["name"] == "degradation":
            items.append(item)  # a real signal of the simulation, in no file
        elif delivery is not None and delivery <= newest:
            items.append(item)
    return truth_as_delivered(truth, newest) | {"chaos": items}
