"""What the daily report of one production date shows, read only from the serving copy.

Why only the serving copy: it holds what the gate validated and publish put there; the
warehouse may hold gold a failed gate never let out. Why the gate outcome is read per date: a run
that fails the gate does not publish, but a later run that passes publishes the whole gold and
audit schemas again, so the serving copy can hold rows of a date whose latest validation failed.
The latest validation run of a date (audit.validation_runs) decides; a date must also have been
named by a publication (meta.publication). Only such a date gets numbers.

Every query binds the date as a parameter; table names are fixed text. Marts h20-gold or
h20-notify add (gold.kpi_loss_tree, gold.kpi_downtime_pareto, gold.dim_target,
gold.fct_operator_note, audit.alerts) may be absent from an older copy: the report then says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from orchestration.defs.serving.publish import connect_serving
from plants.home import Home

COMPARISON_DAYS = 7  # the KPI summary compares the date with the days before it
FINISHED = "finished"  # dim_product.product_kind of what the plant ships: "units produced"

# The day's rows of each mart the report uses, by sheet name (= the table's name).
DAY_TABLES: dict[str, str] = {
    "gold.kpi_plant_daily": "select * from gold.kpi_plant_daily where production_date = $day",
    "gold.kpi_machine_daily": (
        "select * from gold.kpi_machine_daily where production_date = $day order by machine_id"
    ),
    "gold.kpi_machine_shift": """
        select k.* from gold.kpi_machine_shift as k
        left join gold.dim_shift as s using (shift_key)
        where k.production_date = $day order by k.machine_id, s.shift_index""",
    "gold.kpi_product_daily": (
        "select * from gold.kpi_product_daily where production_date = $day order by product_id"
    ),
    "gold.fct_production_batch": (
        "select * from gold.fct_production_batch where production_date = $day "
        "order by started_at, batch_id"
    ),
    "gold.kpi_quality_daily": """
        select * from gold.kpi_quality_daily where production_date = $day
        order by quantity desc, machine_id, product_id, reason_category, disposition""",
    "gold.fct_quality_check": (
        "select * from gold.fct_quality_check where production_date = $day "
        "order by checked_at, check_id"
    ),
    "gold.fct_machine_state": (
        "select * from gold.fct_machine_state where production_date = $day "
        "order by machine_id, started_at"
    ),
    "gold.kpi_loss_tree": (
        "select * from gold.kpi_loss_tree where production_date = $day order by loss_key"
    ),
    "gold.kpi_downtime_pareto": """
        select * from gold.kpi_downtime_pareto where production_date = $day
        order by loss_time_s desc, pareto_key""",
    "gold.fct_operator_note": (
        "select * from gold.fct_operator_note where production_date = $day "
        "order by noted_at, source_file, source_row_number"
    ),
    "gold.data_quality_daily": (
        "select * from gold.data_quality_daily where production_date = $day "
        "order by source_name, chaos_type"
    ),
    "audit.alerts": (
        "select * from audit.alerts where production_date = $day order by raised_at, alert_id"
    ),
}
# Shown whatever the gate said: the status of the date itself, never a mart's numbers.
STATUS_TABLES: dict[str, str] = {
    "audit.validation_runs": (
        "select * from audit.validation_runs where production_date = $day order by validated_at"
    ),
    "gold.dim_date_status": "select * from gold.dim_date_status where production_date = $day",
}
REFERENCE_TABLES: dict[str, str] = {
    "gold.dim_target": "select * from gold.dim_target order by scope, scope_id",
    "gold.dim_product": "select * from gold.dim_product order by product_id",
}

SQL_DATES = "select distinct production_date from gold.kpi_plant_daily order by 1"
SQL_TABLES = """
select table_schema || '.' || table_name from information_schema.tables
where table_catalog = current_database()
"""
SQL_LATEST_VALIDATION = """
select run_id, validated_at, truth_status, metrics_checked, metrics_failed, passed
from audit.validation_runs
where production_date = $day
order by validated_at desc
limit 1
"""
SQL_PUBLISHED = """
select max(published_at) from meta.publication where list_contains(production_dates, $day)
"""
SQL_FAILED_CHECKS = """
select mart, metric, key from audit.validation_results
where run_id = $run_id and production_date = $day and not passed
order by mart, metric, key
"""
SQL_PLANT = "select plant_id, plant_name, timezone from gold.dim_plant"
# Every machine of the plant on the date: the asset-registry version valid that day.
SQL_MACHINES = """
select machine_id, line_id, machine_type from gold.dim_machine
where valid_from <= $day and valid_to > $day
order by line_id, machine_id
"""
SQL_SHIFTS = """
select shift_code, started_at_local, ended_at_local from gold.dim_shift
where production_date = $day order by shift_index
"""
# The previous days' KPIs as one selection: gold.kpi_selection owns the ratio-of-sums formulas.
SQL_BASELINE = """
select * from gold.kpi_selection($start, $end, [], $machines, false, false)
"""
SQL_BASELINE_MACHINES = """
select distinct machine_id from gold.kpi_machine_shift where production_date between $start and $end
"""
SQL_DATE_GATES = """
select production_date, arg_max(passed, validated_at) as passed
from audit.validation_runs
where production_date between $start and $end
group by production_date
"""


class ReportUnavailable(RuntimeError):
    """No report can be made: no serving copy, or the date is not in it (the message says)."""


@dataclass(frozen=True)
class DateGate:
    """What the serving copy says of a date: validated, published, still provisional."""

    production_date: date
    validation: str  # 'passed' | 'failed' | 'not validated'
    truth_status: str | None = None
    metrics_checked: int = 0
    metrics_failed: int = 0
    validated_at: datetime | None = None
    run_id: str | None = None
    published_at: datetime | None = None
    provisional: bool = False
    failed_checks: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def shows_numbers(self) -> bool:
        """Only a date whose latest validation passed and that was published gets numbers."""
        return self.validation == "passed" and self.published_at is not None

    @property
    def headline(self) -> str:
        """One line saying whether the numbers can be trusted, and why not."""
        if self.validation == "failed":
            return (
                f"FAILED the validation gate ({self.metrics_failed} of {self.metrics_checked} "
                "checks failed): no numbers of this date are shown"
            )
        if self.validation == "not validated":
            return "NOT VALIDATED: no gate judged this date; no numbers of this date are shown"
        if self.published_at is None:
            return "NOT PUBLISHED: this date was never published; no numbers of it are shown"
        truth = "against ground truth" if self.truth_status == "truth" else "expectations only"
        label = "validated" + (
            ", PROVISIONAL (late rows may still change it)" if self.provisional else ", final"
        )
        return f"{label} ({self.metrics_checked} checks passed, {truth})"


@dataclass(frozen=True)
class ReportData:
    """Everything the PDF and the workbook of one date show."""

    production_date: date
    plant_id: str
    plant_name: str
    timezone: str
    gate: DateGate
    machines: pd.DataFrame  # machine_id, line_id, machine_type: every machine on the date
    shifts: pd.DataFrame  # shift_code, started_at_local, ended_at_local
    tables: dict[str, pd.DataFrame]  # the day's rows of each mart (empty unless shows_numbers)
    missing: tuple[str, ...]  # tables the report uses that this serving copy does not hold
    baseline: pd.DataFrame | None = None  # the previous days as one kpi_selection row
    baseline_dates: tuple[date, ...] = ()
    baseline_excluded: tuple[date, ...] = ()  # previous days that failed or were not validated
    finished_products: tuple[str, ...] = ()

    def table(self, name: str) -> pd.DataFrame:
        """The day's rows of a table; an empty frame when the copy does not hold it."""
        return self.tables.get(name, pd.DataFrame())

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The workbook: one sheet per table the report used, the same rows."""
        sheets = {name: frame for name, frame in self.tables.items() if name not in self.missing}
        if self.baseline is not None:
            sheets[f"previous_{COMPARISON_DAYS}_days"] = self.baseline
        return sheets


def open_serving(home: Home) -> duckdb.DuckDBPyConnection:
    """The serving copy, read-only; ReportUnavailable when there is none."""
    if not home.serving.exists():
        raise ReportUnavailable(
            f"no serving copy at {home.serving}: run `shopfloor run` to publish one"
        )
    try:
        return connect_serving(home.root)
    except duckdb.Error as exc:
        raise ReportUnavailable(f"cannot open the serving copy {home.serving}: {exc}") from exc


def production_dates(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The production dates the serving copy holds KPIs for, oldest first."""
    return [_as_date(row[0]) for row in con.execute(SQL_DATES).fetchall()]


def newest_date(con: duckdb.DuckDBPyConnection) -> date:
    """The newest production date of the serving copy (the report's default)."""
    dates = production_dates(con)
    if not dates:
        raise ReportUnavailable("the serving copy holds no production date")
    return dates[-1]


def read_report(con: duckdb.DuckDBPyConnection, day: date) -> ReportData:
    """The report's data for `day`; ReportUnavailable when the copy does not hold the date."""
    dates = production_dates(con)
    if day not in dates:
        held = f"{dates[0]} .. {dates[-1]}" if dates else "none"
        raise ReportUnavailable(f"no production date {day} in the serving copy (it holds {held})")
    present = {row[0] for row in con.execute(SQL_TABLES).fetchall()}
    gate = date_gate(con, day, present)
    plant_id, plant_name, timezone = con.execute(SQL_PLANT).fetchone()
    wanted = {**STATUS_TABLES, **REFERENCE_TABLES}
    if gate.shows_numbers:
        wanted = {**DAY_TABLES, **wanted}
    missing = tuple(name for name in wanted if name not in present)
    tables = {
        name: _frame(con, sql, {"day": day}) for name, sql in wanted.items() if name in present
    }
    finished = tables.get("gold.dim_product", pd.DataFrame())
    finished_ids = tuple(
        finished.loc[finished["product_kind"] == FINISHED, "product_id"] if len(finished) else ()
    )
    report = ReportData(
        production_date=day,
        plant_id=plant_id,
        plant_name=plant_name,
        timezone=timezone,
        gate=gate,
        machines=_frame(con, SQL_MACHINES, {"day": day}),
        shifts=_frame(con, SQL_SHIFTS, {"day": day}),
        tables=tables,
        missing=missing,
        finished_products=finished_ids,
    )
    if not gate.shows_numbers:
        return report
    return _with_baseline(con, report, dates)


def date_gate(con: duckdb.DuckDBPyConnection, day: date, present: set[str]) -> DateGate:
    """The gate's latest word on `day`, whether it was published, whether it is provisional."""
    provisional = False
    if "gold.dim_date_status" in present:
        row = con.execute(
            "select status from gold.dim_date_status where production_date = $day", {"day": day}
        ).fetchone()
        provisional = bool(row and row[0] == "provisional")
    if "audit.validation_runs" not in present:
        return DateGate(day, "not validated", provisional=provisional)
    row = con.execute(SQL_LATEST_VALIDATION, {"day": day}).fetchone()
    if row is None:
        return DateGate(day, "not validated", provisional=provisional)
    run_id, validated_at, truth_status, checked, failed, passed = row
    published = None
    if "meta.publication" in present:
        published = con.execute(SQL_PUBLISHED, {"day": day}).fetchone()[0]
    failed_checks = pd.DataFrame()
    if not passed and "audit.validation_results" in present:
        failed_checks = _frame(con, SQL_FAILED_CHECKS, {"day": day, "run_id": run_id})
    return DateGate(
        production_date=day,
        validation="passed" if passed else "failed",
        truth_status=truth_status,
        metrics_checked=int(checked),
        metrics_failed=int(failed),
        validated_at=validated_at,
        run_id=run_id,
        published_at=published,
        provisional=provisional,
        failed_checks=failed_checks,
    )


def _with_baseline(
    con: duckdb.DuckDBPyConnection, report: ReportData, dates: list[date]
) -> ReportData:
    """The previous days as one selection, when every one of them the copy holds passed the
    gate (a mix would compare with unvalidated numbers); otherwise the dates that did not."""
    day = report.production_date
    start, end = day - timedelta(days=COMPARISON_DAYS), day - timedelta(days=1)
    held = [d for d in dates if start <= d <= end]
    if not held:
        return report
    gates = {
        _as_date(d): bool(ok)
        for d, ok in con.execute(SQL_DATE_GATES, {"start": start, "end": end}).fetchall()
    }
    excluded = tuple(d for d in held if not gates.get(d, False))
    if excluded:
        return replace(report, baseline_dates=tuple(held), baseline_excluded=excluded)
    window = {"start": start, "end": end}
    machines = [row[0] for row in con.execute(SQL_BASELINE_MACHINES, window).fetchall()]
    baseline = _frame(con, SQL_BASELINE, {**window, "machines": machines})
    return replace(report, baseline=baseline, baseline_dates=tuple(held))


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pd.DataFrame:
    """One query's rows; only the parameters the query names are bound."""
    wanted = {k: v for k, v in params.items() if f"${k}" in sql}
    return con.execute(sql, wanted).df()


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
