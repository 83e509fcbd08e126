"""Great Expectations (1.x) suites for bronze and silver, validated on pandas frames.

What lives here and what lives in dbt (one owner per rule): every rule each silver row must
satisfy and SQL can say (not null, unique, accepted values, relationships, ranges, one column
against another) is a dbt data test on the staging model (`_<source>__models.yml`), run by the
same `dbt build` that makes the model, so a failure stops the build before anything downstream,
publish included. GX keeps what dbt does not do here:
- bronze, per delivery date: the delivered file's shape (columns present, lineage filled, counts
  written as digits) on the rows one delivery added; dbt tests silver models, not deliveries;
- silver, the frame as a whole: the column types silver hands on (staging views have no dbt
  contract, gold has), the share of missing values a source may have (`mostly`: 2 % nulls are
  chaos, more than 15 % an outage) and freshness (the latest production date).

Why pandas: GX 1.24 cannot validate DuckDB through its SQL datasource (every metric fails), so a
suite's query is read into a dataframe and validated with an ephemeral context (STACK_NOTES).
Why lazy: `import great_expectations` costs 10–18 s; only a running check pays it.
Severity: `critical` failures block (Dagster ERROR, blocking check); `warning` ones are recorded
and shown but do not block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from ingestion.versions import current_view

CRITICAL, WARNING = "critical", "warning"
INT_TYPES = ["int8", "int16", "int32", "int64", "Int8", "Int16", "Int32", "Int64"]


@dataclass(frozen=True)
class Expectation:
    """One expectation: GX class name, its arguments and the severity of a failure."""

    kind: str
    kwargs: dict[str, Any]
    severity: str = CRITICAL


@dataclass(frozen=True)
class Suite:
    """A named suite over the rows one query returns (bound to the partition, if any)."""

    name: str
    layer: str  # bronze | silver
    table: str  # the asset's table, e.g. "production_batches"
    query: str
    expectations: Callable[[dict[str, Any]], list[Expectation]]
    partitioned: bool = False
    source: str = ""  # the landing source whose rows it judges (plant file `sources`)


def _columns_exist(*columns: str) -> list[Expectation]:
    return [Expectation("ExpectColumnToExist", {"column": c}) for c in columns]


def _not_null(*columns: str, mostly: float = 1.0, severity: str = CRITICAL) -> list[Expectation]:
    return [
        Expectation("ExpectColumnValuesToNotBeNull", {"column": c, "mostly": mostly}, severity)
        for c in columns
    ]


def _integer_typed(*columns: str) -> list[Expectation]:
    return [
        Expectation("ExpectColumnValuesToBeInTypeList", {"column": c, "type_list": INT_TYPES})
        for c in columns
    ]


def _digits(column: str) -> Expectation:
    return Expectation("ExpectColumnValuesToMatchRegex", {"column": column, "regex": DIGITS})


LINEAGE = ("_source_file", "_file_sha256", "_row_number", "_delivery_date", "_loaded_at")
DIGITS = r"^\s*\d+\s*$"
# chaos 3 writes 2 % of sensor values as null at default (6 % heavy): more than 15 % is an outage
SENSOR_NULLS_MOSTLY = 0.85


def _bronze_batches(_: dict[str, Any]) -> list[Expectation]:
    return [
        *_columns_exist(
            "batch_id",
            "machine_id",
            "product",
            "start_time",
            "end_time",
            "units_produced",
            "units_defective",
            *LINEAGE,
        ),
        *_not_null("batch_id", *LINEAGE),
        _digits("units_produced"),
        _digits("units_defective"),
    ]


def _bronze_qc(_: dict[str, Any]) -> list[Expectation]:
    return [
        *_columns_exist("check_id", "batch_id", "defects_found", "disposition", *LINEAGE),
        *_not_null("check_id", "batch_id", *LINEAGE),
        _digits("defects_found"),
    ]


def _bronze_sensors(_: dict[str, Any]) -> list[Expectation]:
    return [
        *_columns_exist(
            "device_id", "machine", "ts", "received_at", "temperature_c", "pressure_bar", *LINEAGE
        ),
        *_not_null("device_id", "ts", *LINEAGE),
        *_not_null(
            "temperature_c",
            "pressure_bar",
            "power_kw",
            mostly=SENSOR_NULLS_MOSTLY,
            severity=WARNING,
        ),
    ]


def _silver_batches(params: dict[str, Any]) -> list[Expectation]:
    import pandas as pd

    fresh_from = pd.Timestamp(params["latest_delivery"] - timedelta(days=2))
    return [
        *_integer_typed("units_produced", "units_defective"),
        Expectation(
            "ExpectColumnMaxToBeBetween",
            {"column": "production_date", "min_value": fresh_from},
            WARNING,
        ),
    ]


def _silver_qc(_: dict[str, Any]) -> list[Expectation]:
    return _integer_typed("sample_size", "defects_found")


def _silver_sensors(_: dict[str, Any]) -> list[Expectation]:
    return _not_null(
        "temperature_c",
        "pressure_bar",
        "power_kw",
        "vibration_mm_s",
        mostly=SENSOR_NULLS_MOSTLY,
        severity=WARNING,
    )


def _bronze_query(table: str, columns: str) -> str:
    """The rows of a delivery-date range (one partition: first = last)."""
    view = current_view(f"bronze.{table}")  # current file versions: what silver reads
    return f"select {columns} from {view} where _delivery_date between ? and ?"  # noqa: S608


def _silver_query(view: str, columns: str) -> str:
    """The staging view's rows of a delivery-date range: the rows a run's deliveries brought, as
    silver resolves them (a whole-history check passes the widest range)."""
    return f"select {columns} from silver.{view} where delivery_date between ? and ?"  # noqa: S608


def bronze_rows_by_date(
    con: duckdb.DuckDBPyConnection, suite: Suite, first: date, last: date
) -> dict[date, int]:
    """How many rows a bronze suite would read per delivery date in [first, last]."""
    assert suite.layer == "bronze" and suite.partitioned
    rows = con.execute(
        f"select _delivery_date, count(*) from {current_view(f'bronze.{suite.table}')} "  # noqa: S608
        "where _delivery_date between ? and ? group by 1",
        [first, last],
    ).fetchall()
    return dict(rows)


SUITES: tuple[Suite, ...] = (
    Suite(
        "bronze_production_batches",
        "bronze",
        "production_batches",
        _bronze_query("production_batches", "*"),
        _bronze_batches,
        partitioned=True,
        source="production_batches",
    ),
    Suite(
        "bronze_qc_checks",
        "bronze",
        "qc_checks",
        _bronze_query("qc_checks", "*"),
        _bronze_qc,
        partitioned=True,
        source="qc_checks",
    ),
    Suite(
        "bronze_sensor_logs",
        "bronze",
        "sensor_logs",
        _bronze_query("sensor_logs", "*"),
        _bronze_sensors,
        partitioned=True,
        source="sensor_logs",
    ),
    Suite(
        "silver_production_batches",
        "silver",
        "stg_mes__production_batches",
        # only the columns the expectations read (the row rules are dbt tests)
        _silver_query(
            "stg_mes__production_batches", "units_produced, units_defective, production_date"
        ),
        _silver_batches,
        partitioned=True,
        source="production_batches",
    ),
    Suite(
        "silver_qc_checks",
        "silver",
        "stg_mes__qc_checks",
        _silver_query("stg_mes__qc_checks", "sample_size, defects_found"),
        _silver_qc,
        partitioned=True,
        source="qc_checks",
    ),
    Suite(
        "silver_sensor_readings",
        "silver",
        "stg_sensors__sensor_readings",
        # only the columns the expectations read: a year of readings is ~2 M rows, and the
        # lineage strings would triple the frame (about 1 GB more at 365 days)
        _silver_query(
            "stg_sensors__sensor_readings", "temperature_c, pressure_bar, power_kw, vibration_mm_s"
        ),
        _silver_sensors,
        partitioned=True,
        source="sensor_logs",
    ),
)


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, flattened for audit and Dagster metadata."""

    suite: str
    expectation: str
    column_name: str | None
    severity: str
    success: bool
    observed: str


def suite_params(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Values expectations depend on: the latest delivery date loaded (for freshness)."""
    latest = con.execute("select max(delivery_date) from bronze._files").fetchone()[0]
    return {"latest_delivery": latest or date.today()}


def _gx_expectation(gx: Any, expectation: Expectation) -> Any:
    expectation_class = getattr(gx.expectations, expectation.kind)
    return expectation_class(**expectation.kwargs, severity=expectation.severity)


def validate_suite(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    partition: date | None = None,
    last: date | None = None,
) -> list[Outcome]:
    """Run one suite on its query's rows and return every expectation's outcome (a partitioned
    suite reads the delivery dates `partition` .. `last`, or `partition` alone)."""
    import great_expectations as gx  # lazy: 10–18 s

    params = [partition, last or partition] if suite.partitioned else []
    frame = con.execute(suite.query, params).df()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(name=suite.name)
    asset = source.add_dataframe_asset(name=suite.table)
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    expectations = [
        _gx_expectation(gx, expectation) for expectation in suite.expectations(suite_params(con))
    ]
    gx_suite = gx.ExpectationSuite(name=suite.name, expectations=expectations)
    validation = batch.validate(gx_suite, result_format="SUMMARY")
    outcomes = []
    for checked in validation.results:
        config = checked.expectation_config
        observed = checked.result.get("observed_value", checked.result.get("unexpected_percent"))
        if checked.exception_info and checked.exception_info.get("raised_exception"):
            observed = checked.exception_info.get("exception_message")
        severity = getattr(config.severity, "value", config.severity)
        outcomes.append(
            Outcome(
                suite.name,
                config.type,
                config.kwargs.get("column"),
                str(severity),
                bool(checked.success),
                str(observed)[:500],
            )
        )
    return outcomes
