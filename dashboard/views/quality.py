"""Quality: scrap and rework Pareto by reason category, by machine and by product."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, kpi, ui


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Quality", f, "defective units found by QC, by disposition")
    defects = ui.q(data.SQL_DEFECTS, f.params())
    k = kpi.Kpis.of(ui.q(data.SQL_PERIOD_KPIS, f.params()))
    if defects.empty:
        if k.empty:
            ui.no_data("production data", f)
        else:
            st.success(
                "No scrap or rework recorded for this selection.", icon=":material/check_circle:"
            )
        return
    pick = st.segmented_control(
        "Disposition", ["Scrap and rework", "Scrap", "Rework"], default="Scrap and rework",
        key="disposition",
    )  # fmt: skip
    shown = defects
    if pick in ("Scrap", "Rework"):
        shown = defects[defects["disposition"] == pick.upper()]
    c = st.columns(4)
    c[0].metric("Scrapped units", kpi.fmt_int(k.scrap_qty), border=True)
    c[1].metric("Reworked units", kpi.fmt_int(k.rework_qty), border=True)
    c[2].metric("Scrap rate", kpi.fmt_pct(k.scrap_rate), border=True)
    c[3].metric("Quality ratio", kpi.fmt_pct(k.quality), border=True)
    if shown.empty:
        st.info(f"No {pick.lower()} in this selection.", icon=":material/info:")
        return

    st.plotly_chart(
        charts.pareto(shown, "reason_category", "Pareto by reason category"), key="p_reason"
    )
    left, right = st.columns(2)
    with left:
        st.plotly_chart(charts.pareto(shown, "machine_id", "By machine"), key="p_machine")
    with right:
        st.plotly_chart(charts.pareto(shown, "product_id", "By product"), key="p_product")
    st.plotly_chart(
        charts.heatmap(
            shown, "reason_category", "machine_id", "quantity", "Reason × machine", "Reds"
        ),
        key="heat",
    )
    by_reason = (
        shown.groupby(["reason_category", "disposition"])["quantity"]
        .sum()
        .reset_index()
        .sort_values("quantity", ascending=False)
    )
    by_reason["share"] = by_reason["quantity"] / by_reason["quantity"].sum()
    by_reason["cumulative_share"] = by_reason["share"].cumsum()
    ui.table(by_reason, "defects_by_reason")
    ui.table(
        shown.sort_values("quantity", ascending=False),
        "defects_by_reason_machine_product",
        caption="Reason × disposition × machine × product",
    )


render()
