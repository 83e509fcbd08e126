"""Data quality and validation: what the pipeline found and fixed, what the gate proved."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from dashboard import charts, data, display, sources, ui

DATE_COLUMNS = ("production_date", "date", "partition_date")
PASS_COLUMNS = ("passed", "success", "ok")


def publication_panel() -> None:
    st.subheader("Publication")
    pub = ui.publication()
    if pub is None:
        st.warning(
            "This serving copy has no publication record (meta.publication is missing or empty): "
            "publication time, run and validation status are unknown.",
            icon=":material/warning:",
        )
        return
    ts = ui.published_at(pub)
    c = st.columns(4)
    c[0].metric("Published (UTC)", "unknown" if ts is None else f"{ts:%d %b %H:%M}", border=True)
    c[1].metric("Freshness", ui.age_text(ts, datetime.now(UTC)), border=True)
    c[2].metric("Validation", ui.status_of(pub) or "unknown", border=True)
    c[3].metric("Run", str(pub.get("run_id") or "unknown")[:12], border=True)
    shown = pd.DataFrame([ui.publication_record(pub)])
    ui.table(shown, "publication")


def validation_panel(f: data.Filters) -> None:
    st.subheader("Validation status per production date")
    if not ui.has_table("audit.validation_results"):
        st.warning(
            "No validation results in this serving copy (audit.validation_results is missing): "
            "the numbers shown have not been proven against ground truth here.",
            icon=":material/warning:",
        )
        return
    cols = ui.catalogue()["audit.validation_results"]
    date_col = next((c for c in DATE_COLUMNS if c in cols), None)
    pass_col = next((c for c in PASS_COLUMNS if c in cols), None)
    if date_col is None or pass_col is None:
        st.warning(
            "audit.validation_results has no production-date or pass/fail column; "
            "cannot summarise it per date.",
            icon=":material/warning:",
        )
        return
    counts = validation_query(data.SQL_VALIDATION_COUNTS, f, date_col, pass_col).iloc[0]
    if counts["results"] == 0:
        st.info("audit.validation_results is empty: nothing was validated.", icon=":material/info:")
        return
    per_day = validation_query(data.SQL_VALIDATION_PER_DATE, f, date_col, pass_col)
    per_day["production_date"] = per_day["production_date"].dt.date
    if per_day.empty:
        st.info(
            f"No validation results for {ui.period_label(f)} "
            f"({int(counts['other_dates']):,} results for other dates).",
            icon=":material/info:",
        )
    else:
        failed_days = int((per_day["failed"] > 0).sum())
        if failed_days:
            st.error(
                f"{failed_days} production date(s) failed validation.", icon=":material/cancel:"
            )
        else:
            st.success(
                f"All {len(per_day)} production dates passed "
                f"({int(per_day['checks'].sum()):,} checks).",
                icon=":material/check_circle:",
            )
        st.plotly_chart(charts.validation_status(per_day), key="validation")
        ui.table(per_day, "validation_per_date")
    if counts["undated"]:
        st.caption(f"{int(counts['undated']):,} further results are not tied to a production date.")
    failures = validation_query(data.SQL_VALIDATION_FAILURES, f, date_col, pass_col)
    if not failures.empty:
        shown = display.plain_dates(failures).astype(str)
        ui.table(shown, "validation_failures", caption="Failed checks")


def validation_query(sql: str, f: data.Filters, date_col: str, pass_col: str) -> pd.DataFrame:
    """A SQL_VALIDATION_* query over trend_start .. end; only the latest run per date counts when
    the results name their run and audit.validation_runs says which run is the latest."""
    cols = ui.catalogue()["audit.validation_results"]
    latest = "run_id" in cols and ui.has_table("audit.validation_runs")
    return ui.q(data.validation_sql(sql, date_col, pass_col, latest), f.trend_params())


def data_quality_panel(f: data.Filters) -> None:
    st.subheader("What the pipeline found and fixed")
    summary = ui.q(data.SQL_DQ_SUMMARY, f.params())
    if summary.empty:
        ui.no_data("data-quality records", f)
        return
    daily = ui.q(data.SQL_DQ_DAILY, f.params())
    st.plotly_chart(
        charts.heatmap(
            daily, "production_date", "source_name", "items_found", "Items found per source and day"
        ),
        key="dq_heat",
    )
    by_type = summary.groupby("chaos_type")["items_found"].sum().reset_index()
    st.plotly_chart(
        charts.hbar(by_type, "items_found", "chaos_type", "Items found per chaos type", ",.0f"),
        key="dq_types",
    )
    ui.table(
        summary,
        "data_quality_by_source_and_type",
        caption="Per source and chaos type: items found and what was done about them",
    )


def refused_rows_panel(f: data.Filters) -> None:
    """Every row the pipeline refused in the period, with file, line and reason: what to fix at
    the source (data contract §12)."""
    st.subheader("Rows refused")
    if not ui.has_table("gold.fct_row_rejects"):
        st.info("This serving copy has no gold.fct_row_rejects table.", icon=":material/info:")
        return
    counts = ui.q(data.SQL_REFUSED_COUNTS, f.params())
    if counts.empty:
        st.success(f"No row was refused for {ui.period_label(f)}.", icon=":material/check_circle:")
        return
    total = int(counts["rows_refused"].sum())
    st.warning(
        f"{total:,} row(s) refused for {ui.period_label(f)}: left out of the KPIs, the rest of "
        "their files and dates are in. Rejected at load (stage bronze: a value breaks its rule) "
        "or quarantined (stage silver: a name the plant does not know, a log line no rule "
        "matches).",
        icon=":material/warning:",
    )
    ui.table(counts, "rows_refused_by_source")
    rows = ui.q(data.SQL_REFUSED_ROWS, f.params())
    rows["production_date"] = pd.to_datetime(rows["production_date"]).dt.date
    shown = f"the {len(rows):,} newest" if total > len(rows) else "all"
    caption = f"Refused rows ({shown}): file, line, field, value and reason"
    ui.table(rows, "rows_refused", caption=caption)


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Data quality & validation", f)
    publication_panel()
    validation_panel(f)
    sources.sources_panel()
    refused_rows_panel(f)
    data_quality_panel(f)


render()
