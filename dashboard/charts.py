"""Plotly figures for the dashboard (pure functions of data frames)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.display import PLOTLY_COUNT, PLOTLY_PERCENT, PLOTLY_PERCENT_TICK

STATE_COLOURS = {
    "RUNNING": "#2e9e4f",
    "IDLE": "#f2c94c",
    "SETUP": "#4a90d9",
    "PLANNED_STOP": "#b8bec7",
    "DOWN": "#d64541",
}
MACHINE_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]
FACTOR_COLOURS = {
    "OEE": "#111827",
    "Availability": "#2563eb",
    "Performance": "#d97706",
    "Quality": "#059669",
}
DISPOSITION_COLOURS = {"SCRAP": "#c0392b", "REWORK": "#e6a23c"}


def _layout(fig: go.Figure, height: int = 360, title: str | None = None, **kw) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 78 if title else 36, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
        hovermode="x unified",
        **kw,
    )
    if title:
        fig.update_layout(
            title={"text": title, "y": 0.985, "yanchor": "top", "x": 0, "xanchor": "left"},
            title_font_size=16,
        )
    return fig


DAY_MS = 86_400_000


def date_axis(days: int) -> dict:
    """x-axis settings for a series of `days` production dates: ticks on whole days (never a
    12:00 tick between two dates), one a day up to two weeks, then weekly, then monthly."""
    if days <= 14:
        return {
            "type": "date",
            "dtick": DAY_MS,
            "tickformat": "%a %d %b",
            "hoverformat": "%a %d %b %Y",
        }
    if days <= 98:
        return {
            "type": "date",
            "dtick": 7 * DAY_MS,
            "tickformat": "%d %b",
            "hoverformat": "%a %d %b %Y",
        }
    return {"type": "date", "dtick": "M1", "tickformat": "%b %Y", "hoverformat": "%a %d %b %Y"}


def _dates(series: pd.Series) -> int:
    return max(1, pd.to_datetime(series).nunique())


def ratio_axis(values: Iterable) -> dict:
    """y-axis settings for ratios (0..1): a fixed, sensible range, from the 10 pp step below the
    lowest value up to 100 %, so that ±1 pp stays a small move; ticks on whole percents (labels
    never repeat, e.g. two "97%") and hovers at the house precision."""
    vals = [float(v) for v in values if v is not None and not pd.isna(v)]
    low, high = (min(vals), max(vals)) if vals else (0.0, 1.0)
    bottom = max(0.0, math.floor(round((low - 0.02) * 10, 9)) / 10)
    top = max(1.0, math.ceil(round(high * 20, 9)) / 20)
    span = top - bottom
    dtick = 0.02 if span <= 0.1 else 0.05 if span <= 0.3 else 0.1 if span <= 0.6 else 0.2
    return {
        "range": [bottom, top + span * 0.03],
        "tick0": 0,
        "dtick": dtick,
        "tickformat": PLOTLY_PERCENT_TICK,
        "hoverformat": PLOTLY_PERCENT,
    }


COUNT_AXIS = {"tickformat": PLOTLY_COUNT, "hoverformat": ",.0f", "rangemode": "tozero"}


def sparkline(values: list[float], ratio: bool) -> go.Figure:
    """A KPI card's trend line on a fixed scale (st.metric's own sparkline scales to its data,
    so a ±1 pp wobble would fill the card): ratios on ratio_axis, amounts from 0."""
    fig = go.Figure(
        go.Scatter(
            y=values,
            mode="lines",
            line={"color": "#2563eb", "width": 2},
            hoverinfo="skip",
        )
    )
    if ratio:
        y_range = ratio_axis(values)["range"]
    else:
        y_range = [0, max([v for v in values if v is not None and not pd.isna(v)] + [0]) * 1.1 or 1]
    fig.update_yaxes(visible=False, range=y_range)
    fig.update_xaxes(visible=False)
    fig.update_layout(
        height=48,
        margin={"l": 0, "r": 0, "t": 2, "b": 2},
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def machine_colour(machines: list[str]) -> dict[str, str]:
    return {m: MACHINE_COLOURS[i % len(MACHINE_COLOURS)] for i, m in enumerate(sorted(machines))}


FACTORS = (
    ("OEE", "oee"),
    ("Availability", "availability"),
    ("Performance", "performance"),
    ("Quality", "quality"),
)
TARGET_DASH = "dash"
TARGET_COLOUR = "#e11d48"  # a target tick across a bar: unlike every factor and machine colour


def target_line(fig: go.Figure, value: float, text: str, colour: str, **where) -> None:
    """A target as a dashed horizontal line labelled at its right end (`where`: row / col of a
    subplot)."""
    fig.add_hline(
        y=value,
        line={"color": colour, "dash": TARGET_DASH, "width": 1.5},
        opacity=0.8,
        annotation={"text": text, "font": {"size": 11, "color": colour}},
        annotation_position="top right",
        **where,
    )


SHARED_TARGET_COLOUR = "#6b7280"


def target_lines(fig: go.Figure, targets: Mapping[str, tuple[float, str]], **where) -> None:
    """Targets ({whose: (value, colour)}) as dashed lines, one per value: a value several share
    is one grey line naming them all ("Availability, Performance target"), never labels drawn
    over each other."""
    sharing: dict[float, list[str]] = {}
    for whose, (value, _) in targets.items():
        sharing.setdefault(value, []).append(whose)
    for value, names in sharing.items():
        colour = targets[names[0]][1] if len(names) == 1 else SHARED_TARGET_COLOUR
        target_line(fig, value, f"{', '.join(names)} target", colour, **where)


def _values(targets: Mapping[str, float | None] | None) -> list[float]:
    return [v for v in (targets or {}).values() if v is not None]


def oee_trend(daily: pd.DataFrame, targets: Mapping[str, float | None] | None = None) -> go.Figure:
    """Daily OEE with its three factors (ratios of the day's sums), and their targets (factor →
    fraction) as dashed lines."""
    fig = go.Figure()
    for name, col in FACTORS:
        fig.add_scatter(
            x=daily["production_date"],
            y=daily[col],
            name=name,
            mode="lines+markers",
            line={"color": FACTOR_COLOURS[name], "width": 4 if name == "OEE" else 2},
            opacity=1 if name == "OEE" else 0.75,
        )
    goals = {name: (v, FACTOR_COLOURS[name]) for name, col in FACTORS
             if (v := (targets or {}).get(col)) is not None}  # fmt: skip
    target_lines(fig, goals)
    factors = daily[["oee", "availability", "performance", "quality"]].to_numpy().ravel()
    fig.update_yaxes(title=None, **ratio_axis([*factors, *_values(targets)]))
    fig.update_xaxes(title=None, **date_axis(_dates(daily["production_date"])))
    return _layout(fig, title="OEE and its factors per day")


def units_by_machine(df: pd.DataFrame) -> go.Figure:
    colours = machine_colour(df["machine_id"].unique().tolist())
    fig = go.Figure()
    for m, g in df.groupby("machine_id"):
        fig.add_bar(x=g["production_date"], y=g["good_qty"], name=m, marker_color=colours[m])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(**date_axis(_dates(df["production_date"])))
    fig.update_yaxes(**COUNT_AXIS)
    return _layout(fig, title="Good units per day by machine", height=320)


def factors_by_machine(
    df: pd.DataFrame, targets: Mapping[str, Mapping[str, float | None]] | None = None
) -> go.Figure:
    """Small multiples: OEE, availability, performance, quality per machine over time, with the
    targets (machine → factor → fraction) as dashed lines: one per value, labelled with the
    machines it holds for (grey when shared, else in the machine's colour)."""
    colours = machine_colour(df["machine_id"].unique().tolist())
    panels = FACTORS
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[p[0] for p in panels],
        shared_xaxes=True,
        vertical_spacing=0.12,
        horizontal_spacing=0.06,
    )
    for i, (_, col) in enumerate(panels):
        r, c = divmod(i, 2)
        for m, g in df.groupby("machine_id"):
            fig.add_scatter(
                x=g["production_date"],
                y=g[col],
                name=m,
                legendgroup=m,
                showlegend=i == 0,
                mode="lines+markers",
                line={"color": colours[m], "width": 2},
                row=r + 1,
                col=c + 1,
            )
    targets = targets or {}
    for i, (_, col) in enumerate(panels):
        r, c = divmod(i, 2)
        per_machine = {
            m: t[col] for m, t in targets.items() if m in colours and t.get(col) is not None
        }
        if len(set(per_machine.values())) == 1:  # every machine's: no names needed
            target_line(fig, next(iter(per_machine.values())), "target", SHARED_TARGET_COLOUR,
                        row=r + 1, col=c + 1)  # fmt: skip
        else:
            goals = {m: (v, colours[m]) for m, v in sorted(per_machine.items())}
            target_lines(fig, goals, row=r + 1, col=c + 1)
        fig.update_yaxes(ratio_axis([*df[col], *per_machine.values()]), row=r + 1, col=c + 1)
    fig.update_xaxes(**date_axis(_dates(df["production_date"])))
    fig = _layout(fig, height=540)
    fig.update_layout(margin={"t": 70}, legend={"y": 1.06})
    return fig


def gantt(states: pd.DataFrame) -> go.Figure:
    """Machine state timeline for one day (plant-local time)."""
    fig = go.Figure()
    machines = sorted(states["machine_id"].unique().tolist(), reverse=True)
    for state, colour in STATE_COLOURS.items():
        g = states[states["state"] == state]
        if g.empty:
            continue
        start = pd.to_datetime(g["started_local"])
        dur_ms = (pd.to_datetime(g["ended_local"]) - start).dt.total_seconds() * 1000
        fig.add_bar(
            base=start,
            x=dur_ms,
            y=g["machine_id"],
            orientation="h",
            name=state,
            marker_color=colour,
            customdata=g[["shift_code", "duration_s"]].assign(
                detail=g["detail"].fillna(""),
                s=start.dt.strftime("%H:%M"),
                e=pd.to_datetime(g["ended_local"]).dt.strftime("%H:%M"),
            ),
            hovertemplate=(
                "%{y} " + state + "<br>%{customdata[3]}–%{customdata[4]} "
                "(%{customdata[1]} s, %{customdata[0]})<br>%{customdata[2]}<extra></extra>"
            ),
        )
    fig.update_layout(barmode="overlay", bargap=0.3)
    fig.update_xaxes(type="date", tickformat="%H:%M")
    fig.update_yaxes(categoryorder="array", categoryarray=machines)
    fig = _layout(fig, height=110 + 55 * len(machines), title="Machine states (plant-local time)")
    fig.update_layout(hovermode="closest")
    return fig


SENSORS = (
    ("temperature_c", "Temperature", "°C"),
    ("pressure_bar", "Pressure", "bar"),
    ("power_kw", "Power", "kW"),
    ("vibration_mm_s", "Vibration", "mm/s"),
)


def sensors(df: pd.DataFrame, measures: list[tuple[str, str, str]]) -> go.Figure:
    """Small multiples: one row per measure, one column per machine (own scales), hourly average
    with the min–max band."""
    machines = sorted(df["machine_id"].unique().tolist())
    colours = machine_colour(machines)
    fig = make_subplots(
        rows=len(measures),
        cols=len(machines),
        shared_xaxes=True,
        column_titles=machines,
        row_titles=[f"{label} ({unit})" for _, label, unit in measures],
        vertical_spacing=0.05,
        horizontal_spacing=0.04,
    )
    for i, (col, _label, unit) in enumerate(measures, start=1):
        for j, m in enumerate(machines, start=1):
            g = df[df["machine_id"] == m].dropna(subset=[f"{col}_avg"])
            if g.empty:
                continue
            x = pd.to_datetime(g["hour_start_local"])
            c = colours[m]
            band = "rgba({},{},{},0.15)".format(*(int(c[k : k + 2], 16) for k in (1, 3, 5)))
            for edge, fill in (("max", None), ("min", "tonexty")):
                fig.add_scatter(
                    x=x,
                    y=g[f"{col}_{edge}"],
                    mode="lines",
                    line={"width": 0, "color": band},
                    fill=fill,
                    fillcolor=band,
                    hoverinfo="skip",
                    showlegend=False,
                    row=i,
                    col=j,
                )
            fig.add_scatter(
                x=x,
                y=g[f"{col}_avg"],
                name=m,
                showlegend=False,
                mode="lines",
                line={"color": c, "width": 2},
                hovertemplate="%{x|%H:%M} %{y:.2f} " + unit + "<extra>" + m + "</extra>",
                row=i,
                col=j,
            )
    fig.update_xaxes(tickformat="%H:%M", nticks=5)
    fig.update_annotations(font_size=12)
    fig = _layout(fig, height=170 * len(measures) + 60)
    fig.update_layout(hovermode="closest", margin={"t": 40, "r": 30})
    return fig


# Node colour by product kind (plant file `products.<id>.kind`), never by a plant's product ids.
KIND_COLOURS = {"raw": "#8d6e63", "intermediate": "#1565c0", "finished": "#2e7d32"}


def sankey(flow: pd.DataFrame, names: dict[str, str], kinds: dict[str, str]) -> go.Figure:
    ids = sorted(set(flow["from_product_id"]) | set(flow["to_product_id"]))
    index = {p: i for i, p in enumerate(ids)}
    labels = []
    for p in ids:
        out_q = flow.loc[flow["from_product_id"] == p, "quantity"].sum()
        in_q = flow.loc[flow["to_product_id"] == p, "quantity"].sum()
        labels.append(f"{names.get(p, p)}<br>{max(out_q, in_q):,.0f}")
    node_colours = [KIND_COLOURS.get(kinds.get(p) or "", "#607d8b") for p in ids]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": labels, "pad": 24, "thickness": 22, "color": node_colours},
            link={
                "source": [index[p] for p in flow["from_product_id"]],
                "target": [index[p] for p in flow["to_product_id"]],
                "value": flow["quantity"].tolist(),
                "customdata": flow["unit"].tolist(),
                "hovertemplate": "%{source.label} → %{target.label}<br>"
                "%{value:,.0f} %{customdata}<extra></extra>",
                "color": "rgba(120,144,156,0.35)",
            },
        )
    )
    fig.update_layout(height=430, margin={"l": 10, "r": 10, "t": 30, "b": 10}, font_size=13)
    return fig


def stacked_daily(df: pd.DataFrame, x: str, y: str, colour: str, title: str) -> go.Figure:
    fig = go.Figure()
    for k, g in df.groupby(colour):
        fig.add_bar(x=g[x], y=g[y], name=str(k))
    fig.update_layout(barmode="stack")
    if pd.api.types.is_datetime64_any_dtype(df[x]):
        fig.update_xaxes(**date_axis(_dates(df[x])))
    fig.update_yaxes(**COUNT_AXIS)
    return _layout(fig, title=title, height=340)


def histogram(df: pd.DataFrame, cols: dict[str, str], title: str, unit: str = "s") -> go.Figure:
    fig = go.Figure()
    for col, label in cols.items():
        s = df[col].dropna()
        if s.empty:
            continue
        fig.add_histogram(x=s, name=label, opacity=0.65, nbinsx=40)
    fig.update_layout(barmode="group" if len(cols) > 1 else "overlay")
    fig.update_xaxes(title=unit)
    fig.update_yaxes(title="cycles", **COUNT_AXIS)
    fig = _layout(fig, title=title, height=320)
    fig.update_layout(hovermode="closest")
    return fig


def hbar(df: pd.DataFrame, x: str, y: str, title: str, fmt: str = ",.1f") -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=df[x],
            y=df[y],
            orientation="h",
            text=[format(v, fmt) for v in df[x]],
            textposition="auto",
            marker_color="#2563eb",
        )
    )
    fig.update_yaxes(categoryorder="total ascending")
    fig.update_xaxes(tickformat=PLOTLY_COUNT)
    fig = _layout(fig, title=title, height=max(240, 60 + 34 * len(df)))
    fig.update_layout(hovermode="closest")
    return fig


def pareto(df: pd.DataFrame, cat: str, title: str) -> go.Figure:
    """Bars by category (stacked by disposition), sorted descending, with the cumulative share."""
    totals = df.groupby(cat)["quantity"].sum().sort_values(ascending=False)
    order = totals.index.tolist()
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for disp, g in df.groupby("disposition"):
        g = g.groupby(cat)["quantity"].sum().reindex(order).fillna(0)
        fig.add_bar(
            x=order,
            y=g.values,
            name=disp.title(),
            marker_color=DISPOSITION_COLOURS.get(disp, "#888"),
            secondary_y=False,
        )
    cum = totals.cumsum() / totals.sum()
    fig.add_scatter(
        x=order,
        y=cum.values,
        name="Cumulative %",
        mode="lines+markers",
        line={"color": "#111827"},
        secondary_y=True,
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title="defective units", secondary_y=False, **COUNT_AXIS)
    fig.update_yaxes(
        tickformat=PLOTLY_PERCENT_TICK,
        hoverformat=PLOTLY_PERCENT,
        range=[0, 1.05],
        dtick=0.25,
        secondary_y=True,
        showgrid=False,
    )
    return _layout(fig, title=title, height=360)


def heatmap(df: pd.DataFrame, x: str, y: str, z: str, title: str, colorscale="Blues"):
    """Sums of `z` per `x` × `y`. Dates on x make a date axis with one tick per day (a cell per
    date, never 12:00 / 00:00 ticks); anything else is categories, in the frame's order."""
    pivot = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum", fill_value=0)
    dated = pd.api.types.is_datetime64_any_dtype(df[x])
    fig = go.Figure(
        go.Heatmap(
            z=pivot.values,
            x=list(pivot.columns) if dated else [str(c) for c in pivot.columns],
            y=[str(i) for i in pivot.index],
            colorscale=colorscale,
            texttemplate="%{z:,.0f}",
            hovertemplate="%{y} · %{x}: %{z:,.0f}<extra></extra>",
            colorbar={"tickformat": PLOTLY_COUNT},
            hoverongaps=False,
        )
    )
    if dated:
        fig.update_xaxes(**date_axis(_dates(df[x])))
    else:
        fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    fig = _layout(fig, title=title, height=max(260, 80 + 32 * len(pivot.index)))
    fig.update_layout(hovermode="closest")
    return fig


def validation_status(df: pd.DataFrame) -> go.Figure:
    """Per production date: checks passed (green) and failed (red)."""
    fig = go.Figure()
    fig.add_bar(x=df["production_date"], y=df["passed"], name="passed", marker_color="#2e9e4f")
    fig.add_bar(x=df["production_date"], y=df["failed"], name="failed", marker_color="#d64541")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(**date_axis(_dates(df["production_date"])))
    fig.update_yaxes(**COUNT_AXIS)
    return _layout(fig, title="Validation checks per production date", height=300)


# gold.kpi_downtime_pareto's loss categories (the state timeline's: DOWN, short IDLE, SETUP).
CAUSE_CATEGORY_COLOURS = {"breakdown": "#d64541", "small_stop": "#e6a23c", "setup": "#4a90d9"}


def loss_waterfall(steps: pd.DataFrame, title: str) -> go.Figure:
    """Planned busy time, each loss taken off it, and the fully productive time left (hours):
    the last bar is the running sum, so the chart shows the identity it rests on."""
    last = len(steps) - 1
    measure = ["absolute", *(["relative"] * (last - 1)), "total"]
    signed = [h if i in (0, last) else -h for i, h in enumerate(steps["time_h"])]
    fig = go.Figure(
        go.Waterfall(
            x=steps["step"],
            y=signed,
            measure=measure,
            text=[f"{h:,.1f} h" for h in steps["time_h"]],
            textposition="outside",
            customdata=steps["share"],
            hovertemplate="%{x}: %{text} (%{customdata:.1%} of planned busy time)<extra></extra>",
            connector={"line": {"color": "#9ca3af", "width": 1}},
            decreasing={"marker": {"color": "#d64541"}},
            totals={"marker": {"color": "#2e9e4f"}},
            increasing={"marker": {"color": "#2563eb"}},
        )
    )
    fig.update_yaxes(title="hours", **COUNT_AXIS)
    fig = _layout(fig, title=title, height=420, showlegend=False)
    fig.update_layout(hovermode="closest")
    return fig


def downtime_pareto(causes: pd.DataFrame, title: str) -> go.Figure:
    """Loss time per cause (hours), largest first, coloured by loss category, with the
    cumulative share of the total as a line."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for category, g in causes.groupby("loss_category", sort=False):
        fig.add_bar(
            x=g["cause"],
            y=g["loss_time_h"],
            name=str(category).replace("_", " "),
            marker_color=CAUSE_CATEGORY_COLOURS.get(str(category), "#6b7280"),
            customdata=g[["event_count"]],
            hovertemplate="%{x}: %{y:,.2f} h, %{customdata[0]:,} events<extra></extra>",
            secondary_y=False,
        )
    fig.add_scatter(
        x=causes["cause"],
        y=causes["cumulative_share"],
        name="Cumulative %",
        mode="lines+markers",
        line={"color": "#111827"},
        secondary_y=True,
    )
    fig.update_xaxes(categoryorder="array", categoryarray=causes["cause"].tolist())
    fig.update_yaxes(title="hours lost", secondary_y=False, **COUNT_AXIS)
    fig.update_yaxes(
        tickformat=PLOTLY_PERCENT_TICK,
        hoverformat=PLOTLY_PERCENT,
        range=[0, 1.05],
        dtick=0.25,
        secondary_y=True,
        showgrid=False,
    )
    fig = _layout(fig, title=title, height=400)
    fig.update_layout(hovermode="closest")
    return fig


def shift_factors(
    shifts: pd.DataFrame, targets: Mapping[str, float | None] | None, title: str
) -> go.Figure:
    """OEE and its factors per shift (grouped bars, shifts in the shift model's order), with the
    machine's target of each factor as a tick across its bars."""
    fig = go.Figure()
    first_target = True
    for name, col in FACTORS:
        fig.add_bar(
            x=shifts["shift_code"],
            y=shifts[col],
            name=name,
            offsetgroup=col,
            marker_color=FACTOR_COLOURS[name],
            text=[None if pd.isna(v) else f"{v:.1%}" for v in shifts[col]],
            textposition="inside",
            insidetextanchor="end",
        )
        value = (targets or {}).get(col)
        if value is not None:
            fig.add_scatter(
                x=shifts["shift_code"],
                y=[value] * len(shifts),
                name="Target",
                legendgroup="target",
                showlegend=first_target,
                offsetgroup=col,
                mode="markers",
                marker={
                    "symbol": "line-ew",
                    "size": 44,
                    "line": {"width": 3, "color": TARGET_COLOUR},
                },
                hovertemplate=f"{name} target %{{y:.1%}}<extra></extra>",
            )
            first_target = False
    values = [*shifts[[c for _, c in FACTORS]].to_numpy().ravel(), *_values(targets)]
    fig.update_yaxes(**ratio_axis(values))
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="group", scattermode="group")
    fig = _layout(fig, title=title, height=380)
    fig.update_layout(hovermode="closest")
    return fig


def shift_losses(losses: pd.DataFrame, labels: Mapping[str, str], title: str) -> go.Figure:
    """Each shift's losses (hours) stacked by kind, shifts in the shift model's order."""
    fig = go.Figure()
    palette = ["#d64541", "#4a90d9", "#f2c94c", "#e6a23c", "#8c564b", "#8e44ad", "#c39bd3"]
    palette.append("#9ca3af")
    for (column, label), colour in zip(labels.items(), palette, strict=False):
        fig.add_bar(
            y=losses["shift_code"],
            x=losses[column] / 3600,
            name=label,
            orientation="h",
            marker_color=colour,
            hovertemplate="%{y} " + label + ": %{x:,.2f} h<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=list(reversed(losses["shift_code"].tolist())))  # fmt: skip
    fig.update_xaxes(title="hours", **COUNT_AXIS)
    fig = _layout(fig, title=title, height=140 + 50 * len(losses))
    fig.update_layout(legend={"traceorder": "normal"})
    fig.update_layout(hovermode="closest")
    return fig
