"""Losses: where the OEE went. The loss waterfall of a plant, line or machine, the downtime Pareto
and the shift comparison of one machine (with its crew), all over the sidebar's selection."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import charts, data, kpi, targets, ui

PLANNED = ("planned_busy_time_s", "Planned busy time")
PRODUCTIVE = ("fully_productive_time_s", "Fully productive time")
SCOPES = ("Plant", "Line", "Machine")


@dataclass(frozen=True)
class Scope:
    """What the waterfall and the Pareto cover: a label, the selected machines in it, the loss
    tree grain to sum, and the line whose line_day rows hold it (else None)."""

    label: str
    machines: tuple[str, ...]
    grain: str
    line: str | None = None
    machine: str | None = None

    def params(self, f: data.Filters) -> dict:
        return f.params(grain=self.grain, line=self.line, machines=list(self.machines))


def pick_scope(f: data.Filters) -> Scope:
    """The plant, a line or a machine of the sidebar's selection. Its own grain's rows are
    summed when they hold just the selected machines; otherwise machine × day rows (some of its
    machines picked) or machine × shift rows (some shifts picked)."""
    fleet = ui.q(data.SQL_MACHINES)
    chosen = fleet[fleet["machine_id"].isin(f.machines)]
    lines = sorted(chosen["line_id"].dropna().unique().tolist())
    left, right = st.columns([1, 2])
    kind = left.segmented_control("Scope", SCOPES, default="Plant", key="loss_scope") or "Plant"
    if kind == "Line" and lines:
        line = right.selectbox("Line", lines, key="loss_line")
        members = fleet[fleet["line_id"] == line]["machine_id"].tolist()
        label, grain, machine = f"line {line}", "line_day", None
    elif kind == "Machine":
        machine = right.selectbox("Machine", list(f.machines), key="loss_machine")
        members, line = [machine], None
        label, grain = f"machine {machine}", "machine_day"
    else:
        members, line, machine = fleet["machine_id"].tolist(), None, None
        label, grain = "the plant", "plant_day"
    picked = tuple(m for m in members if m in f.machines)
    if len(picked) < len(members):
        label += f" (machines {', '.join(picked)})"
        grain, line = "machine_day", None
    if f.shifts:
        grain, line = "machine_shift", None
    return Scope(label, picked, grain, line, machine)


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
    cols = st.columns(6)
    cols[0].metric("Planned busy time", kpi.fmt_num(groups["planned"], 1, "h"), border=True)
    kinds = ("availability", "performance", "quality", "unrecorded")
    for slot, group in zip(cols[1:5], kinds, strict=True):
        share = groups[group] / groups["planned"]
        slot.metric(
            f"{group.title()} {'time' if group == 'unrecorded' else 'losses'}",
            kpi.fmt_num(groups[group], 1, "h"),
            f"{kpi.fmt_pct(share)} of planned",
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    cols[5].metric(
        "Fully productive time",
        kpi.fmt_num(groups["result"], 1, "h"),
        f"{kpi.fmt_pct(groups['result'] / groups['planned'])} = OEE",
        delta_color="off",
        delta_arrow="off",
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


def cause_label(code: str, text: str | None) -> str:
    """A bar's name: the code with its text ("E130 Ore feeder jam"), once when either holds
    the other ("changeover to <product>", "operator check")."""
    if not isinstance(text, str) or code in text:
        return text if isinstance(text, str) else code
    return f"{code} {text}"


def pareto_rows(causes: pd.DataFrame) -> pd.DataFrame:
    """The Pareto's bars, largest loss first, with each cause's share of the total loss time and
    the cumulative share up to it."""
    out = causes.sort_values("loss_time_s", ascending=False, kind="stable").reset_index(drop=True)
    total = float(out["loss_time_s"].sum())
    pairs = zip(out["cause_code"], out["cause_text"], strict=True)
    out["cause"] = [cause_label(code, text) for code, text in pairs]
    out["loss_time_h"] = out["loss_time_s"].astype(float) / 3600
    out["share"] = out["loss_time_s"].astype(float) / total if total else None
    out["cumulative_share"] = out["loss_time_s"].astype(float).cumsum() / total if total else None
    out["mtbf_h"] = out["mtbf_s"].astype(float) / 3600
    out["mttr_min"] = out["mttr_s"].astype(float) / 60
    columns = ["loss_category", "cause_code", "cause_text", "cause", "event_count"]
    columns += ["loss_time_s", "loss_time_h", "share", "cumulative_share", "mtbf_h", "mttr_min"]
    return out[columns]


def downtime_pareto(f: data.Filters, scope: Scope) -> None:
    st.subheader("Downtime Pareto")
    if not ui.has_table("gold.kpi_downtime_pareto"):
        st.info(
            "This publication has no downtime Pareto (gold.kpi_downtime_pareto): run the "
            "pipeline to publish again.",
            icon=":material/info:",
        )
        return
    causes = ui.q(data.SQL_DOWNTIME_PARETO, scope.params(f))
    if causes.empty:
        ui.no_data(f"breakdowns, small stops or setups for {scope.label}", f)
        return
    rows = pareto_rows(causes)
    title = f"Loss time per cause, largest first: {scope.label}"
    st.plotly_chart(charts.downtime_pareto(rows, title), key="downtime_pareto")
    st.caption(
        "Breakdowns by fault code, small stops by cause, setups: events and time lost over the "
        "selection (gold.downtime_selection). MTTR = loss time / events; MTBF = running time "
        "of the selected machine-shifts / events."
    )
    ui.table(
        rows.drop(columns=["cause"]),
        "downtime_pareto",
        column_config={
            "loss_time_s": st.column_config.NumberColumn(format="%,.0f"),
            "loss_time_h": st.column_config.NumberColumn(format="%,.2f"),
            "mtbf_h": st.column_config.NumberColumn(format="%,.1f"),
            "mttr_min": st.column_config.NumberColumn(format="%,.1f"),
        },
    )


def shift_comparison(f: data.Filters, scope: Scope) -> None:
    """One machine's shifts side by side: OEE and A/P/Q against target, losses, and crew."""
    st.subheader("Shift comparison")
    default = f.machines.index(scope.machine) if scope.machine in f.machines else 0
    machine = st.selectbox("Machine", list(f.machines), index=default, key="shift_machine")
    codes = ui.q(data.SQL_SHIFT_CODES)["shift_code"].tolist()
    if f.shifts:
        codes = [c for c in codes if c in f.shifts]
    rows = []
    for code in codes:
        k = kpi.Kpis.of(ui.q(data.SQL_PERIOD_KPIS, f.params(shifts=[code], machines=[machine])))
        rows.append({"shift_code": code} | {c: getattr(k, c) for c in KPI_COLUMNS})
    shifts = pd.DataFrame(rows, columns=["shift_code", *KPI_COLUMNS])
    if shifts[["oee", "produced_qty"]].isna().all().all():
        ui.no_data(f"production data for {machine}", f)
        return
    goal = targets.of("machine", machine)
    title = f"OEE and its factors per shift: {machine}"
    st.plotly_chart(
        charts.shift_factors(shifts, goal.factors() if goal else None, title), key="shift_factors"
    )
    losses = shift_losses(f, machine, codes)
    if losses is not None:
        labels = {col: label for col, label, _ in data.LOSSES}
        st.plotly_chart(
            charts.shift_losses(losses, labels, f"Losses per shift: {machine}"),
            key="shift_losses",
        )
        hours = losses[[c for c, _, _ in data.LOSSES]].astype(float) / 3600
        hours.columns = [c.removesuffix("_s") + "_h" for c in hours.columns]
        shifts = pd.concat([shifts, hours], axis=1)
    crew = ui.q(data.SQL_CREW, f.params(machine=machine))
    named = crew.assign(who=crew["operator_name"] + " (" + crew["days"].astype(str) + " d)")
    shifts["crew"] = shifts["shift_code"].map(named.groupby("shift_code")["who"].agg(", ".join))
    shifts["crew"] = shifts["crew"].fillna("no operator signed in")
    first = ["shift_code", "crew"]
    shifts = shifts[first + [c for c in shifts.columns if c not in first]]
    ui.table(shifts, f"shift_comparison_{machine}", caption=CREW_CAPTION)


KPI_COLUMNS = ("oee", "availability", "performance", "quality", "produced_qty", "good_qty")
KPI_COLUMNS += ("failure_count",)
CREW_CAPTION = (
    "Per shift of the plant's shift model: KPIs (gold.kpi_selection), losses in hours "
    "(gold.kpi_loss_tree) and the crew, the operators who signed in on the machine "
    "(gold.kpi_operator_daily; days on that shift in the period)."
)


def shift_losses(f: data.Filters, machine: str, codes: list[str]) -> pd.DataFrame | None:
    """The machine's loss tree per shift, in the shift model's order (None without the mart)."""
    if not ui.has_table("gold.kpi_loss_tree"):
        return None
    losses = ui.q(data.SQL_SHIFT_LOSSES, f.params(machine=machine))
    losses = losses.set_index("shift_code").reindex(codes).fillna(0).reset_index()
    return losses


def render() -> None:
    f = ui.current_filters()
    ui.page_header("Losses", f, "where the OEE went")
    ui.provisional_caption(f)
    if not f.machines:
        ui.no_data("machines match the line / machine filter", f)
        return
    scope = pick_scope(f)
    loss_waterfall(f, scope)
    downtime_pareto(f, scope)
    shift_comparison(f, scope)


render()
