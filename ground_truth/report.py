"""The gate's readable report: $SHOPFLOOR_HOME/reports/validation_<run>.md (and latest.md).

Why: audit tables are for queries; a person deciding whether to trust today's numbers wants one
page: the verdict, what failed (with expected vs actual), recall per chaos type, and whether a
date was validated against truth at all.

The verdict is about what was published, not only what was validated: the gate writes the report
before publish, with the verdict NOT PUBLISHED (or FAILED, which blocks publication); the publish
step turns it into PASSED only once the new serving copy is in place (mark_published). So a run
killed between validation and publish leaves a report that says NOT PUBLISHED, never PASSED.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime
from pathlib import Path

from ground_truth.outcome import AWAITING, NO_TRUTH, NOT_DELIVERED, GateOutcome
from plants.home import Home

MAX_FAILURES = 200
VERDICT_PREFIX = "**Verdict: "
NOT_PUBLISHED = (
    f"{VERDICT_PREFIX}NOT PUBLISHED** — this run has not published: if this line stays, it "
    "stopped before publishing (killed, failed, or blocked by another check) and serving.duckdb "
    "still holds the last published data."
)
BLOCKED = (
    f"{VERDICT_PREFIX}FAILED** — not published: the truth gate blocks publication; "
    "serving.duckdb still holds the last published data."
)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def render(outcome: GateOutcome) -> str:
    """The report as Markdown."""
    lines = [
        f"# Validation report — run {outcome.run_id}",
        "",
        NOT_PUBLISHED if outcome.passed else BLOCKED,
        "",
        f"Validation: {outcome.status} — {outcome.checked:,} truth metrics checked, "
        f"{outcome.checked - outcome.failed:,} passed, {outcome.failed:,} failed.",
        "",
        "Tolerances: counts and seconds exact; 6-dp ratios ±1e-6; 3-dp values ±1e-3 "
        "(`ground_truth/tolerances.py`, data contract §9).",
        "",
        "## Production dates",
        "",
        "A **provisional** date can still receive late rows (gold.dim_date_status: until the "
        "delivery `lookback_days` after it is loaded); it is compared exactly with its truth as "
        "delivered by the newest loaded delivery (late batch and QC rows not due yet are not in "
        "it), and rows that a late whole file of another source can still change are held, not "
        "compared. A **final** date is compared with its whole truth.",
        "",
        "| date | status | truth | metrics | failed | verdict |",
        "|---|---|---|---:|---:|---|",
    ]
    for v in outcome.dates:
        verdict = "pass" if v.passed else "FAIL"
        if v.truth_status == NO_TRUTH:
            verdict = "no truth file: expectation suites only, not compared"
        elif v.truth_status == AWAITING:
            verdict = "not compared yet: a landed delivery that can hold its late rows is unloaded"
        elif v.truth_status == NOT_DELIVERED:
            verdict = "not compared yet: no delivery of it is loaded"
        elif v.held_rows:
            verdict += f" as delivered ({v.held_rows:,} rows held for late deliveries)"
        status = "provisional" if v.provisional else "final"
        lines.append(
            f"| {v.production_date} | {status} | {v.truth_status} | {len(v.results):,} "
            f"| {len(v.failures):,} | {verdict} |"
        )
    if outcome.absence is not None and outcome.absence.sources:
        lines += [
            "",
            "## Sources the plant does not deliver",
            "",
            outcome.absence.line() + ".",
            "",
            "These marts have no row because a source they need is not in the plant file's "
            "`sources` (gold.dim_source; `meta.needs_sources` in dbt_project.yml): empty by "
            "design, not a failure.",
        ]
    by_mart = Counter(r.mart for v in outcome.dates for r in v.failures)
    failures = [r for v in outcome.dates for r in v.failures]
    if failures:
        lines += [
            "",
            "## Failures",
            "",
            "by mart: " + ", ".join(f"{m} {n}" for m, n in sorted(by_mart.items())),
            "",
            "| date | mart | key | metric | expected | actual | tolerance |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in failures[:MAX_FAILURES]:
            lines.append(
                f"| {r.production_date} | {r.mart} | {r.key} | {r.metric} | {r.expected} "
                f"| {r.actual} | {r.tolerance} |"
            )
        if len(failures) > MAX_FAILURES:
            lines.append(f"\n… {len(failures) - MAX_FAILURES} more in audit.validation_results")
    lines += ["", "## Chaos detection recall", ""]
    if not outcome.recall:
        lines.append("No truth file for these dates: recall cannot be measured.")
    else:
        lines += [
            "| chaos type | injected | detected | handled elsewhere | recall | note |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for r in outcome.recall:
            lines.append(
                f"| {r.chaos_type} | {r.injected:,} | {r.detected:,} | {r.handled_elsewhere:,} "
                f"| {_pct(r.recall)} | {r.note} |"
            )
        lines += ["", "Counting rules: `ground_truth/recall.py` (module docstring)."]
    return "\n".join(lines) + "\n"


def report_paths(home: Path, run_id: str) -> tuple[Path, Path]:
    """The run's own report and reports/validation_latest.md."""
    folder = Home(home).reports
    return folder / f"validation_{run_id}.md", Home(home).latest_validation_report


def _write(text: str, targets: tuple[Path, ...]) -> None:
    for target in targets:
        tmp = target.with_suffix(".md.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)


def write_report(home: Path, outcome: GateOutcome) -> Path:
    """Write the report atomically and point reports/validation_latest.md at it."""
    path, latest = report_paths(home, outcome.run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(render(outcome), (path, latest))
    return path


def mark_published(home: Path, run_id: str, published_at: datetime, serving: Path) -> None:
    """Once the run's serving copy is in place: its report's verdict becomes PASSED, with when
    and where (also in validation_latest.md when that is still this run's report). A run without
    a pending report (no gate in it) changes nothing."""
    path, latest = report_paths(home, run_id)
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    if NOT_PUBLISHED not in text:
        return
    verdict = (
        f"{VERDICT_PREFIX}PASSED** — published {published_at:%Y-%m-%d %H:%M:%S} UTC to {serving} "
        f"(table meta.publication, run {run_id})."
    )
    text = text.replace(NOT_PUBLISHED, verdict, 1)
    current = latest.read_text(encoding="utf-8") if latest.exists() else ""
    same_run = current.partition("\n")[0] == text.partition("\n")[0]  # the title names the run
    _write(text, (path, latest) if same_run else (path,))
