"""Which sources the plant does not deliver, and the marts that leaves empty, as published.

Why: a page whose marts need a source the plant never sends must say so instead of "no data":
the empty page is the plant's design, not a widened filter away. The facts come from the serving
copy only (gold.dim_source: plant file `sources` and each mart's `meta.needs_sources`).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import ui

SQL_SOURCES = """
select source_name, is_delivered, needed_by
from gold.dim_source
order by source_name
"""


def _names(value: object) -> list[str]:
    """A published varchar[] as a list (DuckDB hands pandas an array, or None)."""
    return [] if value is None else [str(v) for v in value]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Missing:
    """A source the plant does not deliver and the marts (of those asked about) it empties."""

    source_name: str
    marts: tuple[str, ...]


def missing_for(marts: tuple[str, ...]) -> list[Missing]:
    """The undelivered sources that empty any of `marts` (none when the copy predates
    gold.dim_source)."""
    if not ui.has_table("gold.dim_source"):
        return []
    df = ui.q(SQL_SOURCES)
    out = []
    for r in df[~df["is_delivered"]].itertuples(index=False):
        hit = tuple(m for m in _names(r.needed_by) if m in marts)
        if hit:
            out.append(Missing(r.source_name, hit))
    return out


def message(what: str, missing: list[Missing]) -> str:
    """The sentence a page shows instead of "no data"."""
    sources = ", ".join(f"`{m.source_name}`" for m in missing)
    marts = ", ".join(f"`{t}`" for t in sorted({t for m in missing for t in m.marts}))
    return (
        f"No {what}: this plant does not deliver {sources} (plant file `sources`), so "
        f"{marts} are empty by design. Nothing is missing or late: widening the filters "
        "will not change it."
    )


def explain_absent(what: str, marts: tuple[str, ...]) -> bool:
    """Show why `marts` are empty when the plant lacks a source they need; True if shown."""
    missing = missing_for(marts)
    if missing:
        st.info(message(what, missing), icon=":material/block:")
    return bool(missing)


def sources_panel() -> None:
    """The data-quality page's list of sources: delivered or not, and what each one feeds."""
    if not ui.has_table("gold.dim_source"):
        return
    df = ui.q(SQL_SOURCES)
    absent = df[~df["is_delivered"]]
    if absent.empty:
        return
    st.subheader("Sources this plant does not deliver")
    empty = sorted({m for needed in absent["needed_by"] for m in _names(needed)})
    st.info(
        f"Not delivered (plant file `sources`): {', '.join(absent['source_name'])}. Empty by "
        f"design, not a data-quality problem: {', '.join(empty) or 'no mart'}.",
        icon=":material/block:",
    )
    shown = df.assign(needed_by=df["needed_by"].map(lambda v: ", ".join(_names(v))))
    caption = "Every landing source: delivered, and the marts that need it"
    ui.table(shown, "sources", caption=caption)
