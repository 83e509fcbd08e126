"""Plant overview: KPI cards with the change against the previous period, OEE trend."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from dashboard import alarms, charts, data, display, kpi, targets, ui

# The daily table's unit columns say that they count finished products.
FINISHED_COLUMNS = {"produced_qty": "finished_produced_qty", "good_qty": "finished_good_qty"}


def kpi_cards(f: data.Filters) -> tuple[kpi.Kpis, kpi.Kpis]:
    """The selection's KPIs and the previous period's, their unit counts those of finished
    products only (the plant's output, not every stage's)."""
    cur = finished(f, kpi.Kpis.of(ui.q(data.SQL_PERIOD_KPIS, f.params())))
    before = f.previous()
    prev = finished(before, kpi.Kpis.of(ui.q(data.SQL_PERIOD_KPIS, before.params())))
    return cur, prev


def finished(f: data.Filters, k: kpi.Kpis) -> kpi.Kpis:
    """`k` with produced and good units of finished products (gold.dim_product kind 'finished');
    0 when the selection finished nothing, None when nothing was selected."""
    if k.empty:
        return k
    units = finished_units(f)
    return dataclasses.replace(
        k, produced_qty=float(units["produced_qty"].sum()), good_qty=float(units["good_qty"].sum())
    )


def finished_units(f: data.Filters, trend: bool = False) -> pd.DataFrame:
    """Finished units per production date of the selection (of its trend window if `trend`)."""
    params = f.trend_params() if trend else f.params()
    return ui.q(data.SQL_FINISHED_UNITS_DAILY, params | {"kind": data.FINISHED_KIND})


def finished_label() -> str:
    """Which products the unit cards count, by name."""
    names = ui.q(data.SQL_FINISHED_PRODUCTS, {"kind": data.FINISHED_KIND})["product_name"].tolist()
    return ", ".join(names) or "none: the plant file marks no product as finished"


def target_note(target: targets.Target | None, factor: str) -> None:
    """The plant's target under a card, when the plant file sets one."""
    value = None if target is None else target.get(factor)
    if value is not None:
        st.caption(f"Target {kpi.fmt_pct(value)}")


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Plant overview", f)
    kpis_and_trends(f)
    alarms.section(f)  # also when nothing was produced: a failed run is an alarm


def kpis_and_trends(f: data.Filters) -> None:
    """The KPI cards, the OEE trend and the daily KPI table of the selection."""
    cur, prev = kpi_cards(f)
    if cur.empty:
        ui.no_data("production data", f)
        return
    daily = ui.q(data.SQL_DAILY_KPIS, f.trend_params())
    prev_label = ui.period_label(f.previous())
    if prev.empty:
        st.caption(f"No data for the previous period ({prev_label}): no change shown.")
    else:
        st.caption(f"Change against the previous period: {prev_label}")
    ui.provisional_caption(f)

    daily = daily.drop(columns=["produced_qty", "good_qty"]).merge(
        finished_units(f, trend=True), on="production_date", how="left"
    )
    daily[["produced_qty", "good_qty"]] = daily[["produced_qty", "good_qty"]].fillna(0)
    spark = {c: daily[c].tolist() for c in daily.columns} if len(daily) > 1 else {}
    plant_target = targets.plant()
    cards = [
        ("OEE", kpi.fmt_pct(cur.oee), kpi.delta_pp(cur.oee, prev.oee), "normal", "oee"),
        (
            "Availability",
            kpi.fmt_pct(cur.availability),
            kpi.delta_pp(cur.availability, prev.availability),
            "normal",
            "availability",
        ),
        (
            "Performance",
            kpi.fmt_pct(cur.performance),
            kpi.delta_pp(cur.performance, prev.performance),
            "normal",
            "performance",
        ),
        (
            "Quality",
            kpi.fmt_pct(cur.quality),
            kpi.delta_pp(cur.quality, prev.quality),
            "normal",
            "quality",
        ),
        (
            "Finished units",
            kpi.fmt_int(cur.produced_qty),
            kpi.delta_rel(cur.produced_qty, prev.produced_qty),
            "normal",
            "produced_qty",
        ),
        (
            "Finished good units",
            kpi.fmt_int(cur.good_qty),
            kpi.delta_rel(cur.good_qty, prev.good_qty),
            "normal",
            "good_qty",
        ),
        (
            "Scrap rate",
            kpi.fmt_pct(cur.scrap_rate),
            kpi.delta_pp(cur.scrap_rate, prev.scrap_rate),
            "inverse",
            "scrap_rate",
        ),
        (
            "Downtime",
            kpi.fmt_num(cur.downtime_h, 1, "h"),
            kpi.delta_rel(cur.downtime_h, prev.downtime_h),
            "inverse",
            "downtime_h",
        ),
        (
            "Energy per good unit",
            kpi.fmt_num(cur.energy_per_good_unit_kwh, 3, "kWh"),
            kpi.delta_rel(cur.energy_per_good_unit_kwh, prev.energy_per_good_unit_kwh),
            "inverse",
            "energy_per_good_unit_kwh",
        ),
    ]
    rows = [st.columns(5), st.columns(5)]
    slots = rows[0] + rows[1][:4]
    finished_help = f"Units of the finished products only: {finished_label()}."
    helps = {"produced_qty": finished_help, "good_qty": finished_help}
    for slot, (label, value, delta, colour, col) in zip(slots, cards, strict=True):
        with slot.container(border=True, height="stretch"):
            st.metric(label, value, delta, delta_color=colour, help=helps.get(col))
            target_note(plant_target, col)
            trend = [v for v in spark.get(col, []) if v is not None]
            if len(trend) > 1:
                st.plotly_chart(
                    charts.sparkline(trend, ratio=display.is_ratio(col)),
                    key=f"spark_{col}",
                    config={"staticPlot": True},
                )
    with rows[1][4]:
        st.metric(
            "Failures",
            kpi.fmt_int(cur.failure_count),
            kpi.delta_rel(cur.failure_count, prev.failure_count),
            delta_color="inverse",
            border=True,
            help="MTBF / MTTR per machine: Machine health page",
        )
    st.caption(
        f"Finished units count the products that leave the plant ({finished_label()}), not "
        "every stage's output; OEE and its factors weigh every machine's time."
    )

    if daily.empty:
        return
    left, right = st.columns([3, 2])
    with left:
        goals = plant_target.factors() if plant_target else None
        st.plotly_chart(charts.oee_trend(daily, goals), key="oee_trend")
    with right:
        per_machine = ui.q(data.SQL_MACHINE_DAILY_KPIS, f.trend_params())
        st.plotly_chart(charts.units_by_machine(per_machine), key="units_by_machine")

    st.subheader("Daily KPIs")
    shown = daily[
        [
            "production_date",
            "oee",
            "availability",
            "performance",
            "quality",
            "produced_qty",
            "good_qty",
            "scrap_rate",
            "downtime_h",
            "energy_per_good_unit_kwh",
        ]
    ]
    ui.table(
        shown.rename(columns=FINISHED_COLUMNS),
        "plant_daily_kpis",
        column_config={
            "downtime_h": st.column_config.NumberColumn(format="%,.1f"),
            "energy_per_good_unit_kwh": st.column_config.NumberColumn(format="%,.3f"),
        },
    )
    st.caption(
        "Ratios over days, shifts and machines are computed from summed times and quantities "
        "(ISO 22400, gold.kpi_selection), never by averaging daily percentages."
    )


render()
