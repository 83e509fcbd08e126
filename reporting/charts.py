"""The report's charts as PNG bytes, drawn with matplotlib's Agg backend.

Why matplotlib with Agg: it draws to memory without a display, a browser or a kaleido/Chrome
binary (plotly's static export needs one, which a cron job or a CI machine may not have), and it
ships the DejaVu fonts the PDF embeds too. Every chart takes plain frames and returns PNG bytes,
so the PDF module never touches matplotlib.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # before pyplot: never a GUI backend, also under a desktop session

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter, PercentFormatter

DPI = 120  # sharp at A4 print size, a third cheaper to draw and embed than 150
WIDTH_IN = 7.2  # the PDF's text width (180 mm) in inches
STATE_COLOURS = {
    "RUNNING": "#16a34a",
    "IDLE": "#f59e0b",
    "SETUP": "#2563eb",
    "DOWN": "#dc2626",
    "PLANNED_STOP": "#9ca3af",
}
SHIFT_COLOURS = ("#2563eb", "#f59e0b", "#7c3aed", "#059669", "#db2777")
TARGET_COLOUR = "#111827"
LOSS_COLOUR = "#dc2626"
GOOD_COLOUR = "#16a34a"
NEUTRAL_COLOUR = "#64748b"


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _figure(height_in: float):
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height_in))
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return fig, ax


def oee_by_machine_and_shift(
    machine_shift: pd.DataFrame,
    machines: Sequence[str],
    shifts: Sequence[str],
    targets: dict[str, float],
) -> bytes:
    """Grouped bars: OEE of each machine in each shift, the machine's OEE target as a line."""
    fig, ax = _figure(2.2)
    width = 0.8 / max(len(shifts), 1)
    for i, shift in enumerate(shifts):
        rows = machine_shift[machine_shift["shift_code"] == shift].set_index("machine_id")
        values = [rows["oee"].get(m) for m in machines]
        xs = [m + (i - (len(shifts) - 1) / 2) * width for m in range(len(machines))]
        ax.bar(
            xs,
            [v if pd.notna(v) else 0 for v in values],
            width * 0.95,
            label=shift,
            color=SHIFT_COLOURS[i % len(SHIFT_COLOURS)],
        )
    for m, machine in enumerate(machines):
        if machine in targets:
            ax.hlines(
                targets[machine],
                m - 0.45,
                m + 0.45,
                colors=TARGET_COLOUR,
                linewidth=1.5,
                linestyles="--",
                label="target" if m == 0 else None,
            )
    ax.set_xticks(range(len(machines)), machines)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("OEE", fontsize=8)
    ax.legend(
        fontsize=7,
        ncols=len(shifts) + 1,
        loc="upper center",
        bbox_to_anchor=(0.5, 1.18),
        frameon=False,
    )
    return _png(fig)


def production_by_shift(by_shift: pd.DataFrame) -> bytes:
    """Stacked bars per shift: good, rework and scrap units (finished goods)."""
    fig, ax = _figure(2.2)
    labels = list(by_shift["shift"])
    bottom = [0.0] * len(labels)
    for column, colour, name in (
        ("good_qty", GOOD_COLOUR, "good"),
        ("rework_qty", "#f59e0b", "rework"),
        ("scrap_qty", LOSS_COLOUR, "scrap"),
    ):
        values = [float(v) for v in by_shift[column]]
        ax.bar(labels, values, 0.55, bottom=bottom, color=colour, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in enumerate(bottom):
        ax.annotate(f"{total:,.0f}", (x, total), ha="center", va="bottom", fontsize=7)
    ax.set_ylabel("units", fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(fontsize=7, frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.18))
    return _png(fig)


def loss_waterfall(
    start_label: str,
    start_s: float,
    losses: Sequence[tuple[str, float]],
    end_label: str,
    end_s: float,
) -> bytes:
    """Planned busy time, each loss stepping down, fully productive time; in hours."""
    fig, ax = _figure(2.8)
    labels = [start_label, *(name for name, _ in losses), end_label]
    level = start_s / 3600
    ax.bar(0, level, 0.6, color=NEUTRAL_COLOUR)
    ax.annotate(f"{level:,.1f} h", (0, level), ha="center", va="bottom", fontsize=7)
    for i, (_, seconds) in enumerate(losses, start=1):
        hours = seconds / 3600
        ax.bar(i, hours, 0.6, bottom=level - hours, color=LOSS_COLOUR)
        ax.annotate(f"−{hours:,.1f}", (i, level), ha="center", va="bottom", fontsize=7)
        level -= hours
    end = end_s / 3600
    ax.bar(len(labels) - 1, end, 0.6, color=GOOD_COLOUR)
    ax.annotate(f"{end:,.1f} h", (len(labels) - 1, end), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_ylabel("hours", fontsize=8)
    return _png(fig)


def pareto(labels: Sequence[str], values: Sequence[float], value_label: str, total: float) -> bytes:
    """Bars in descending order with the cumulative share of `total` as a line (a Pareto chart
    of the top causes: the line ends below 100 % when causes are left out)."""
    fig, ax = _figure(2.6)
    total = float(total) or 1.0
    xs = range(len(labels))
    ax.bar(xs, values, 0.6, color=NEUTRAL_COLOUR)
    ax.set_xticks(
        xs, [_short(label) for label in labels], rotation=30, ha="right", rotation_mode="anchor"
    )
    ax.set_ylabel(value_label, fontsize=8)
    share = ax.twinx()
    running, cumulative = 0.0, []
    for v in values:
        running += float(v)
        cumulative.append(running / total)
    share.plot(xs, cumulative, color=LOSS_COLOUR, marker="o", markersize=3, linewidth=1.2)
    share.set_ylim(0, 1.05)
    share.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    share.tick_params(labelsize=8)
    share.spines[["top"]].set_visible(False)
    return _png(fig)


def state_timeline(states: pd.DataFrame, machines: Sequence[str], start, end) -> bytes:
    """One row per machine: its states over the shift (local wall-clock time)."""
    fig, ax = _figure(0.45 * len(machines) + 0.9)
    for row, machine in enumerate(machines):
        mine = states[states["machine_id"] == machine]
        for state, group in mine.groupby("state"):
            starts, ends = mdates.date2num(group["start"]), mdates.date2num(group["end"])
            spans = [(s, e - s) for s, e in zip(starts, ends, strict=True)]
            ax.broken_barh(spans, (row - 0.35, 0.7), color=STATE_COLOURS.get(state, "#000"))
    ax.set_yticks(range(len(machines)), machines)
    ax.invert_yaxis()
    ax.set_xlim(mdates.date2num(start), mdates.date2num(end))
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in STATE_COLOURS.values()]
    ax.legend(
        handles,
        list(STATE_COLOURS),
        fontsize=7,
        ncols=len(STATE_COLOURS),
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0 + 0.5 / (len(machines) + 2)),
    )
    return _png(fig)


def _short(label: str, width: int = 24) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
