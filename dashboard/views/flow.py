"""Product flow: material Sankey (ore → plates → gears → gearboxes) and throughput per product."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, ui


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Product flow", f)
    flow = ui.q(data.SQL_FLOW, f.params())
    if flow.empty or flow["quantity"].sum() == 0:
        ui.no_data("material flow", f)
    else:
        names = dict(zip(flow["from_product_id"], flow["from_name"], strict=True))
        names |= dict(zip(flow["to_product_id"], flow["to_name"], strict=True))
        kinds = dict(zip(flow["from_product_id"], flow["from_kind"], strict=True))
        kinds |= dict(zip(flow["to_product_id"], flow["to_kind"], strict=True))
        st.subheader("Material flow")
        st.caption(
            "Material consumed by each step over the period (ore in kg, parts in pieces). "
            "Plant-wide: the shift and machine filters do not apply here."
        )
        st.plotly_chart(charts.sankey(flow, names, kinds), key="sankey")
        daily = ui.q(data.SQL_FLOW_DAILY, f.trend_params())
        pivot = daily.pivot_table(
            index="production_date", columns="flow", values="quantity", aggfunc="sum"
        ).reset_index()
        pivot["production_date"] = pivot["production_date"].dt.date
        ui.table(pivot, "material_flow_daily", caption="Daily quantities per flow")

    st.subheader("Throughput per product")
    prod = ui.q(data.SQL_PRODUCT_DAILY, f.trend_params())
    if prod.empty:
        ui.no_data("production batches", f)
        return
    st.plotly_chart(
        charts.stacked_daily(prod, "production_date", "good_qty", "product_name", "Good units/day"),
        key="product_daily",
    )
    totals = ui.q(data.SQL_PRODUCT_PERIOD, f.params())
    totals.insert(
        totals.columns.get_loc("good_qty") + 1, "good_per_day", totals["good_qty"] / f.days
    )
    ui.table(
        totals,
        "product_throughput",
        caption="Per product over the period: good units per day and per hour of batch time, "
        "scrap rate (gold.product_selection)",
        column_config={
            "good_per_day": st.column_config.NumberColumn(format="%,.0f"),
            "good_per_batch_hour": st.column_config.NumberColumn(format="%,.1f"),
        },
    )


render()
