"""What the plant does not deliver and which gold marts that empties, read from gold.dim_source.

Why: a plant delivers what it has (plant file key `sources`); a mart that needs an absent source
(`meta.needs_sources`, dbt_project.yml) is empty by design, not broken. The run summary and the
validation report say so in the same words, from the same table the dashboard reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion.contracts import SOURCES


@dataclass(frozen=True)
class Absence:
    """The sources the plant file leaves out and the marts they empty."""

    sources: tuple[str, ...]
    empty_marts: tuple[str, ...]

    def line(self) -> str:
        """One line for the run summary and the report."""
        if not self.sources:
            return "absent sources (plant file): none, every source is delivered"
        marts = ", ".join(self.empty_marts) or "none"
        return f"absent sources (plant file): {', '.join(self.sources)} → empty by design: {marts}"


def read_absence(con: duckdb.DuckDBPyConnection) -> Absence | None:
    """The absence recorded in gold.dim_source; None before a build has created the table."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? and table_name = ?",
        ["gold", "dim_source"],
    ).fetchone()[0]
    if not exists:
        return None
    rows = con.execute(
        "select source_name, needed_by from gold.dim_source where not is_delivered"
    ).fetchall()
    order = {name: i for i, name in enumerate(SOURCES)}
    sources = sorted((name for name, _ in rows), key=lambda n: (order.get(n, len(order)), n))
    marts = sorted({m for _, needed in rows for m in needed or []})
    return Absence(tuple(sources), tuple(marts))
