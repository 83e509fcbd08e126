"""Anomalies and health: gold's health score per machine-day and the anomalies behind it."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import data, ui


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Anomalies & health", f, "scored against the active baseline")
    params = data.machine_day_params(f)
    trend = data.machine_day_params(f) | {"start": f.trend_start}
    health = ui.q(data.SQL_MACHINE_HEALTH, trend)
    anomalies = ui.q(data.SQL_ANOMALIES, params)
    if health.empty:
        ui.no_data("health scores", f)
        return
    st.caption(
        "Health 0–100 per machine-day (gold.kpi_machine_health_daily): 55 % OEE against target, "
        "15 % each scrap, failures per running hour and open anomalies; good from 80, watch "
        "from 60. Anomalies (gold.fct_anomaly): a daily metric outside its baseline's band."
    )
    chart = px.line(
        health, x="production_date", y="health_score", color="machine_id", markers=True,
        labels={"production_date": "", "health_score": "health (0–100)", "machine_id": "machine"},
    )  # fmt: skip
    chart.add_hline(y=80, line_dash="dot", line_color="#1b7f3b")
    chart.add_hline(y=60, line_dash="dot", line_color="#b3261e")
    st.plotly_chart(chart, key="health_trend")
    ui.chart_data(health, "machine_health")
    st.subheader(f"Anomalies ({len(anomalies)})")
    if anomalies.empty:
        st.success("No metric outside its baseline band in this selection.")
        return
    ui.table(anomalies, "anomalies")


render()
