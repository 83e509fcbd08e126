"""Read-only access to the published serving copy (`warehouse/serving.duckdb`).

Every query opens its own read-only connection and closes it at once, so the dashboard never
holds a lock and never blocks the pipeline. Results are cached per *publication*: the cache key
includes the file's inode, size and modification time, so a new publication (a rename onto the
path) is picked up on the next rerun without a restart. All SQL here is static text with named
parameters; filter values never become SQL.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from plants.home import Home
from reporting.losses import LOSSES

SERVING_ENV = "SHOPFLOOR_SERVING"  # optional: point at a serving file directly
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class ServingUnavailable(RuntimeError):
    """The serving copy is missing or cannot be opened; the message says why, for humans."""


def serving_path() -> Path:
    explicit = os.environ.get(SERVING_ENV)
    if explicit:
        return Path(explicit).resolve()
    return Home.from_env().serving


def publication_stamp(path: Path) -> tuple[str, int, int, int]:
    """Identity of the file at `path`: changes whenever a publish renames a new file in."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ServingUnavailable(
            f"No published serving copy at {path}. Run the pipeline to publish one "
            "(`shopfloor run`), then reload this page."
        ) from None
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def query(path: Path, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run one parameterised query on a fresh read-only connection (closed before returning)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ServingUnavailable(f"Cannot open the serving copy {path}: {exc}") from exc
    try:
        con.execute("set TimeZone = 'UTC'")
        wanted = set(_PARAM.findall(sql))
        return con.execute(sql, {k: v for k, v in (params or {}).items() if k in wanted}).df()
    finally:
        con.close()


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the sidebar selected. `history_start` .. `end` is the window of trend charts."""

    start: date
    end: date
    shifts: tuple[str, ...] = ()  # none picked: every shift of the plant's shift model
    machines: tuple[str, ...] = ()
    history_start: date | None = None
    lines: tuple[str, ...] = field(default=())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def trend_start(self) -> date:
        return self.history_start or self.start

    def params(self, **extra) -> dict:
        p = {
            "start": self.start,
            "end": self.end,
            "shifts": list(self.shifts),
            "machines": list(self.machines),
        }
        p.update(extra)
        return p

    def trend_params(self) -> dict:
        return self.params(start=self.trend_start)

    def previous(self) -> Filters:
        """The period of equal length immediately before this one."""
        from datetime import timedelta

        n = self.days
        return Filters(
            start=self.start - timedelta(days=n),
            end=self.start - timedelta(days=1),
            shifts=self.shifts,
            machines=self.machines,
            lines=self.lines,
        )


# --------------------------------------------------------------------------------------------
# Catalogue: what the serving copy contains
# --------------------------------------------------------------------------------------------

SQL_TABLES = """
select table_schema, table_name, column_name
from information_schema.columns
where table_schema in ('gold', 'audit', 'meta')
"""

# The plant's facts as the publication holds them (plant file → dbt → gold), never constants here.
SQL_PLANT = "select plant_id, plant_name, timezone from gold.dim_plant"
SQL_SHIFT_CODES = (
    "select shift_code from gold.dim_shift group by shift_code order by min(shift_index)"
)

# Publications older than gold.kpi_selection and gold.product_selection (dbt: macros/kpi.sql)
# lack the KPI functions.
SQL_HAS_KPI_SELECTION = """
select count(distinct function_name) = 2 as present
from duckdb_functions()
where database_name = current_database() and schema_name = 'gold'
  and function_name in ('kpi_selection', 'product_selection')
"""

SQL_DATES = "select distinct production_date from gold.kpi_machine_daily order by 1"

SQL_MACHINES = """
select machine_id, any_value(line_id order by valid_from desc) as line_id,
       any_value(machine_type order by valid_from desc) as machine_type
from gold.dim_machine
group by machine_id
order by line_id, machine_id
"""

# --------------------------------------------------------------------------------------------
# KPIs of the selection: gold.kpi_selection (dbt, macros/kpi.sql) sums the filtered machine ×
# shift rows and computes every ratio from the sums; here only columns are picked and seconds
# shown as hours or minutes. No row when nothing is selected.
# --------------------------------------------------------------------------------------------

_KPI_COLUMNS = """
    oee, availability, performance, quality, produced_qty, good_qty, scrap_qty, rework_qty,
    scrap_ratio as scrap_rate, down_time_s / 3600 as downtime_h, energy_per_good_unit_kwh,
    failure_count, mtbf_s / 3600 as mtbf_h, mttr_s / 60 as mttr_min
"""


# Dates whose late rows can still arrive (gold.dim_date_status, rule in its model docs).
SQL_PROVISIONAL_DATES = """
select production_date, final_from_delivery from gold.dim_date_status
where status = 'provisional' and production_date between $start and $end order by 1
"""


def provisional_note(frame: pd.DataFrame) -> str | None:
    """The caption naming the shown dates that are still provisional, or None when all are
    final: their late rows may still arrive and change the numbers."""
    if frame.empty:
        return None
    days = ", ".join(f"{d:%Y-%m-%d}" for d in pd.to_datetime(frame["production_date"]))
    last = pd.to_datetime(frame["final_from_delivery"]).max()
    return (
        f"{days} — late rows can still arrive and change these numbers "
        f"(final once the delivery of {last:%Y-%m-%d} is in)."
    )


# gold.kpi_selection(start, end, shifts, machines, by_date, by_machine)
SQL_PERIOD_KPIS = (
    "select"
    + _KPI_COLUMNS
    + "from gold.kpi_selection($start, $end, $shifts, $machines, false, false)"
)

SQL_DAILY_KPIS = (
    "select production_date,"
    + _KPI_COLUMNS
    + "from gold.kpi_selection($start, $end, $shifts, $machines, true, false)"
    + " order by production_date"
)

SQL_MACHINE_DAILY_KPIS = (
    "select production_date, machine_id,"
    + _KPI_COLUMNS
    + "from gold.kpi_selection($start, $end, $shifts, $machines, true, true)"
    + " order by machine_id, production_date"
)

SQL_MACHINE_PERIOD_KPIS = (
    "select machine_id,"
    + _KPI_COLUMNS
    + "from gold.kpi_selection($start, $end, $shifts, $machines, false, true)"
    + " order by machine_id"
)

# --------------------------------------------------------------------------------------------
# Machine health
# --------------------------------------------------------------------------------------------


def machine_day_params(f: Filters) -> dict:
    """The period and machines of the selection (machine-day marts have no shift)."""
    return {"start": f.start, "end": f.end, "machines": list(f.machines)}


# gold's health score (kpi_machine_health_daily) of each machine's latest date in the period
SQL_MACHINE_HEALTH_LATEST = """
select * from gold.kpi_machine_health_daily
where production_date between $start and $end
    and (len($machines) = 0 or list_contains($machines, machine_id))
qualify row_number() over (partition by machine_id order by production_date desc) = 1
"""

SQL_MACHINE_HEALTH = """
select production_date, machine_id, health_score, health_status, oee, oee_target,
    scrap_ratio, failures_per_running_h, open_warnings, open_criticals
from gold.kpi_machine_health_daily
where production_date between $start and $end
    and (len($machines) = 0 or list_contains($machines, machine_id))
order by production_date, machine_id
"""

SQL_ANOMALIES = """
select production_date, machine_id, metric, severity, observed, expected, expected_low,
    expected_high, score, baseline_version
from gold.fct_anomaly
where production_date between $start and $end
    and (len($machines) = 0 or list_contains($machines, machine_id))
order by production_date desc, abs(score) desc
"""

SQL_STATES_DAY = """
select machine_id, shift_code, state,
       timezone($tz, started_at) as started_local,
       timezone($tz, ended_at) as ended_local,
       duration_s, detail
from gold.fct_machine_state
where production_date = $day
  and (len($shifts) = 0 or list_contains($shifts, shift_code))
  and list_contains($machines, machine_id)
  and duration_s > 0
order by machine_id, started_at
"""

SQL_SENSOR_DAY = """
select machine_id, hour_start_local, readings,
       temperature_c_avg, temperature_c_min, temperature_c_max, temperature_c_nulls,
       pressure_bar_avg, pressure_bar_min, pressure_bar_max, pressure_bar_nulls,
       power_kw_avg, power_kw_min, power_kw_max, power_kw_nulls,
       vibration_mm_s_avg, vibration_mm_s_min, vibration_mm_s_max, vibration_mm_s_nulls
from gold.fct_sensor_hourly
where production_date = $day
  and list_contains($machines, machine_id)
order by machine_id, hour_start_local
"""

# --------------------------------------------------------------------------------------------
# Product flow
# --------------------------------------------------------------------------------------------

SQL_FLOW = """
select f.from_product_id, f.to_product_id, f.unit,
       coalesce(pf.product_name, f.from_product_id) as from_name,
       coalesce(pt.product_name, f.to_product_id) as to_name,
       pf.product_kind as from_kind, pt.product_kind as to_kind,
       sum(f.quantity) as quantity
from gold.kpi_material_flow_daily as f
left join gold.dim_product as pf on pf.product_id = f.from_product_id
left join gold.dim_product as pt on pt.product_id = f.to_product_id
where f.production_date between $start and $end
group by all
order by quantity desc
"""

SQL_FLOW_DAILY = """
select production_date, from_product_id || ' → ' || to_product_id as flow, unit,
       sum(quantity) as quantity
from gold.kpi_material_flow_daily
where production_date between $start and $end
group by all
order by production_date, flow
"""

# Per product: gold.product_selection(start, end, shifts, machines, by_date) (dbt, macros/kpi.sql)
# sums the selected batches and computes the ratios from the sums, kpi_product_daily's formulas.
_PRODUCT_COLUMNS = """
    s.product_id, coalesce(p.product_name, s.product_id) as product_name, p.unit,
    s.produced_qty, s.good_qty, s.scrap_qty, s.scrap_ratio as scrap_rate, s.good_per_batch_hour
"""
_PRODUCT_SELECTION = """
from gold.product_selection($start, $end, $shifts, $machines, {by_date}) as s
left join gold.dim_product as p on p.product_id = s.product_id
"""

SQL_PRODUCT_DAILY = (
    "select s.production_date,"
    + _PRODUCT_COLUMNS
    + _PRODUCT_SELECTION.format(by_date="true")
    + "order by s.production_date, s.product_id"
)

SQL_PRODUCT_PERIOD = (
    "select"
    + _PRODUCT_COLUMNS
    + _PRODUCT_SELECTION.format(by_date="false")
    + "order by s.product_id"
)

# --------------------------------------------------------------------------------------------
# Process cycles (dispensing cell)
# --------------------------------------------------------------------------------------------

SQL_CYCLES = """
select production_date, shift_code, machine_id, operator_id, product_id,
       is_completed, is_aborted, cycle_time_s, wait_time_s, side_a_time_s, side_b_time_s,
       timezone($tz, started_at) as started_local
from gold.fct_process_cycle
where production_date between $start and $end
  and (len($shifts) = 0 or list_contains($shifts, shift_code))
  and list_contains($machines, machine_id)
"""

SQL_OPERATOR_RATE = """
select operator_id, sum(process_count) as processes, sum(worked_s) as worked_s
from gold.kpi_operator_daily
where production_date between $start and $end
  and (len($shifts) = 0 or list_contains($shifts, shift_code))
  and list_contains($machines, machine_id)
group by operator_id
having sum(process_count) > 0
order by operator_id
"""

# The dispensing machines' planned busy time (scheduled − their logged planned downtime).
SQL_PLANNED_BUSY = """
select sum(planned_busy_time_s) as planned_busy_time_s
from gold.kpi_machine_shift
where production_date between $start and $end
  and (len($shifts) = 0 or list_contains($shifts, shift_code))
  and machine_id in (select machine_id from gold.kpi_process_daily)
"""

# --------------------------------------------------------------------------------------------
# Quality
# --------------------------------------------------------------------------------------------

SQL_DEFECTS = """
select q.reason_category, q.disposition, q.machine_id, q.product_id,
       sum(q.defects_found) as quantity
from gold.fct_quality_check as q
where q.production_date between $start and $end
  and (len($shifts) = 0 or list_contains($shifts, q.shift_code))
  and list_contains($machines, q.machine_id)
  and q.disposition in ('SCRAP', 'REWORK')
group by all
having sum(q.defects_found) > 0
"""

# --------------------------------------------------------------------------------------------
# Data quality and validation
# --------------------------------------------------------------------------------------------

SQL_DQ_SUMMARY = """
select source_name, chaos_type, action_taken, sum(items_found) as items_found,
       count(distinct production_date) filter (where items_found > 0) as days_seen
from gold.data_quality_daily
where production_date between $start and $end
group by all
order by source_name, chaos_type, action_taken
"""

SQL_DQ_DAILY = """
select production_date, source_name, sum(items_found) as items_found
from gold.data_quality_daily
where production_date between $start and $end
group by all
order by production_date, source_name
"""

# Rows refused in the period (bronze rejects and the silver quarantine), newest first; a row
# whose date is unknown counts on its file's production date (fct_row_rejects).
SQL_REFUSED_COUNTS = """
select stage, source_name, count(*) as rows_refused
from gold.fct_row_rejects
where production_date between $start and $end
group by all
order by stage, source_name
"""

SQL_REFUSED_ROWS = """
select production_date, stage, source_name, source_file, source_row_number as line, field, value,
       reason
from gold.fct_row_rejects
where production_date between $start and $end
order by production_date desc, source_file, source_row_number
limit 500
"""

# audit.validation_results as the data-quality page counts it. {day} and {ok} are the results'
# production-date and pass/fail columns: names from the page's fixed whitelists, found in the
# catalogue, quoted as identifiers (see validation_sql); the dates stay parameters. `_day` is null
# where the date is missing or does not parse, `_row` keeps the table's (append) order.
_VALIDATION_RESULTS = """
with results as (
    select *, rowid as _row, try_cast({day} as date) as _day, cast({ok} as boolean) as _ok
    from audit.validation_results
),
kept as ({kept})
"""

# The results are append-only across runs: per production date, only the latest run counts.
_LATEST_RUN_RESULTS = """
    select r.*
    from results as r
    semi join (
        select production_date, arg_max(run_id, validated_at) as run_id
        from audit.validation_runs
        group by production_date
    ) as latest on latest.production_date = r._day and latest.run_id = r.run_id
"""

_ALL_RESULTS = "select * from results"

SQL_VALIDATION_COUNTS = """
select (select count(*) from audit.validation_results) as results,
       count(*) filter (where _day is null or _day not between $start and $end) as other_dates,
       count(*) filter (where _day is null) as undated
from kept
"""

SQL_VALIDATION_PER_DATE = """
select production_date, checks, passed, checks - passed as failed,
       case when passed = checks then 'passed' else 'FAILED' end as status
from (
    select _day as production_date, count(*) as checks, count(*) filter (where _ok) as passed
    from kept
    where _day between $start and $end
    group by _day
)
order by production_date
"""

SQL_VALIDATION_FAILURES = """
select * exclude (_row, _day, _ok)
from kept
where _day between $start and $end and _ok is not true
order by _row
limit 500
"""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def validation_sql(sql: str, day: str, ok: str, latest_run_only: bool) -> str:
    """A SQL_VALIDATION_* query on the (whitelisted) date and pass columns of the results."""
    kept = _LATEST_RUN_RESULTS if latest_run_only else _ALL_RESULTS
    return _VALIDATION_RESULTS.format(day=_ident(day), ok=_ident(ok), kept=kept) + sql


# --------------------------------------------------------------------------------------------
# Finished goods: what the plant finished (plant file `products.<id>.kind`, gold.dim_product),
# not the sum of every stage's output (ore, plates and gears counted again at each step).
# --------------------------------------------------------------------------------------------

FINISHED_KIND = "finished"  # gold.dim_product.product_kind of what leaves the plant

SQL_FINISHED_PRODUCTS = """
select product_id, product_name from gold.dim_product where product_kind = $kind
order by product_id
"""

# The finished units of the selection per production date (gold.product_selection: the batches
# of the selected dates, shifts and machines); the dates that finished nothing have no row.
SQL_FINISHED_UNITS_DAILY = """
select s.production_date, sum(s.produced_qty) as produced_qty, sum(s.good_qty) as good_qty
from gold.product_selection($start, $end, $shifts, $machines, true) as s
semi join gold.dim_product as p on p.product_id = s.product_id and p.product_kind = $kind
group by s.production_date
order by s.production_date
"""

# --------------------------------------------------------------------------------------------
# Targets (gold.dim_target: the plant file's KPI targets, one effective row per plant, line and
# machine) and alarms (audit.alerts, written by the alert rules of `notify/`).
# --------------------------------------------------------------------------------------------

SQL_TARGETS = """
select scope, scope_id, oee, availability, performance, quality, defined_at
from gold.dim_target
order by scope, scope_id
"""

# The selection's alarms, newest first, with the plant-local time they were raised. An alarm of
# no machine (a failed run, a late source) shows whatever machines are picked; one of no
# production date counts on the plant-local day it was raised.
SQL_ALERTS = """
select timezone($tz, raised_at) as raised_at_local, severity, message, rule, production_date,
       machine_id, shift_code, source, observed, threshold, notified, run_id, alert_id
from audit.alerts
where coalesce(production_date, cast(timezone($tz, raised_at) as date)) between $start and $end
  and (machine_id is null or list_contains($machines, machine_id))
  and (shift_code is null or len($shifts) = 0 or list_contains($shifts, shift_code))
order by raised_at desc, alert_id
limit 500
"""

# --------------------------------------------------------------------------------------------
# Losses (gold.kpi_loss_tree, gold.kpi_downtime_pareto)
# --------------------------------------------------------------------------------------------

# One scope's loss tree summed over the period (the columns are additive seconds): $grain is
# the scope's own grain when its rows hold just the selected machines (plant_day: no machine or
# line; line_day: $line), else machine_day (some machines picked) or machine_shift (some shifts
# picked), bounded by $machines.
SQL_LOSS_TREE = (
    "select count(*) as rows_summed, sum(planned_busy_time_s) as planned_busy_time_s, "
    + ", ".join(f"sum({c}) as {c}" for c, _, _ in LOSSES)
    + """, sum(fully_productive_time_s) as fully_productive_time_s
from gold.kpi_loss_tree
where grain = $grain
  and production_date between $start and $end
  and ($line is null or line_id = $line)
  and (machine_id is null or list_contains($machines, machine_id))
  and (len($shifts) = 0 or list_contains($shifts, shift_code))
having count(*) > 0
"""
)

# One machine's loss tree per shift over the period.
SQL_SHIFT_LOSSES = (
    "select shift_code, sum(planned_busy_time_s) as planned_busy_time_s, "
    + ", ".join(f"sum({c}) as {c}" for c, _, _ in LOSSES)
    + """, sum(fully_productive_time_s) as fully_productive_time_s
from gold.kpi_loss_tree
where grain = 'machine_shift'
  and production_date between $start and $end
  and machine_id = $machine
group by shift_code
"""
)

# The crew: operators who signed in on the machine, per shift, over the period.
SQL_CREW = """
select o.shift_code, o.operator_id,
       coalesce(any_value(d.operator_name), o.operator_id) as operator_name,
       count(distinct o.production_date) as days, sum(o.worked_s) / 3600 as worked_h
from gold.kpi_operator_daily as o
left join gold.dim_operator as d on d.operator_id = o.operator_id
where o.production_date between $start and $end and o.machine_id = $machine
group by o.shift_code, o.operator_id
order by o.shift_code, worked_h desc, o.operator_id
"""

# The downtime Pareto of the selected dates, shifts and machines: gold.downtime_selection (dbt,
# macros/loss_tree.sql) sums events and loss time per loss category × cause and rolls MTBF and
# MTTR up over the selection; largest loss first.
SQL_DOWNTIME_PARETO = """
select loss_category, cause_code, cause_text, event_count, loss_time_s, mtbf_s, mttr_s
from gold.downtime_selection($start, $end, $shifts, $machines)
order by loss_time_s desc, loss_category, cause_code
"""


# --------------------------------------------------------------------------------------------
# Reconciliation and lineage (issue 21 §3-§4): the sources set against each other per
# machine-shift, and from a machine-day to its fact rows with the landing file and line of each
# --------------------------------------------------------------------------------------------

SQL_RECONCILIATION = """
select production_date, machine_id, shift_code, is_beyond_tolerance, finding,
       batch_units, counter_units, qc_units, counter_minus_batch_units, qc_minus_batch_units,
       units_tolerance, counter_difference_cause, qc_difference_cause,
       running_s_log, running_s_plc, state_time_difference_s, state_time_tolerance_s,
       state_time_difference_cause
from gold.kpi_reconciliation_daily
where production_date between $start and $end
  and (len($shifts) = 0 or list_contains($shifts, shift_code))
  and list_contains($machines, machine_id)
order by production_date, machine_id, shift_code
"""

# The KPI row an analyst starts from: one machine-day of kpi_machine_daily; then its facts, the
# landing file and line first (what the drill-down is for).
SQL_LINEAGE_MACHINE_DAY = """
select production_date, machine_id, produced_qty, good_qty, scrap_qty, rework_qty,
       planned_busy_time_s, actual_production_time_s, oee
from gold.kpi_machine_daily
where production_date = $day and machine_id = $machine
"""

SQL_LINEAGE_BATCHES = """
select batch_id, source_file, source_row_number, shift_code, product_id, started_at, ended_at,
       produced_qty, good_qty, scrap_qty, rework_qty
from gold.fct_production_batch
where production_date = $day and machine_id = $machine
order by started_at, batch_id
"""

SQL_LINEAGE_STATES = """
select state, source_file, source_row_number, shift_code, started_at, ended_at, duration_s,
       detail
from gold.fct_machine_state
where production_date = $day and machine_id = $machine
order by started_at, machine_state_id
"""

SQL_LINEAGE_CHECKS = """
select check_id, source_file, source_row_number, batch_id, shift_code, checked_at,
       reason_category, disposition, sample_size, defects_found
from gold.fct_quality_check
where production_date = $day and machine_id = $machine
order by checked_at, check_id
"""
