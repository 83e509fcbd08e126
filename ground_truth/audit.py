"""The `audit` schema: append-only records of every validation, expectation run and publication.

Why: a gate is only trustworthy if its verdicts can be inspected afterwards; every run appends
under its Dagster run id, so history is kept and the serving copy carries the latest verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import duckdb
import pyarrow as pa

DDL = (
    "create schema if not exists audit",
    """create table if not exists audit.validation_results (
        run_id varchar not null, production_date date not null, mart varchar not null,
        key varchar not null, metric varchar not null, expected varchar, actual varchar,
        tolerance double, passed boolean not null)""",
    """create table if not exists audit.validation_runs (
        run_id varchar not null, validated_at timestamptz not null,
        production_date date not null, truth_status varchar not null,
        metrics_checked bigint not null, metrics_passed bigint not null,
        metrics_failed bigint not null, passed boolean not null)""",
    """create table if not exists audit.chaos_recall (
        run_id varchar not null, validated_at timestamptz not null, date_from date,
        date_to date, chaos_type varchar not null, injected bigint not null,
        detected bigint not null, handled_elsewhere bigint not null, recall double,
        passed boolean not null, note varchar)""",
    # precision, recall and delay of anomaly detection per kind (ground_truth/detection.py)
    """create table if not exists audit.anomaly_detection (
        run_id varchar not null, validated_at timestamptz not null, date_from date,
        date_to date, kind varchar not null, injected bigint not null, detected bigint not null,
        flags bigint not null, true_flags bigint not null, recall double, precision double,
        median_delay_days double, passed boolean not null)""",
    """create table if not exists audit.expectation_results (
        run_id varchar not null, validated_at timestamptz not null, layer varchar not null,
        suite varchar not null, partition_key varchar, expectation varchar not null,
        column_name varchar, severity varchar not null, success boolean not null,
        observed varchar)""",
    """create table if not exists audit.publications (
        published_at timestamptz not null, run_id varchar not null,
        production_dates date[], covered_from date, covered_to date,
        validation_status varchar not null, metrics_checked bigint, metrics_failed bigint,
        serving_path varchar)""",
    # what each silver/gold build read (orchestration/defs/dbt/build_inputs.py), so a build with
    # nothing new can be skipped
    """create table if not exists audit.build_inputs (
        run_id varchar not null, started_at timestamptz not null, fingerprint varchar not null)""",
    # alerts a run raised and the mail sent about them or a report (notify/: its rules, its mail)
    """create table if not exists audit.alerts (
        alert_id varchar not null, run_id varchar, raised_at timestamptz not null,
        rule varchar not null, severity varchar not null, production_date date,
        machine_id varchar, shift_code varchar, source varchar, observed double,
        threshold double, message varchar not null, notified boolean not null)""",
    """create table if not exists audit.deliveries (
        delivery_id varchar not null, run_id varchar, attempted_at timestamptz not null,
        kind varchar not null, recipients varchar[], subject varchar, attachments varchar[],
        status varchar not null, attempts bigint not null, error varchar)""",
)

TABLES = (
    "validation_results",
    "validation_runs",
    "chaos_recall",
    "anomaly_detection",
    "expectation_results",
    "publications",
    "build_inputs",
    "alerts",
    "deliveries",
)


def ensure_audit(con: duckdb.DuckDBPyConnection) -> None:
    """Create the audit schema and tables when missing."""
    for statement in DDL:
        con.execute(statement)


def append(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Append rows (dicts with the table's column names) in one statement via Arrow."""
    if table not in TABLES:
        raise ValueError(f"not an audit table: {table}")
    if not rows:
        return
    ensure_audit(con)
    columns = list(rows[0])
    # column-wise: a year's gate appends ~280,000 results, and row-wise conversion took seconds
    batch = pa.table({c: [r[c] for r in rows] for c in columns})  # noqa: F841 (read by the SQL)
    names = ", ".join(columns)
    con.execute(f"insert into audit.{table} ({names}) select {names} from batch")  # noqa: S608


def as_rows(run_id: str, records: Sequence[Any]) -> list[dict[str, Any]]:
    """Dataclass records as audit rows, prefixed with the run id."""
    if not records:
        return []
    names = [f.name for f in fields(records[0])]
    # getattr, not dataclasses.astuple: astuple deep-copies every value (5 s for 23,000 results)
    return [{"run_id": run_id, **{n: getattr(r, n) for n in names}} for r in records]
