"""Shopfloor managers' dashboard: `shopfloor dashboard` (streamlit run dashboard/app.py).

Reads only the published serving copy `$SHOPFLOOR_HOME/warehouse/serving.duckdb`, read-only.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import ui

# A local image: an emoji or :material/…: icon makes the browser fetch the tab icon from a CDN,
# which a plant network without internet access never reaches.
PAGE_ICON = Path(__file__).with_name("assets") / "favicon.png"

st.set_page_config(page_title="Shopfloor", page_icon=PAGE_ICON, layout="wide")

PAGES = [
    st.Page("views/overview.py", title="Plant overview", icon=":material/factory:", default=True),
    st.Page(
        "views/machines.py",
        title="Machine health",
        icon=":material/precision_manufacturing:",
        url_path="machines",
    ),
    st.Page(
        "views/losses.py", title="Losses", icon=":material/waterfall_chart:", url_path="losses"
    ),
    st.Page("views/flow.py", title="Product flow", icon=":material/account_tree:", url_path="flow"),
    st.Page(
        "views/process.py", title="Process cycles", icon=":material/timer:", url_path="process"
    ),
    st.Page(
        "views/quality.py", title="Quality", icon=":material/search_check:", url_path="quality"
    ),
    st.Page(
        "views/monitoring.py",
        title="Anomalies & health",
        icon=":material/monitor_heart:",
        url_path="anomalies",
    ),
    st.Page(
        "views/data_quality.py",
        title="Data quality & validation",
        icon=":material/check_circle:",
        url_path="dq",
    ),
    st.Page(
        "views/lineage.py",
        title="Reconciliation & lineage",
        icon=":material/link:",
        url_path="lineage",
    ),
]

page = st.navigation(PAGES)
filters = ui.sidebar()
st.session_state["_filters"] = filters
if filters is not None:
    page.run()
