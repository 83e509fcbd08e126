"""Streamlit glue shared by every page: cached queries, the sidebar controls, tables with their
CSV and Excel downloads."""

from __future__ import annotations

import html
import numbers
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import data, display
from dashboard.data import Filters, ServingUnavailable
from reporting import workbook

DEFAULT_DAYS = 7
SPEEDS = {"0.5×": 4.0, "1×": 2.0, "2×": 1.0, "4×": 0.5}  # seconds per replayed day


# ----------------------------------------------------------------------------- queries


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(stamp: tuple, sql: str, params: dict) -> pd.DataFrame:
    return data.query(Path(stamp[0]), sql, params)


def q(sql: str, params: dict | None = None) -> pd.DataFrame:
    """Query the current publication (cache keyed on the file's identity, so a new publication
    is read on the next rerun)."""
    path = data.serving_path()
    return _cached_query(data.publication_stamp(path), sql, params or {})


def plant_timezone() -> str:
    """The plant's time zone as published (gold.dim_plant, from the plant file)."""
    return str(q(data.SQL_PLANT)["timezone"].iloc[0])


def catalogue() -> dict[str, set[str]]:
    """{"schema.table": {columns}} for gold, audit and meta in the current publication."""
    df = q(data.SQL_TABLES)
    out: dict[str, set[str]] = {}
    for r in df.itertuples(index=False):
        out.setdefault(f"{r.table_schema}.{r.table_name}", set()).add(r.column_name)
    return out


def has_table(name: str) -> bool:
    return name in catalogue()


# ----------------------------------------------------------------------------- messages


def no_data(what: str, filters: Filters | None = None) -> None:
    scope = ""
    if filters is not None:
        scope = f" for {period_label(filters)}"
        if filters.machines:
            scope += f", machines {', '.join(filters.machines)}"
        if filters.shifts:
            scope += f", shifts {', '.join(filters.shifts)}"
    st.info(
        f"No {what}{scope}. Widen the date range or the filters in the sidebar.",
        icon=":material/info:",
    )


def period_label(f: Filters) -> str:
    if f.start == f.end:
        return f.start.strftime("%a %d %b %Y")
    return f"{f.start:%d %b} – {f.end:%d %b %Y} ({f.days} days)"


# ----------------------------------------------------------------------------- tables


def table(
    df: pd.DataFrame,
    name: str,
    *,
    caption: str | None = None,
    column_config: dict | None = None,
    **kwargs,
) -> None:
    """Show a table in the house formats (dashboard/display.py: readable headers, plain dates,
    percentages, separators) with CSV and Excel downloads of its rows: the same dates, but the
    column names and unscaled ratios a spreadsheet or script reads."""
    if caption:
        st.caption(caption)
    st.dataframe(
        display.display_frame(df),
        hide_index=True,
        column_config=display.column_config(df, column_config),
        **kwargs,
    )
    downloads(df, name)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def downloads(df: pd.DataFrame, name: str) -> None:
    """A CSV and an Excel (.xlsx) download of `df`, side by side. The workbook is the report's
    (reporting.workbook: typed cells, units in the headers) and is only built when clicked."""
    rows = display.plain_dates(df)
    with st.container(horizontal=True):
        st.download_button(
            f":material/download: CSV: {name}",
            rows.to_csv(index=False).encode("utf-8"),
            file_name=f"shopfloor_{name}.csv",
            mime="text/csv",
            key=f"csv_{name}",
            on_click="ignore",
        )
        st.download_button(
            f":material/table_view: Excel: {name}",
            lambda: workbook.workbook_bytes({name[:31]: rows}),  # Excel's sheet-name limit
            file_name=f"shopfloor_{name}.xlsx",
            mime=XLSX_MIME,
            key=f"xlsx_{name}",
            on_click="ignore",
        )


def chart_data(df: pd.DataFrame, name: str) -> None:
    """The data behind a chart, as a collapsed table with its CSV download."""
    with st.expander(f"Data: {name.replace('_', ' ')}"):
        table(df, name)


# ----------------------------------------------------------------------------- publication


def publication() -> dict | None:
    """The latest meta.publication row, or None when the serving copy has no such table."""
    if not has_table("meta.publication"):
        return None
    df = q("select * from meta.publication")
    if df.empty:
        return None
    if "published_at" in df.columns:
        df = df.sort_values("published_at")
    return df.iloc[-1].to_dict()


def publication_record(pub: dict) -> dict[str, str]:
    """The publication row as text for a table; its list of production dates reads as span and
    count, since a printed array of 365 timestamps says nothing at a glance."""
    out = {}
    for key, value in pub.items():
        if isinstance(value, pd.Timestamp) and value.tz is None and value == value.normalize():
            out[key] = str(value.date())  # a date column: pandas gives it a midnight time
        elif isinstance(value, pd.Timestamp) and value.tz is not None:
            out[key] = f"{value.tz_convert('UTC'):%Y-%m-%d %H:%M:%S} UTC"
        elif isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
            out[key] = str(value) if pd.isna(value) else f"{value:,}"
        elif isinstance(value, str) or not hasattr(value, "__len__"):
            out[key] = str(value)
        else:
            days = sorted(pd.Timestamp(v).date() for v in value)
            out[key] = f"{days[0]} .. {days[-1]} ({len(days)} dates)" if days else "none"
    return out


def published_at(pub: dict | None) -> datetime | None:
    if not pub or pub.get("published_at") is None:
        return None
    ts = pd.Timestamp(pub["published_at"])
    if pd.isna(ts):
        return None
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.to_pydatetime()


def age_text(ts: datetime | None, now: datetime | None = None) -> str:
    if ts is None:
        return "unknown"
    now = now or datetime.now(UTC)
    s = max(0, int((now - ts).total_seconds()))
    if s < 90:
        return f"{s} s ago"
    if s < 5400:
        return f"{s // 60} min ago"
    if s < 172800:
        return f"{s / 3600:.1f} h ago"
    return f"{s // 86400} days ago"


def status_of(pub: dict | None) -> str | None:
    if not pub:
        return None
    for key in ("validation_status", "status", "validation"):
        if pub.get(key) is not None:
            return str(pub[key])
    return None


# ----------------------------------------------------------------------------- sidebar


def _state_default(key: str, value) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def sidebar() -> Filters | None:
    """Render the shared controls; returns the filters, or None (message shown) without data."""
    try:
        cat = catalogue()
    except ServingUnavailable as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    if "gold.kpi_machine_shift" not in cat or "gold.dim_machine" not in cat:
        st.error(
            f"The serving copy {data.serving_path()} has no gold KPI tables. "
            "Publish a built warehouse first.",
            icon=":material/error:",
        )
        return None
    if not q(data.SQL_HAS_KPI_SELECTION)["present"].iloc[0]:
        st.error(
            f"The serving copy {data.serving_path()} predates gold.kpi_selection or "
            "gold.product_selection, the KPI functions this dashboard reads. Run the pipeline "
            "to publish again.",
            icon=":material/error:",
        )
        return None
    dates = [d.date() if hasattr(d, "date") else d for d in q(data.SQL_DATES)["production_date"]]
    machines = q(data.SQL_MACHINES)
    sb = st.sidebar
    _publication_badge(sb)
    if not dates:
        st.warning("The serving copy holds no production dates yet.", icon=":material/warning:")
        return None

    first, last = dates[0], dates[-1]
    _state_default("dates", (max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last))
    picked = sb.date_input(
        "Production dates", min_value=first, max_value=last, key="dates", format="YYYY-MM-DD"
    )
    if isinstance(picked, date):
        picked = (picked,)
    start = picked[0] if picked else last
    end = picked[1] if len(picked) > 1 else start
    start, end = min(start, end), max(start, end)

    shift_codes = q(data.SQL_SHIFT_CODES)["shift_code"].tolist()
    shifts = sb.multiselect("Shifts", shift_codes, key="shifts", placeholder="All shifts")
    lines = sorted(machines["line_id"].dropna().unique().tolist())
    picked_lines = sb.multiselect("Lines", lines, key="lines", placeholder="All lines")
    options = machines
    if picked_lines:
        options = machines[machines["line_id"].isin(picked_lines)]
    picked_machines = sb.multiselect(
        "Machines", options["machine_id"].tolist(), key="machines", placeholder="All machines"
    )
    chosen = tuple(picked_machines) or tuple(options["machine_id"].tolist())

    f = Filters(
        start=start,
        end=end,
        shifts=tuple(shifts),
        machines=chosen,
        lines=tuple(picked_lines),
    )
    return _replay(sb, f, [d for d in dates if start <= d <= end])


def _publication_badge(sb) -> None:
    pub = publication()
    sb.markdown("### :material/factory: Shopfloor")
    if pub is None:
        sb.caption(f"Serving copy: `{data.serving_path().name}` · no publication record")
        return
    status = status_of(pub) or "unknown"
    icon = {"passed": ":green[:material/check_circle:]", "pass": ":green[:material/check_circle:]"}
    icon |= {"failed": ":red[:material/cancel:]", "fail": ":red[:material/cancel:]"}
    icon = icon.get(status.lower(), ":material/help:")
    sb.caption(f"Published {age_text(published_at(pub))} · validation {icon} {html.escape(status)}")


def _replay(sb, f: Filters, days: list[date]) -> Filters:
    """Day-by-day replay: the pages show one day at a time, trends grow up to that day."""
    box = sb.expander(
        ":material/slideshow: Day-by-day replay", expanded=bool(st.session_state.get("replay_on"))
    )
    on = box.toggle("Replay the selected range", key="replay_on")
    if not on or len(days) < 1:
        st.session_state["replay_playing"] = False
        return f
    n = len(days)
    nxt = st.session_state.pop("replay_next", None)
    if nxt is not None:
        st.session_state["replay_pos"] = nxt
    if st.session_state.get("replay_pos", 1) > n:
        st.session_state["replay_pos"] = n
    playing = bool(st.session_state.get("replay_playing"))
    if playing and st.session_state.get("replay_pos", 1) >= n:
        # the last day is shown: the replay has ended, so the button offers Play again
        playing = st.session_state["replay_playing"] = False
    c1, c2 = box.columns(2)
    if c1.button(
        ":material/pause: Pause" if playing else ":material/play_arrow: Play",
        key="replay_toggle",
        width="stretch",
    ):
        playing = not playing
        if playing and st.session_state.get("replay_pos", 1) >= n:
            st.session_state["replay_next"] = 1
        st.session_state["replay_playing"] = playing
        st.rerun()
    if c2.button(":material/replay: Restart", key="replay_restart", width="stretch"):
        st.session_state["replay_next"] = 1
        st.rerun()
    speed = box.select_slider("Speed", options=list(SPEEDS), value="1×", key="replay_speed")
    pos = box.slider("Day", 1, max(n, 2), key="replay_pos", disabled=n < 2)
    pos = min(max(pos, 1), n)
    day = days[pos - 1]
    box.progress(pos / n, text=f"Day {pos} of {n}: {day:%a %d %b}")
    if playing and pos < n:

        def tick() -> None:
            # The first call happens inside the full run: only timer reruns advance.
            if st.session_state.pop("replay_full_run", False):
                return
            st.session_state["replay_next"] = pos + 1
            st.rerun(scope="app")

        st.session_state["replay_full_run"] = True
        st.fragment(run_every=SPEEDS[speed])(tick)()
    return Filters(
        start=day,
        end=day,
        shifts=f.shifts,
        machines=f.machines,
        lines=f.lines,
        history_start=f.start,
    )


def current_filters() -> Filters | None:
    return st.session_state.get("_filters")


def provisional_caption(f: Filters) -> None:
    """Name the selection's dates that are still provisional (their numbers may change)."""
    provisional = data.provisional_note(q(data.SQL_PROVISIONAL_DATES, f.params()))
    if provisional:
        st.caption(f":orange-badge[provisional] {provisional}")


def page_header(title: str, f: Filters, subtitle: str = "") -> None:
    st.title(title)
    bits = [period_label(f)]
    if f.lines:
        bits.append("lines " + ", ".join(f.lines))
    if f.shifts:
        bits.append("shifts " + ", ".join(f.shifts))
    if f.history_start and f.history_start != f.start:
        bits.append("replay")
    st.caption(" · ".join(bits) + (f" — {subtitle}" if subtitle else ""))
