"""Reconciliation and lineage: do the sources agree per machine-shift, and where did a
machine-day's numbers come from (each batch, state and QC check with its landing file and line)?

Why one page: a reconciliation difference is followed up by opening the rows behind it, so the
drill-down sits under the table that flags the difference. Both read gold only (the serving
copy): kpi_reconciliation_daily, kpi_machine_daily and the facts' source_file /
source_row_number, the physical line of the landing file (1 = a CSV's header).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data, ui

RECONCILIATION = "gold.kpi_reconciliation_daily"
LINEAGE_FACTS = ("gold.fct_production_batch", "gold.fct_machine_state", "gold.fct_quality_check")


def differences_chart(rows: pd.DataFrame) -> go.Figure:
    """Counter − batches and QC − batches per machine-shift, inside the tolerance band or not."""
    label = (
        rows["production_date"].astype(str) + " " + rows["shift_code"] + " " + rows["machine_id"]
    )
    tolerance = float(rows["units_tolerance"].max())
    fig = go.Figure()
    fig.add_hrect(y0=-tolerance, y1=tolerance, fillcolor="#d1fae5", line_width=0, layer="below")
    for column, name, colour in (
        ("counter_minus_batch_units", "PLC counter − batches", "#2563eb"),
        ("qc_minus_batch_units", "QC samples − batches", "#d97706"),
    ):
        fig.add_scatter(x=label, y=rows[column], name=name, mode="markers",
                        marker={"color": colour, "size": 8})  # fmt: skip
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title=f"Unit differences per machine-shift (green: within ±{tolerance:,.0f})",
        yaxis={"title": "units", "zeroline": True},
        xaxis={"showticklabels": False, "title": "machine-shift"},
        legend={"orientation": "h"},
    )
    return fig


def reconciliation_panel(f: data.Filters) -> None:
    st.subheader("Cross-source reconciliation")
    st.caption(
        "Per machine-shift: units from the batches vs the PLC counter vs the QC samples, and "
        "time in state from the logs vs the PLC State reads, with the tolerance and the cause "
        "of each difference."
    )
    if not ui.has_table(RECONCILIATION):
        st.warning(
            f"This serving copy has no {RECONCILIATION}: publish again with this version.",
            icon=":material/warning:",
        )
        return
    rows = ui.q(data.SQL_RECONCILIATION, f.params())
    if rows.empty:
        ui.no_data("reconciliation rows", f)
        return
    beyond = rows[rows["is_beyond_tolerance"]]
    differing = rows[
        (rows["counter_minus_batch_units"] != 0)
        | (rows["qc_minus_batch_units"] != 0)
        | (rows["state_time_difference_s"] != 0)
    ]
    c = st.columns(3)
    c[0].metric("Machine-shifts compared", f"{len(rows):,}", border=True)
    c[1].metric("With a difference", f"{len(differing):,}", border=True)
    c[2].metric("Beyond tolerance", f"{len(beyond):,}", border=True)
    st.plotly_chart(differences_chart(rows), key="reconciliation_differences")
    if beyond.empty:
        st.success(
            "Every machine-shift's sources agree within tolerance.", icon=":material/check_circle:"
        )
    else:
        st.error(
            f"{len(beyond)} machine-shift(s) beyond tolerance (a data-quality finding and an "
            "alert each).",
            icon=":material/error:",
        )
        ui.table(beyond, "reconciliation_beyond_tolerance")
    ui.table(
        rows.drop(columns=["finding"]), "reconciliation", caption="Every machine-shift compared"
    )


def _pick_machine_day(f: data.Filters) -> tuple[date, str] | None:
    days = pd.date_range(f.start, f.end).date.tolist()
    left, right = st.columns(2)
    day = left.selectbox("Production date", days, index=len(days) - 1, key="lineage_day")
    machine = right.selectbox("Machine", list(f.machines), key="lineage_machine")
    if day is None or machine is None:
        return None
    return day, machine


def lineage_panel(f: data.Filters) -> None:
    st.subheader("Lineage: a machine-day down to its landing lines")
    missing = [t for t in LINEAGE_FACTS if "source_row_number" not in ui.catalogue().get(t, set())]
    if missing:
        st.warning(
            f"{', '.join(missing)} carry no source_row_number in this serving copy: publish "
            "again with this version.",
            icon=":material/warning:",
        )
        return
    picked = _pick_machine_day(f)
    if picked is None:
        return
    day, machine = picked
    params = {"day": day, "machine": machine}
    kpi_row = ui.q(data.SQL_LINEAGE_MACHINE_DAY, params)
    if kpi_row.empty:
        st.info(f"No kpi_machine_daily row for {machine} on {day}.", icon=":material/info:")
        return
    ui.table(kpi_row, "lineage_kpi_machine_daily", caption="The KPI row (gold.kpi_machine_daily)")
    for title, sql, name in (
        ("Batches (gold.fct_production_batch)", data.SQL_LINEAGE_BATCHES, "lineage_batches"),
        ("States (gold.fct_machine_state)", data.SQL_LINEAGE_STATES, "lineage_states"),
        ("QC checks (gold.fct_quality_check)", data.SQL_LINEAGE_CHECKS, "lineage_checks"),
    ):
        rows = ui.q(sql, params)
        st.markdown(f"**{title}**: {len(rows):,} rows, each with its landing file and line")
        ui.table(rows, name)


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Reconciliation & lineage", f, "sources set against each other; rows to lines")
    reconciliation_panel(f)
    lineage_panel(f)


render()
