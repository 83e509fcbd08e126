"""How a run ends on the screen: this run's gate summary, then PASSED or FAILED for this run.

Why: `shopfloor run` and `make demo` end by telling the user whether this run's numbers were
proven and published, and where to read them, without opening the Dagster UI. Everything is read
for the run's own Dagster run id (the gate and publish record under it): an earlier run's
validation or publication is never shown as this run's. When the run failed, the last line says
since when the serving copy, which analysts and the dashboard read, has not changed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ingestion.warehouse import connect
from orchestration.defs.serving.publish import serving_path
from plants.absent import read_absence
from plants.home import Home

PROBLEMS_NAMED = 3  # in the FAILED line; every failure is listed above it


def _has_audit(con) -> bool:
    return (
        con.execute(
            "select count(*) from information_schema.tables where table_schema = 'audit'"
        ).fetchone()[0]
        > 0
    )


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


def summary_lines(home: Path, run_id: str | None) -> list[str]:
    """Lines describing the gate and the publication of one run (`run_id`), none of another's."""
    if run_id is None or not Home(home).warehouse.exists():
        return ["Validation: this run did not reach the truth gate"]
    con = connect(home, read_only=True)
    try:
        checked = None
        if _has_audit(con):
            checked, failed, no_truth = con.execute(
                "select sum(metrics_checked), sum(metrics_failed), "
                "count(*) filter (truth_status = 'no truth') from audit.validation_runs "
                "where run_id = ?",
                [run_id],
            ).fetchone()
        if checked is None:
            return ["Validation: this run did not reach the truth gate"]
        recall = con.execute(
            "select chaos_type, detected, injected, recall, note from audit.chaos_recall "
            "where run_id = ? order by chaos_type",
            [run_id],
        ).fetchall()
        detection = _detection(con, run_id)
        absence = read_absence(con)
        findings = _findings(con)
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
    if detection:
        lines.append("  anomaly detection (found / injected, true / flags, median delay):")
        for kind, detected, injected, true_flags, flags, delay in detection:
            wait = "  n/a" if delay is None else f"{delay:4.1f} d"
            lines.append(
                f"    {kind:<22}{detected:>4} / {injected:<4}{true_flags:>6} / {flags:<6}{wait}"
            )
    lines.append(f"  report: {Home(home).latest_validation_report}")
    return lines


def _detection(con, run_id: str) -> list[tuple]:
    """The run's anomaly-detection figures per kind (audit.anomaly_detection), if measured."""
    tables = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'audit' and table_name = 'anomaly_detection'"
    ).fetchone()
    if not tables or not tables[0]:
        return []
    return con.execute(
        "select kind, detected, injected, true_flags, flags, median_delay_days "
        "from audit.anomaly_detection where run_id = ? order by kind = 'all', kind",
        [run_id],
    ).fetchall()


def publications(home: Path, run_id: str | None) -> tuple[datetime | None, datetime | None]:
    """When this run published (None: it did not) and when the serving copy was last published
    by any run (None: never)."""
    if not Home(home).warehouse.exists():
        return None, None
    con = connect(home, read_only=True)
    try:
        if not _has_audit(con):
            return None, None
        return con.execute(
            "select max(published_at) filter (run_id = ?), max(published_at) "
            "from audit.publications",
            [run_id],
        ).fetchone()
    finally:
        con.close()


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def passed(problems: list[str], published: datetime | None, not_meant: str | None) -> bool:
    """This run passed: nothing went wrong, and it published or was not meant to publish
    (`not_meant` says why: --bronze-only, nothing new to build)."""
    return not problems and (published is not None or bool(not_meant))


def verdict_lines(
    home: Path,
    problems: list[str],
    published: datetime | None,
    last_published: datetime | None,
    not_meant: str | None = None,
) -> list[str]:
    """PASSED or FAILED for this run (`passed`): what went wrong, and what analysts now read."""
    serving = serving_path(home)
    if published is not None:
        copy = f"serving copy published {_utc(published)}: {serving}"
    elif last_published is not None:
        copy = f"serving copy unchanged since {_utc(last_published)} ({serving})"
    else:
        copy = "no serving copy yet"
    if problems:
        distinct = list(dict.fromkeys(problems))  # a check fails once per date and for the range
        named = "; ".join(distinct[:PROBLEMS_NAMED])
        more = len(distinct) - PROBLEMS_NAMED
        return [
            f"FAILED: {named}" + (f"; and {more} more (above)" if more > 0 else ""),
            f"  {copy}",
        ]
    if not passed(problems, published, not_meant):
        return ["FAILED: this run published nothing", f"  {copy}"]
    return [f"PASSED: {not_meant}" if not_meant else "PASSED", f"  {copy}"]
