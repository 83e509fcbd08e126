"""The alarm list: audit.alerts of the selection (raised by the alert rules in `notify/`).

Why its own module: the overview shows it, and a publication without the table (older than the
alert rules, or never validated) must say "no alarms recorded" rather than fail.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui

SEVERITY_BADGES = {"critical": ":red-badge[critical]", "warning": ":orange-badge[warning]"}


def section(f: data.Filters) -> None:
    """The selection's alarms, newest first, with their CSV and Excel downloads."""
    st.subheader("Alarms")
    if not ui.has_table("audit.alerts"):
        st.info("No alarms recorded: this publication holds no alarm list.", icon=":material/info:")
        return
    rows = ui.q(data.SQL_ALERTS, f.params(tz=ui.plant_timezone()))
    if rows.empty:
        st.info(f"No alarms recorded for {ui.period_label(f)}.", icon=":material/notifications:")
        return
    counts = rows["severity"].value_counts()
    badges = " ".join(
        f"{SEVERITY_BADGES.get(str(level), str(level))} {n}" for level, n in counts.items()
    )
    st.caption(f"{len(rows):,} alarm(s) in {ui.period_label(f)}, newest first: {badges}")
    ui.table(
        rows,
        "alarms",
        column_config={
            "raised_at_local": st.column_config.DatetimeColumn(
                "Raised at (plant time)", format="YYYY-MM-DD HH:mm"
            ),
            "message": st.column_config.TextColumn(width=560),  # the alarm itself: in full
            "observed": st.column_config.NumberColumn(format="%.3f"),
            "threshold": st.column_config.NumberColumn(format="%.3f"),
        },
    )
