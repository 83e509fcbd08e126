"""Machine health: status cards, OEE factors over time, state timeline, sensors, MTBF / MTTR."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboard import charts, data, kpi, targets, ui


def status_cards(f: data.Filters, daily: pd.DataFrame) -> pd.DataFrame:
    period = ui.q(data.SQL_MACHINE_PERIOD_KPIS, f.params())
    health = ui.q(data.SQL_MACHINE_HEALTH_LATEST, data.machine_day_params(f))
    latest = {r["machine_id"]: r for r in health.to_dict("records")}
    rows = []
    for m in f.machines:
        k = kpi.Kpis.of(period[period["machine_id"] == m])
        trend_rows = daily[daily["machine_id"] == m]
        slope = kpi.performance_trend(trend_rows)
        h = kpi.health(latest.get(m))
        rows.append((m, k, slope, h))
    cols = st.columns(min(4, max(1, len(rows))))
    goals = targets.machines(f.machines)
    for i, (m, k, slope, h) in enumerate(rows):
        colour = kpi.HEALTH_COLOURS[h.level]
        trend = "n/a" if slope is None else f"{slope:+.1f} pp/day"
        goal = goals.get(m, {}).get("oee")
        goal_text = "" if goal is None else f" · target {kpi.fmt_pct(goal)}"
        cols[i % len(cols)].markdown(
            f"""
<div style="border:1px solid #e5e7eb;border-left:8px solid {colour};border-radius:8px;
            padding:10px 14px;margin-bottom:12px;background:#fff">
  <div style="display:flex;justify-content:space-between;align-items:center">
    <b style="font-size:1.05rem">{html.escape(m)}</b>
    <span style="background:{colour};color:#fff;border-radius:10px;padding:1px 9px;
                 font-size:.78rem">{kpi.HEALTH_LABELS[h.level]}</span>
  </div>
  <div style="font-size:1.9rem;font-weight:600;margin:2px 0">{kpi.fmt_pct(k.oee)}
    <span style="font-size:.8rem;font-weight:400;color:#6b7280">OEE{goal_text}</span></div>
  <div style="font-size:.82rem;color:#374151">
    A {kpi.fmt_pct(k.availability)} · P {kpi.fmt_pct(k.performance)} ·
    Q {kpi.fmt_pct(k.quality)}<br>
    MTBF {kpi.fmt_num(k.mtbf_h, 1, "h")} · MTTR {kpi.fmt_num(k.mttr_min, 0, "min")} ·
    {kpi.fmt_int(k.failure_count)} failures<br>
    Performance trend {trend}
  </div>
  <div style="font-size:.78rem;color:{colour};margin-top:4px">
    {html.escape("; ".join(h.reasons))}</div>
</div>""",
            unsafe_allow_html=True,
        )
    return pd.DataFrame(
        [
            {
                "machine_id": m,
                "health": kpi.HEALTH_LABELS[h.level],
                "oee": k.oee,
                "oee_target": goals.get(m, {}).get("oee"),
                "availability": k.availability,
                "performance": k.performance,
                "quality": k.quality,
                "performance_trend_pp_per_day": slope,
                "failures": k.failure_count,
                "mtbf_h": k.mtbf_h,
                "mttr_min": k.mttr_min,
                "downtime_h": k.downtime_h,
                "why": "; ".join(h.reasons),
            }
            for m, k, slope, h in rows
        ]
    )


def degradation_note(daily: pd.DataFrame) -> None:
    """Name machines whose performance falls steadily, and by how much."""
    for m, g in daily.groupby("machine_id"):
        slope = kpi.performance_trend(g)
        if slope is None or slope > -1.0:
            continue
        g = g.dropna(subset=["performance"])
        first, last = g.iloc[0], g.iloc[-1]
        st.warning(
            f"**{m} is degrading**: performance {kpi.fmt_pct(first['performance'])} on "
            f"{first['production_date']:%d %b} → {kpi.fmt_pct(last['performance'])} on "
            f"{last['production_date']:%d %b} ({slope:+.1f} pp per day). Plan maintenance.",
            icon=":material/trending_down:",
        )


def state_timeline(f: data.Filters):
    st.subheader("State timeline")
    days = pd.date_range(f.start, f.end).date.tolist()
    day = st.selectbox(
        "Day", days, index=len(days) - 1, format_func=lambda d: f"{d:%a %d %b %Y}", key="gantt_day"
    )
    states = ui.q(data.SQL_STATES_DAY, f.params(day=day, tz=ui.plant_timezone()))
    if states.empty:
        ui.no_data(f"machine states on {day:%d %b %Y}", f)
        return day
    missing = sorted(set(f.machines) - set(states["machine_id"]))
    if missing:
        st.info(
            f"No state records on {day:%d %b %Y} for: {', '.join(missing)}.", icon=":material/info:"
        )
    st.plotly_chart(charts.gantt(states), key="gantt")
    summary = (
        states.groupby(["machine_id", "state"])["duration_s"].sum().div(3600).round(2).unstack()
    )
    summary = summary.reindex(columns=[c for c in charts.STATE_COLOURS if c in summary.columns])
    summary.columns = [f"{c.lower()}_h" for c in summary.columns]
    ui.chart_data(summary.reset_index(), f"state_hours_{day}")
    return day


def sensor_panel(f: data.Filters, day) -> None:
    st.subheader("Sensors (hourly aggregates)")
    df = ui.q(data.SQL_SENSOR_DAY, f.params(day=day))
    if df.empty:
        ui.no_data(f"sensor readings on {day:%d %b %Y}", f)
        return
    measures = [m for m in charts.SENSORS if df[f"{m[0]}_avg"].notna().any()]
    all_null = [label for col, label, _ in charts.SENSORS if df[f"{col}_avg"].isna().all()]
    for m in f.machines:
        g = df[df["machine_id"] == m]
        if g.empty:
            st.info(f"{m}: no sensor readings on {day:%d %b %Y}.", icon=":material/info:")
            continue
        null_for_m = [label for col, label, _ in charts.SENSORS if g[f"{col}_avg"].isna().all()]
        if null_for_m and len(null_for_m) < len(charts.SENSORS):
            continue  # a machine without e.g. pressure sensing: nothing to report
        if len(null_for_m) == len(charts.SENSORS):
            st.warning(
                f"{m}: all {int(g['readings'].sum()):,} readings on {day:%d %b %Y} are null "
                "(sensor values missing). Nothing to chart.",
                icon=":material/warning:",
            )
    if not measures:
        st.warning(
            f"Every sensor value on {day:%d %b %Y} is null: nothing to chart.",
            icon=":material/warning:",
        )
        return
    if all_null:
        st.caption(f"No values at all for: {', '.join(all_null)}.")
    st.plotly_chart(charts.sensors(df, measures), key="sensors")
    ui.chart_data(df, f"sensor_hourly_{day}")


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Machine health", f)
    if not f.machines:
        ui.no_data("machines match the line / machine filter", f)
        return
    daily = ui.q(data.SQL_MACHINE_DAILY_KPIS, f.trend_params())
    if daily[daily["production_date"].dt.date >= f.start].empty:
        ui.no_data("production data", f)
        return
    degradation_note(daily)
    summary = status_cards(f, daily)

    st.subheader("OEE and its factors per machine")
    st.plotly_chart(charts.factors_by_machine(daily, targets.machines(f.machines)), key="factors")
    ui.chart_data(
        daily[
            [
                "production_date",
                "machine_id",
                "oee",
                "availability",
                "performance",
                "quality",
                "produced_qty",
                "good_qty",
                "failure_count",
                "mtbf_h",
                "mttr_min",
            ]
        ],
        "machine_daily_kpis",
    )

    st.subheader("Reliability: MTBF and MTTR")
    ui.table(
        summary,
        "machine_health",
        column_config={
            "mtbf_h": st.column_config.NumberColumn(format="%,.1f"),
            "mttr_min": st.column_config.NumberColumn(format="%,.0f"),
            "downtime_h": st.column_config.NumberColumn(format="%,.1f"),
            "performance_trend_pp_per_day": st.column_config.NumberColumn(format="%+.2f"),
        },
        caption="MTBF = running time / failures; MTTR = down time / failures, over the period. "
        "n/a when a machine had no failure.",
    )

    day = state_timeline(f)
    if day is not None:
        sensor_panel(f, day)


render()
