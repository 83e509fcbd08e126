"""Losses: where the OEE went. The loss waterfall of a plant, line or machine, the downtime Pareto
and the shift comparison of one machine (with its crew), all over the sidebar's selection."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import charts, data, kpi, ui

PLANNED = ("planned_busy_time_s", "Planned busy time")
PRODUCTIVE = ("fully_productive_time_s", "Fully productive time")
SCOPES = ("Plant", "Line", "Machine")


@dataclass(frozen=True)
class Scope:
    """What the waterfall and the Pareto cover, and the loss tree grain summed for it."""

    label: str
    grain: str
    line: str | None = None
    machine: str | None = None

    def params(self, f: data.Filters) -> dict:
        return f.params(grain=self.grain, line=self.line, machine=self.machine)


def pick_scope(f: data.Filters) -> Scope:
    """The plant, a line or a machine of the sidebar's selection. Its own grain's rows are
    summed when they hold just the selected machines; otherwise machine × day rows (some
    machines picked) or machine × shift rows (some shifts picked)."""
    fleet = ui.q(data.SQL_MACHINES)
    chosen = fleet[fleet["machine_id"].isin(f.machines)]
    lines = sorted(chosen["line_id"].dropna().unique().tolist())
    left, right = st.columns([1, 2])
    kind = left.segmented_control("Scope", SCOPES, default="Plant", key="loss_scope") or "Plant"
    if kind == "Line" and lines:
        line = right.selectbox("Line", lines, key="loss_line")
        members = fleet[fleet["line_id"] == line]["machine_id"]
        scope = Scope(f"line {line}", "line_day", line=line)
    elif kind == "Machine" and f.machines:
        machine = right.selectbox("Machine", list(f.machines), key="loss_machine")
        members = pd.Series([machine])
        scope = Scope(f"machine {machine}", "machine_day", machine=machine)
    else:
        members = fleet["machine_id"]
        scope = Scope("the plant", "plant_day")
    if f.shifts:
        return Scope(scope.label, "machine_shift", scope.line, scope.machine)
    if not set(members) <= set(f.machines):
        label = f"{scope.label} (machines {', '.join(sorted(set(members) & set(f.machines)))})"
        return Scope(label, "machine_day", scope.line, scope.machine)
    return scope


def waterfall_steps(tree: pd.Series) -> pd.DataFrame:
    """The waterfall's bars from one summed loss-tree row: planned busy time, each loss, fully
    productive time; seconds, hours and share of planned busy time."""
    rows = [(PLANNED[1], PLANNED[0], "planned", tree[PLANNED[0]])]
    rows += [(label, col, group, tree[col]) for col, label, group in data.LOSSES]
    rows.append((PRODUCTIVE[1], PRODUCTIVE[0], "result", tree[PRODUCTIVE[0]]))
    steps = pd.DataFrame(rows, columns=["step", "loss_tree_column", "loss_group", "time_s"])
    steps["time_s"] = steps["time_s"].astype(float)
    steps["time_h"] = steps["time_s"] / 3600
    planned = float(tree[PLANNED[0]])
    steps["share"] = steps["time_s"] / planned if planned else None
    return steps


def loss_waterfall(f: data.Filters, scope: Scope) -> None:
    st.subheader("Loss waterfall")
    if not ui.has_table("gold.kpi_loss_tree"):
        st.info(
            "This publication has no loss tree (gold.kpi_loss_tree): run the pipeline to "
            "publish again.",
            icon=":material/info:",
        )
        return
    tree = ui.q(data.SQL_LOSS_TREE, scope.params(f))
    if tree.empty or not tree["planned_busy_time_s"].iloc[0]:
        ui.no_data(f"planned busy time for {scope.label}", f)
        return
    steps = waterfall_steps(tree.iloc[0])
    groups = steps.groupby("loss_group", sort=False)["time_h"].sum()
    cols = st.columns(5)
    cols[0].metric("Planned busy time", kpi.fmt_num(groups["planned"], 1, "h"), border=True)
    for slot, group in zip(cols[1:4], ("availability", "performance", "quality"), strict=True):
        share = groups[group] / groups["planned"]
        slot.metric(
            f"{group.title()} losses",
            kpi.fmt_num(groups[group], 1, "h"),
            f"{kpi.fmt_pct(share)} of planned",
            delta_color="off",
            border=True,
        )
    cols[4].metric(
        "Fully productive time",
        kpi.fmt_num(groups["result"], 1, "h"),
        f"{kpi.fmt_pct(groups['result'] / groups['planned'])} = OEE",
        delta_color="off",
        border=True,
    )
    title = f"From planned busy time to fully productive time: {scope.label}"
    st.plotly_chart(charts.loss_waterfall(steps, title), key="loss_waterfall")
    st.caption(
        "TPM's six big losses from gold.kpi_loss_tree: availability = breakdowns + setup; "
        "performance = small stops + idle + speed loss; quality = scrap + rework (units × ideal "
        "cycle time); unrecorded = planned busy time no machine state covers. Planned busy time "
        "= fully productive time + every loss, exactly."
    )
    ui.chart_data(steps, "loss_waterfall")


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Losses", f, "where the OEE went")
    if not f.machines:
        ui.no_data("machines match the line / machine filter", f)
        return
    scope = pick_scope(f)
    loss_waterfall(f, scope)


render()
