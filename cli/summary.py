"""The gate's summary for the CLI: metrics checked/passed/failed, recall per type, serving copy.

Why: `shopfloor run` and `make demo` end by telling the user whether today's numbers were proven
and where to read them, without opening the Dagster UI.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.warehouse import connect
from orchestration.defs.serving.publish import serving_path
from plants.absent import read_absence
from plants.home import Home


def _latest_run(con) -> str | None:
    row = con.execute(
        "select run_id from audit.validation_runs order by validated_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def _findings(con) -> list[tuple[str, int, str]]:
    """What the plant's data did that is no injected chaos: a timeline that does not cover its
    shift, planned stops off the calendar, production off the schedule, rows refused for a value
    that breaks its rule or a name the plant does not know."""
    has_gold = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'gold' and table_name = 'data_quality_daily'"
    ).fetchone()[0]
    if not has_gold:
        return []
    return con.execute(
        "select chaos_type, sum(items_found)::bigint, any_value(action_taken) "
        "from gold.data_quality_daily where chaos_type_id is null group by 1 order by 1"
    ).fetchall()


def summary_lines(home: Path) -> list[str]:
    """Lines describing the latest gate run and the current serving copy."""
    con = connect(home, read_only=True)
    try:
        has_audit = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'audit'"
        ).fetchone()[0]
        run_id = _latest_run(con) if has_audit else None
        if run_id is None:
            return ["Validation: not run yet (no audit.validation_runs)"]
        checked, failed, no_truth = con.execute(
            "select sum(metrics_checked), sum(metrics_failed), "
            "count(*) filter (truth_status = 'no truth') from audit.validation_runs "
            "where run_id = ?",
            [run_id],
        ).fetchone()
        recall = con.execute(
            "select chaos_type, detected, injected, recall, note from audit.chaos_recall "
            "where run_id = ? order by chaos_type",
            [run_id],
        ).fetchall()
        absence = read_absence(con)
        findings = _findings(con)
        published = con.execute(
            "select published_at, validation_status from audit.publications "
            "where run_id = ? order by published_at desc limit 1",
            [run_id],
        ).fetchone()
    finally:
        con.close()
    lines = [
        f"Validation (run {run_id}): {checked:,} truth metrics checked, "
        f"{checked - failed:,} passed, {failed:,} failed"
    ]
    if no_truth:
        lines.append(f"  {no_truth} production date(s) without truth: expectation suites only")
    if absence is not None and absence.sources:
        lines.append(f"  {absence.line()}")
    if findings:
        lines.append("  data-quality findings (never blocking; data_quality_daily):")
        lines += [f"    {name:<30}{items:>8,}  {action}" for name, items, action in findings]
    if recall:
        lines.append("  chaos detection recall (detected / injected):")
        for name, detected, injected, share, note in recall:
            percent = "  n/a " if share is None else f"{100 * share:5.1f}%"
            lines.append(f"    {name:<20}{detected:>8,} / {injected:<8,} {percent}  {note or ''}")
    lines.append(f"  report: {Home(home).latest_validation_report}")
    serving = serving_path(home)
    if published:
        lines.append(
            f"Published {published[0]:%Y-%m-%d %H:%M:%S} UTC ({published[1]}): {serving} "
            "(open read-only; table meta.publication)"
        )
    else:
        where = f"previous copy kept at {serving}" if serving.exists() else "no serving copy yet"
        why = (
            "the gate blocked this run"
            if failed
            else "this run stopped before publishing (killed, failed, or blocked by another check)"
        )
        lines.append(f"NOT published: {why}; {where}")
    return lines
