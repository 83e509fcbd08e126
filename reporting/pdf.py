"""The daily report as a PDF, laid out with fpdf2 from a ReportData (reporting/serving.py).

Why fpdf2: pure Python (no Cairo, no browser, no LaTeX on the machine that runs the pipeline),
small, maintained, and it has tables with repeated headings and page breaks. The text is set in
DejaVu Sans, which matplotlib ships (so "×", "−" and "→" print), embedded with its Unicode map so
that the text can be searched and extracted.

A date whose numbers the gate did not pass (reporting/serving.py DateGate.shows_numbers) gets one
page that says so and names the failed checks, never a number of a mart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from reporting import charts
from reporting.losses import LOSSES
from reporting.serving import COMPARISON_DAYS, ReportData

FONT = "DejaVu"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
HEADINGS = FontFace(emphasis="BOLD", fill_color=(229, 231, 235))
BOLD = FontFace(emphasis="BOLD")
BELOW_TARGET = FontFace(emphasis="BOLD", color=(185, 28, 28))  # a ratio under its target
GREEN, AMBER, RED = (220, 252, 231), (254, 243, 199), (254, 226, 226)
TOP_CAUSES = 10
MACHINES_PER_CAUSE = 4  # machines named per cause in the downtime table, the most hit first
NOTE_WIDTH = 0.5  # share of the table width the operator's note takes
SUMMARY_RATIOS = (
    ("OEE", "oee"),
    ("Availability", "availability"),
    ("Performance", "performance"),
    ("Quality", "quality"),
)


class _Document(FPDF):
    """A4 pages with the report's header line and a footer naming the source and the page."""

    def __init__(self, title: str, footer: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report_title, self.report_footer = title, footer
        for style, name in (
            ("", "DejaVuSans.ttf"),
            ("B", "DejaVuSans-Bold.ttf"),
            ("I", "DejaVuSans-Oblique.ttf"),
        ):
            self.add_font(FONT, style, str(FONT_DIR / name))
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(15, 14, 15)
        self.set_title(title)
        self.set_creator("shopfloor report")

    def header(self) -> None:
        self.set_font(FONT, "", 8)
        self.set_text_color(100, 116, 139)
        self.cell(0, 5, self.report_title, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.set_text_color(100, 116, 139)
        self.cell(0, 4, self.report_footer, align="L")
        self.cell(0, 4, f"page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)

    def heading(self, text: str) -> None:
        self.set_font(FONT, "B", 13)
        self.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9)

    def subheading(self, text: str) -> None:
        if self.will_page_break(30):
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", 10)
        self.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9)

    def paragraph(self, text: str, size: float = 9, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, 4.6, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9)

    def banner(self, text: str, colour: tuple[int, int, int]) -> None:
        self.set_fill_color(*colour)
        self.set_font(FONT, "B", 10)
        self.multi_cell(0, 6, text, fill=True, padding=2, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_fill_color(255)
        self.set_font(FONT, "", 9)
        self.ln(2)

    def chart(self, png: bytes) -> None:
        self.image(png, w=self.epw)
        self.ln(1)

    def grid(
        self,
        rows: list[list[str]],
        widths: tuple[float, ...] | None = None,
        align: str = "",
        bold: frozenset[int] = frozenset(),
    ) -> None:
        """A table whose first row is its headings. `align` has one letter per column (L or R;
        default: the first column left, numbers right); the rows numbered in `bold` (1 = the
        first below the headings) are set in bold."""
        self.set_font(FONT, "", 8)
        letters = align or "L" + "R" * (len(rows[0]) - 1)
        aligns = ["LEFT" if letter == "L" else "RIGHT" for letter in letters]
        with self.table(
            col_widths=widths,
            headings_style=HEADINGS,
            line_height=4.6,
            text_align=tuple(aligns),
            padding=(0.6, 1.2),
            cell_fill_mode="ROWS",
            cell_fill_color=(248, 250, 252),
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            for i, values in enumerate(rows):
                row = table.row(style=BOLD if i in bold else None)
                for value in values:
                    text, style = value if isinstance(value, tuple) else (value, None)
                    row.cell(text, style=style)
        self.set_font(FONT, "", 9)
        self.ln(2)


def pdf_bytes(report: ReportData, generated_at: datetime | None = None) -> bytes:
    """The report of one production date as a PDF."""
    generated = (generated_at or datetime.now(UTC)).astimezone(UTC)
    gate = report.gate
    title = (
        f"Shopfloor daily report · {report.plant_name} ({report.plant_id}) · "
        f"production date {report.production_date}"
    )
    published = f"{gate.published_at:%Y-%m-%d %H:%M} UTC" if gate.published_at else "never"
    footer = (
        f"From the serving copy (published {published}); generated {generated:%Y-%m-%d %H:%M} UTC"
    )
    doc = _Document(title, footer)
    if gate.shows_numbers:
        _summary_page(doc, report)
        _machines_page(doc, report)
        _losses_page(doc, report)
        _quality_page(doc, report)
        _status_page(doc, report)
        for shift in report.shifts.itertuples():
            _handover_page(doc, report, shift)
    else:
        _withheld_page(doc, report)
    return bytes(doc.output())


# ------------------------------------------------------------------------------------------
# Pages
# ------------------------------------------------------------------------------------------


def _title(doc: _Document, report: ReportData) -> None:
    doc.add_page()
    doc.set_font(FONT, "B", 18)
    doc.cell(
        0, 10, f"Daily report {report.production_date:%A %d %B %Y}", new_x="LMARGIN", new_y="NEXT"
    )
    gate = report.gate
    colour = (AMBER if gate.provisional else GREEN) if gate.shows_numbers else RED
    doc.banner(f"Status of this date: {gate.headline}", colour)
    doc.paragraph(f"Machines of the plant on this date: {_machine_list(report)}.")
    doc.ln(1)


def _summary_page(doc: _Document, report: ReportData) -> None:
    _title(doc, report)
    plant = report.table("gold.kpi_plant_daily").iloc[0]
    target = _target_row(report, "plant", report.plant_id)
    base = report.baseline.iloc[0] if report.baseline is not None and len(report.baseline) else None
    doc.heading("KPI summary")
    rows = [
        [
            "KPI",
            "This date",
            "Target",
            "vs target",
            f"Previous {COMPARISON_DAYS} days",
            "vs previous",
        ]
    ]
    for label, column in SUMMARY_RATIOS:
        value = plant[column]
        goal = None if target is None else target.get(column)
        before = None if base is None else base[column]
        rows.append(
            [
                label,
                _flagged(_pct(value), value, goal),
                _pct(goal),
                _pp(value, goal),
                _pct(before),
                _pp(value, before),
            ]
        )
    finished = _finished(report)
    days = len(report.baseline_dates) if base is not None else 0
    for label, value, before in (
        ("Units produced (finished goods)", finished["produced_qty"].sum(), None),
        ("Good units (finished goods)", finished["good_qty"].sum(), None),
        ("Scrap units (all stages)", plant["scrap_qty"], _per_day(base, "scrap_qty", days)),
        ("Rework units (all stages)", plant["rework_qty"], _per_day(base, "rework_qty", days)),
        ("Failures", plant["failure_count"], _per_day(base, "failure_count", days)),
        ("Small stops", plant["small_stop_count"], _per_day(base, "small_stop_count", days)),
        ("Downtime (h:mm)", plant["down_time_s"], _per_day(base, "down_time_s", days)),
        ("Energy (kWh)", plant["energy_kwh"], _per_day(base, "energy_kwh", days)),
    ):
        as_time = label.startswith("Downtime")
        text = _hmm if as_time else _count
        change = "" if before is None else _signed(value - before, as_time)
        rows.append([label, text(value), "", "", "" if before is None else text(before), change])
    doc.grid(rows, widths=(34, 16, 14, 14, 18, 16))
    doc.paragraph(_summary_notes(report, days), size=7.5, style="I")
    doc.subheading("Production by shift (finished goods)")
    by_shift = _production_by_shift(report)
    if by_shift.empty:
        doc.paragraph("No finished goods were produced on this date.")
        return
    doc.chart(charts.production_by_shift(by_shift))
    rows = [["Shift", "Produced", "Good", "Rework", "Scrap", "First pass yield"]]
    for r in by_shift.itertuples():
        fpy = r.good_qty / r.produced_qty if r.produced_qty else None
        rows.append(
            [
                r.shift,
                _count(r.produced_qty),
                _count(r.good_qty),
                _count(r.rework_qty),
                _count(r.scrap_qty),
                _pct(fpy),
            ]
        )
    doc.grid(rows)


def _summary_notes(report: ReportData, days: int) -> str:
    products = ", ".join(report.finished_products) or "none"
    notes = [
        f"Units produced count finished goods only (product kind 'finished': {products}); "
        "the other stages' output is in the machine tables."
    ]
    if report.baseline_excluded:
        dates = ", ".join(str(d) for d in report.baseline_excluded)
        notes.append(
            f"No comparison with the previous {COMPARISON_DAYS} days: {dates} did not "
            "pass the gate, and their numbers are not shown."
        )
    elif days:
        first, last = report.baseline_dates[0], report.baseline_dates[-1]
        notes.append(
            f"Previous days: {days} validated date(s) {first} .. {last}; ratios of their "
            "summed times, counts as the average per day; pp = percentage points."
        )
    else:
        notes.append("No earlier date in the serving copy to compare with.")
    if report.table("gold.dim_target").empty:
        notes.append("No targets in this serving copy (gold.dim_target).")
    return " ".join(notes)


def _machines_page(doc: _Document, report: ReportData) -> None:
    doc.add_page()
    doc.heading("OEE, availability, performance and quality by machine and shift")
    machine_shift = report.table("gold.kpi_machine_shift")
    shifts = list(report.shifts["shift_code"])
    targets = {
        machine: row["oee"]
        for machine in report.machines["machine_id"]
        if (row := _target_row(report, "machine", machine)) is not None
    }
    machines = list(report.machines["machine_id"])
    doc.chart(charts.oee_by_machine_and_shift(machine_shift, machines, shifts, targets))
    rows = [
        [
            "Machine",
            "Shift",
            "Avail.",
            "Perf.",
            "Quality",
            "OEE",
            "Target",
            "Produced",
            "Scrap",
            "Failures",
        ]
    ]
    daily = report.table("gold.kpi_machine_daily").set_index("machine_id")
    bold = set()
    for machine in machines:
        mine = machine_shift[machine_shift["machine_id"] == machine]
        for r in mine.itertuples():
            rows.append(_kpi_cells(machine, r.shift_code, r, targets.get(machine)))
        if machine in daily.index:
            rows.append(_kpi_cells(machine, "day", daily.loc[machine], targets.get(machine)))
            bold.add(len(rows) - 1)
    doc.grid(
        rows,
        widths=(28, 14, 16, 16, 16, 15, 15, 18, 14, 16),
        align="LL" + "R" * 8,
        bold=frozenset(bold),
    )
    doc.paragraph(
        "day = the machine's whole date (ratios of the summed shifts); Target = the "
        "machine's OEE target (gold.dim_target); an OEE below it in red.",
        size=7.5,
        style="I",
    )


def _flagged(text: str, value, target) -> str | tuple[str, FontFace]:
    """A ratio's cell, in red when it is below its target as the report shows both (to 0.1 pp:
    a cell in red never reads "+0.0 pp" against its target)."""
    if _missing(value) or _missing(target) or _pp_points(value, target) >= 0:
        return text
    return (text, BELOW_TARGET)


def _kpi_cells(machine: str, shift: str, r, target: float | None) -> list:
    get = r.get if isinstance(r, pd.Series) else lambda c: getattr(r, c)
    return [
        machine,
        shift,
        _pct(get("availability")),
        _pct(get("performance")),
        _pct(get("quality")),
        _flagged(_pct(get("oee")), get("oee"), target),
        _pct(target),
        _count(get("produced_qty")),
        _count(get("scrap_qty")),
        _count(get("failure_count")),
    ]


def _losses_page(doc: _Document, report: ReportData) -> None:
    doc.add_page()
    doc.heading("Where the OEE went: the loss waterfall")
    tree = report.table("gold.kpi_loss_tree")
    if tree.empty:
        doc.paragraph(_absent(report, "gold.kpi_loss_tree", "loss tree"))
    else:
        plant = tree[tree["grain"] == "plant_day"].iloc[0]
        losses = [(label.lower(), float(plant[column])) for column, label, _ in LOSSES]
        doc.chart(
            charts.loss_waterfall(
                "planned busy",
                float(plant["planned_busy_time_s"]),
                losses,
                "fully productive",
                float(plant["fully_productive_time_s"]),
            )
        )
        doc.paragraph(
            "Availability losses: breakdowns and setup; performance: small stops, idle "
            "and speed loss; quality: scrap and rework as time (units × ideal cycle). "
            "Planned busy time = fully productive time + all losses.",
            size=7.5,
            style="I",
        )
        _losses_per_machine(doc, tree, plant, report)
    _downtime_page(doc, report)


def _losses_per_machine(
    doc: _Document, tree: pd.DataFrame, plant: pd.Series, report: ReportData
) -> None:
    """The loss tree of every machine (planned busy time = the losses + fully productive time),
    one row each and the plant's last, on landscape pages:
    eleven columns of times need its width, and a plant of a hundred machines runs onto more
    pages instead of into columns too narrow for a digit."""
    by_machine = tree[tree["grain"] == "machine_day"].set_index("machine_id")
    scopes = [m for m in report.machines["machine_id"] if m in by_machine.index]
    columns = [
        ("planned busy", "planned_busy_time_s"),
        *((label.lower(), column) for column, label, _ in LOSSES),
        ("fully productive", "fully_productive_time_s"),
    ]
    rows = [["machine", *(label for label, _ in columns), "OEE"]]
    for scope, row in [*((m, by_machine.loc[m]) for m in scopes), ("plant", plant)]:
        rows.append([scope, *(_hmm(row[column]) for _, column in columns), _pct(row["oee"])])
    doc.add_page(orientation="L")
    doc.heading("Losses per machine (h:mm)")
    first = 24  # "DISPENSER-10" at 8 pt; the rest share the width ("breakdowns" on one line)
    width = (doc.epw - first) / (len(columns) + 1)
    doc.grid(rows, widths=(first, *(width,) * (len(columns) + 1)), bold=frozenset({len(rows) - 1}))


def _downtime_page(doc: _Document, report: ReportData) -> None:
    doc.add_page()
    doc.heading(f"Top {TOP_CAUSES} downtime causes (breakdowns, small stops, setup)")
    pareto = report.table("gold.kpi_downtime_pareto")
    if pareto.empty:
        doc.paragraph(
            _absent(report, "gold.kpi_downtime_pareto", "downtime")
            or "No breakdown, small stop or setup on this date."
        )
        return
    keys = ["loss_category", "cause_code", "cause_text"]
    causes = (
        pareto.groupby(keys, dropna=False)
        .agg(event_count=("event_count", "sum"), loss_time_s=("loss_time_s", "sum"))
        .join(pareto.groupby(keys, dropna=False)[["machine_id", "loss_time_s"]].apply(_hit_most))
        .reset_index()
        .sort_values(["loss_time_s", "event_count"], ascending=False)
    )
    total = float(causes["loss_time_s"].sum()) / 60
    causes = causes.head(TOP_CAUSES)
    labels = [_cause(r) for r in causes.itertuples()]
    minutes = [float(v) / 60 for v in causes["loss_time_s"]]
    doc.chart(charts.pareto(labels, minutes, "minutes lost", total))
    doc.paragraph(
        f"Bars: the {len(causes)} causes that cost the most time; line: their cumulative share "
        f"of all {total:,.0f} minutes lost to breakdowns, small stops and setup this date.",
        size=7.5,
        style="I",
    )
    rows = [["Cause", "Category", "Events", "Time lost", "Machines"]]
    for label, r in zip(labels, causes.itertuples(), strict=True):
        rows.append(
            [label, r.loss_category, _count(r.event_count), _hmm(r.loss_time_s), r.machines]
        )
    doc.grid(rows, widths=(56, 20, 13, 16, 45), align="LLRRL")


def _hit_most(rows: pd.DataFrame, shown: int = MACHINES_PER_CAUSE) -> pd.Series:
    """The machines a cause cost most time, the first `shown` of them by name and how many more:
    in a plant of a hundred machines a common cause would list them all."""
    lost = rows.groupby("machine_id")["loss_time_s"].sum().sort_values(ascending=False)
    names = ", ".join(lost.index[:shown])
    more = len(lost) - shown
    return pd.Series({"machines": f"{names} + {more} more" if more > 0 else names})


def _cause(r) -> str:
    """A breakdown by fault code and text ("E130 Ore feeder jam"), the others by their text."""
    text = _text(r.cause_text) or _text(r.cause_code) or r.loss_category
    if r.loss_category == "breakdown" and _text(r.cause_code) and r.cause_code not in text:
        return f"{r.cause_code} {text}"
    return text


def _quality_page(doc: _Document, report: ReportData) -> None:
    doc.add_page()
    doc.heading("Quality: defects by reason (all stages)")
    quality = report.table("gold.kpi_quality_daily")
    if quality.empty:
        doc.paragraph("No defective unit on this date.")
        return
    by_reason = (
        quality.pivot_table(
            index="reason_category",
            columns="disposition",
            values="quantity",
            aggfunc="sum",
            fill_value=0,
        )
        .reindex(columns=["SCRAP", "REWORK"], fill_value=0)
        .assign(total=lambda f: f["SCRAP"] + f["REWORK"])
        .sort_values("total", ascending=False)
    )
    totals = list(by_reason["total"])
    doc.chart(charts.pareto(list(by_reason.index), totals, "defective units", sum(totals)))
    total = by_reason["total"].sum()
    rows = [["Reason", "Scrap", "Rework", "Defective", "Share", "Cumulative"]]
    running = 0
    for reason, r in by_reason.iterrows():
        running += r["total"]
        rows.append(
            [
                str(reason),
                _count(r["SCRAP"]),
                _count(r["REWORK"]),
                _count(r["total"]),
                _pct(r["total"] / total),
                _pct(running / total),
            ]
        )
    doc.grid(rows)
    doc.subheading("Defects by machine and product")
    by_machine = (
        quality.groupby(["machine_id", "product_id", "disposition"])["quantity"]
        .sum()
        .unstack(fill_value=0)
        .reindex(columns=["SCRAP", "REWORK"], fill_value=0)
        .reset_index()
    )
    rows = [["Machine", "Product", "Scrap", "Rework"]]
    for r in by_machine.itertuples():
        rows.append([r.machine_id, r.product_id, _count(r.SCRAP), _count(r.REWORK)])
    doc.grid(rows, align="LLRR")


def _status_page(doc: _Document, report: ReportData) -> None:
    doc.add_page()
    gate = report.gate
    doc.heading("Data quality and validation")
    truth = (
        "against the simulator's ground truth"
        if gate.truth_status == "truth"
        else (f"truth status '{gate.truth_status}'")
    )
    doc.paragraph(
        f"Validation gate: {gate.validation}, {gate.metrics_checked:,} checks "
        f"{truth}, {gate.metrics_failed:,} failed; run {gate.run_id}, validated "
        f"{gate.validated_at:%Y-%m-%d %H:%M} UTC."
    )
    doc.paragraph(
        "Date status: "
        + ("provisional: deliveries still due may restate it." if gate.provisional else "final.")
    )
    doc.subheading("What the pipeline found and fixed in the raw data")
    dq = report.table("gold.data_quality_daily")
    if dq.empty:
        doc.paragraph("Nothing: no data-quality finding for this date.")
    else:
        rows = [["Source", "Problem", "Items found", "Action taken"]]
        for r in dq.itertuples():
            rows.append([r.source_name, r.chaos_type, _count(r.items_found), r.action_taken])
        doc.grid(rows, widths=(32, 34, 16, 98), align="LLRL")
    _alarms(doc, report, with_values=True)


def _alarms(doc: _Document, report: ReportData, with_values: bool) -> None:
    doc.subheading("Alarms of the day")
    if "audit.alerts" in report.missing or "audit.alerts" not in report.tables:
        if not with_values:
            doc.paragraph("Not shown while the date has not passed the gate.")
        else:
            doc.paragraph("None recorded (this serving copy has no alarm table, audit.alerts).")
        return
    alerts = report.table("audit.alerts")
    if alerts.empty:
        doc.paragraph("None recorded.")
        return
    rows = [["Raised", "Severity", "Rule", "Machine", "Shift", "Message"]]
    for r in alerts.itertuples():
        rows.append(
            [
                _local(r.raised_at, report.timezone, "%H:%M"),
                r.severity,
                r.rule,
                _text(r.machine_id),
                _text(r.shift_code),
                _text(r.message),
            ]
        )
    doc.grid(rows, widths=(14, 17, 38, 25, 14, 72), align="LLLLLL")


def _handover_page(doc: _Document, report: ReportData, shift) -> None:
    doc.add_page()
    start, end = pd.Timestamp(shift.started_at_local), pd.Timestamp(shift.ended_at_local)
    doc.heading(f"Shift handover: {shift.shift_code}")
    doc.paragraph(f"{start:%a %d %b %H:%M} – {end:%a %d %b %H:%M} (plant time, {report.timezone})")
    states = report.table("gold.fct_machine_state")
    mine = states[states["shift_code"] == shift.shift_code].copy()
    machines = list(report.machines["machine_id"])
    if mine.empty:
        doc.paragraph("No machine state recorded in this shift.")
    else:
        mine["start"] = _local_series(mine["started_at"], report.timezone)
        mine["end"] = _local_series(mine["ended_at"], report.timezone)
        doc.chart(charts.state_timeline(mine, machines, start, end))
        totals = mine.pivot_table(
            index="machine_id", columns="state", values="duration_s", aggfunc="sum", fill_value=0
        )
        order = [s for s in charts.STATE_COLOURS if s in totals.columns]
        rows = [["Machine (h:mm)", *(s.replace("_", " ").lower() for s in order)]]
        for machine in machines:
            if machine in totals.index:
                rows.append([machine, *(_hmm(totals.loc[machine, s]) for s in order)])
        doc.grid(rows)
    doc.subheading("Faults")
    faults = mine[(mine["state"] == "DOWN")] if not mine.empty else mine
    if faults.empty:
        doc.paragraph("No fault in this shift.")
    else:
        rows = [["Machine", "From", "Duration", "Fault"]]
        for r in faults.itertuples():
            rows.append([r.machine_id, f"{r.start:%H:%M}", _hmm(r.duration_s), _text(r.detail)])
        doc.grid(rows, widths=(28, 16, 18, 118), align="LLRL")
    doc.subheading("Scrap and rework")
    checks = report.table("gold.fct_quality_check")
    defects = checks[(checks["shift_code"] == shift.shift_code) & (checks["defects_found"] > 0)]
    if defects.empty:
        doc.paragraph("No defective unit found in this shift's batches.")
    else:
        by = defects.pivot_table(
            index="machine_id",
            columns="reason_category",
            values=["scrap_qty", "rework_qty"],
            aggfunc="sum",
            fill_value=0,
        )
        reasons = sorted(set(defects["reason_category"]))
        rows = [["Scrap / rework", *(r.replace("_", " ").lower() for r in reasons), "total"]]
        for machine in [m for m in machines if m in by.index]:
            scrap = [by.loc[machine, ("scrap_qty", r)] for r in reasons]
            rework = [by.loc[machine, ("rework_qty", r)] for r in reasons]
            rows.append(
                [
                    machine,
                    *(f"{_count(s)} / {_count(w)}" for s, w in zip(scrap, rework, strict=True)),
                    f"{_count(sum(scrap))} / {_count(sum(rework))}",
                ]
            )
        doc.grid(rows)
    doc.subheading("Operators' notes")
    notes = report.table("gold.fct_operator_note")
    if notes.empty:
        doc.paragraph(
            _absent(report, "gold.fct_operator_note", "note") or "No note written in this shift."
        )
        return
    notes = notes[notes["shift_code"] == shift.shift_code]
    if notes.empty:
        doc.paragraph("No note written in this shift.")
        return
    rows = [["Time", "Machine", "Operator", "Note"]]
    for r in notes.itertuples():
        rows.append(
            [
                _local(r.noted_at, report.timezone, "%H:%M"),
                _text(r.machine_id),
                _text(r.operator_name) or _text(r.operator_id),
                _text(r.note),
            ]
        )
    doc.grid(rows, widths=(12, 26, 34, 108), align="LLLL")


def _withheld_page(doc: _Document, report: ReportData) -> None:
    """The whole report of a date the gate did not pass: why, and what failed; no numbers."""
    _title(doc, report)
    gate = report.gate
    doc.heading("Why this report shows no numbers")
    if gate.validation == "failed":
        doc.paragraph(
            "The validation gate compared this date's gold numbers with what they must be, and "
            "they did not all hold. A run that fails the gate does not publish its numbers; the "
            "serving copy may still hold rows of this date (a later run published its other "
            "dates), so this report leaves every figure of this date out. Find the cause in the "
            f"run's validation report (run {gate.run_id}), fix the input or the pipeline, and "
            "run again: the next report of this date shows its numbers once the gate passes."
        )
        checks = gate.failed_checks
        if not checks.empty:
            doc.subheading("Checks that failed (mart, metric, key)")
            rows = [["Mart", "Metric", "Key"]]
            for r in checks.head(40).itertuples():
                rows.append([r.mart, r.metric, r.key])
            doc.grid(rows, widths=(50, 50, 80), align="LLL")
            if len(checks) > 40:
                doc.paragraph(f"… and {len(checks) - 40:,} more (audit.validation_results).")
    elif gate.validation == "not validated":
        doc.paragraph(
            "No validation gate has judged this date, so none of its numbers is shown. "
            "Run `shopfloor run` to validate and publish it."
        )
    else:
        doc.paragraph(
            "The date passed the gate but was never published: its numbers are not "
            "shown until a publish names it."
        )
    _alarms(doc, report, with_values=False)


# ------------------------------------------------------------------------------------------
# Data helpers
# ------------------------------------------------------------------------------------------


def _machine_list(report: ReportData) -> str:
    return ", ".join(
        f"{r.machine_id} ({r.line_id}, {str(r.machine_type).lower()})"
        for r in report.machines.itertuples()
    )


def _target_row(report: ReportData, scope: str, scope_id: str) -> dict | None:
    targets = report.table("gold.dim_target")
    if targets.empty:
        return None
    hit = targets[(targets["scope"] == scope) & (targets["scope_id"] == scope_id)]
    return None if hit.empty else hit.iloc[0].to_dict()


def _finished(report: ReportData) -> pd.DataFrame:
    products = report.table("gold.kpi_product_daily")
    return products[products["product_id"].isin(report.finished_products)]


def _production_by_shift(report: ReportData) -> pd.DataFrame:
    """Finished goods per shift from the day's batches, in the shift model's order."""
    batches = report.table("gold.fct_production_batch")
    batches = batches[batches["product_id"].isin(report.finished_products)]
    if batches.empty:
        return pd.DataFrame()
    shifts = list(report.shifts["shift_code"])
    batches = batches.assign(shift=batches["shift_code"].fillna("outside shifts"))
    summed = (
        batches.groupby("shift")[["produced_qty", "good_qty", "rework_qty", "scrap_qty"]]
        .sum()
        .reset_index()
    )
    order = {code: i for i, code in enumerate(shifts)}
    return summed.sort_values("shift", key=lambda s: s.map(lambda c: order.get(c, len(order))))


def _per_day(base, column: str, days: int) -> float | None:
    if base is None or not days or pd.isna(base[column]):
        return None
    return float(base[column]) / days


def _absent(report: ReportData, table: str, what: str) -> str:
    if table in report.missing:
        return f"This serving copy has no {what} data ({table})."
    return ""


def _local_series(values: pd.Series, timezone: str) -> pd.Series:
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_convert(timezone).dt.tz_localize(None)


def _local(value, timezone: str, fmt: str) -> str:
    if value is None or pd.isna(value):
        return ""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(timezone).strftime(fmt)


# ------------------------------------------------------------------------------------------
# Number formats: one per kind of value
# ------------------------------------------------------------------------------------------


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _pct(value) -> str:
    return "–" if _missing(value) else f"{100 * float(value):.1f}%"


def _pp(value, other) -> str:
    """The difference of two ratios in percentage points, "+5.2 pp" / "−6.8 pp"."""
    if _missing(value) or _missing(other):
        return ""
    points = _pp_points(value, other)
    return f"{'−' if points < 0 else '+'}{abs(points):.1f} pp"


def _pp_points(value, other) -> float:
    return round(100 * (float(value) - float(other)), 1) + 0.0  # + 0.0: never -0.0


def _count(value) -> str:
    return "–" if _missing(value) else f"{float(value):,.0f}"


def _hmm(seconds) -> str:
    if _missing(seconds):
        return "–"
    minutes = round(float(seconds) / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def _signed(delta: float, as_time: bool) -> str:
    sign = "−" if round(delta) < 0 else "+"
    return sign + (_hmm(abs(delta)) if as_time else _count(abs(delta)))


def _text(value) -> str:
    return "" if _missing(value) else str(value)
