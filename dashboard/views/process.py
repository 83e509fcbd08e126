"""Process cycles of the dispensing cell: time distributions and processes per hour."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, kpi, sources, ui

TIMES = {
    "cycle_time_s": "Cycle",
    "wait_time_s": "Wait (request → start)",
    "side_a_time_s": "Side A",
    "side_b_time_s": "Side B",
}
# the gold marts this page reads cycles from: empty by design when the plant lacks their source
PROCESS_MARTS = ("fct_process_cycle", "kpi_process_daily", "kpi_process_operator_daily")


def stats(cycles: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for col, label in TIMES.items():
        s = cycles[col].dropna()
        rows.append(
            {
                "time": label,
                "cycles": len(s),
                "avg_s": s.mean() if len(s) else None,
                "min_s": s.min() if len(s) else None,
                "p50_s": s.quantile(0.5) if len(s) else None,
                "p95_s": s.quantile(0.95) if len(s) else None,
                "max_s": s.max() if len(s) else None,
                "stddev_s": s.std() if len(s) > 1 else None,
            }
        )
    return pd.DataFrame(rows)


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Process cycles", f, "dispensing cell: conveyor request → scan → equipment")
    if sources.explain_absent("process cycles", PROCESS_MARTS):
        return
    cycles = ui.q(data.SQL_CYCLES, f.params(tz=ui.plant_timezone()))
    if cycles.empty:
        ui.no_data("process cycles (they come from the dispensing cell)", f)
        return
    done = cycles[cycles["is_completed"]]
    c = st.columns(4)
    c[0].metric("Cycles started", kpi.fmt_int(len(cycles)), border=True)
    c[1].metric("Completed", kpi.fmt_int(len(done)), border=True)
    c[2].metric(
        "Aborted",
        kpi.fmt_int(int(cycles["is_aborted"].sum())),
        border=True,
    )
    c[3].metric(
        "Median cycle",
        kpi.fmt_num(done["cycle_time_s"].median() if len(done) else None, 0, "s"),
        border=True,
    )

    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            charts.histogram(done, {"cycle_time_s": "Cycle"}, "Cycle time"), key="h_cycle"
        )
        st.plotly_chart(
            charts.histogram(
                done, {"side_a_time_s": "Side A", "side_b_time_s": "Side B"}, "Side A vs side B"
            ),
            key="h_sides",
        )
    with right:
        st.plotly_chart(
            charts.histogram(cycles, {"wait_time_s": "Wait"}, "Wait time (request → start)"),
            key="h_wait",
        )
        by_hour = (
            done.assign(hour=pd.to_datetime(done["started_local"]).dt.hour)
            .groupby(["hour", "operator_id"])
            .size()
            .rename("cycles")
            .reset_index()
        )
        st.plotly_chart(
            charts.stacked_daily(
                by_hour, "hour", "cycles", "operator_id", "Completed cycles by hour of day"
            ).update_xaxes(dtick=1, tickformat=None, title="hour (plant-local)"),
            key="by_hour",
        )
    ui.table(stats(cycles), "cycle_time_statistics", caption="Time statistics over the period")

    st.subheader("Processes per hour")
    left, right = st.columns(2)
    with left:
        ops = ui.q(data.SQL_OPERATOR_RATE, f.params())
        ops["processes_per_h"] = [
            kpi.ratio(p * 3600, w) for p, w in zip(ops["processes"], ops["worked_s"], strict=True)
        ]
        ops = ops.dropna(subset=["processes_per_h"])
        if ops.empty:
            ui.no_data("operator working time", f)
        else:
            st.plotly_chart(
                charts.hbar(ops, "processes_per_h", "operator_id", "By operator (per worked hour)"),
                key="ops",
            )
            ui.table(ops, "processes_per_hour_by_operator")
    with right:
        busy = ui.q(data.SQL_PLANNED_BUSY, f.params()).iloc[0]["planned_busy_time_s"]
        prod = done.groupby("product_id").size().rename("processes").reset_index()
        prod["processes_per_h"] = [kpi.ratio(n * 3600, busy) for n in prod["processes"]]
        prod = prod.dropna(subset=["processes_per_h"])
        if prod.empty:
            ui.no_data("completed cycles with a product", f)
        else:
            st.plotly_chart(
                charts.hbar(
                    prod, "processes_per_h", "product_id", "By product (per planned busy hour)"
                ),
                key="prods",
            )
            ui.table(prod, "processes_per_hour_by_product")


render()
