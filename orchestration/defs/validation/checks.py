"""The truth gate and the expectation suites as Dagster asset checks.

Why: the UI shows each verdict on the asset it judges, per production date (or delivery date for
bronze); `blocking=True` makes an ERROR-severity failure stop every downstream asset of the run,
so `publish` never copies gold that failed truth or silver that failed a critical expectation.
Warnings (severity WARN) are recorded and shown but never block.
"""

import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    Output,
    PreviewWarning,
    multi_asset_check,
)

from ground_truth import audit
from ground_truth.gate import run_gate
from ground_truth.marts import MARTS
from ground_truth.outcome import DateVerdict, GateOutcome
from orchestration.check_dates import FAILED_DATES, WARNING_DATES, dates_metadata
from orchestration.defs.bronze.assets import bronze_key
from orchestration.defs.validation.suites import (
    CRITICAL,
    SUITES,
    Outcome,
    Suite,
    bronze_rows_by_date,
    validate_suite,
)
from orchestration.instance import WRITER_POOL
from orchestration.partitions import (
    delivery_date_partitions,
    production_date_partitions,
    run_dates,
    run_partition_dates,
)
from orchestration.resources import WarehouseResource
from plants.home import home_plant
from plants.model import NOT_DELIVERED

TRUTH_CHECK, RECALL_CHECK, GX_CHECK = "matches_truth", "chaos_recall", "expectations"
DETECTION_CHECK = "detects_injected_anomalies"
QUALITY_ASSET = AssetKey(["gold", "data_quality_daily"])
ANOMALY_ASSET = AssetKey(["gold", "fct_anomaly"])
MAX_LISTED = 20


def gold_key(table: str) -> AssetKey:
    return AssetKey(["gold", table])


def _truth_metadata(outcome: GateOutcome, table: str, verdict: DateVerdict) -> dict:
    """What one date's verdict on one mart rests on: its truth status, metrics and failures."""
    results = [r for r in verdict.results if r.mart == table]
    failures = [r for r in results if not r.passed]
    lines = [
        f"{r.production_date} {r.key} {r.metric}: expected {r.expected}, got {r.actual}"
        for r in failures[:MAX_LISTED]
    ]
    return {
        "truth_status": verdict.truth_status,
        "metrics_checked": len(results),
        "metrics_failed": len(failures),
        "failures": "\n".join(lines) or "none",
        "report": str(outcome.report),
    }


# Partitioned asset checks are a Dagster preview feature: they give one verdict per partition.
# Truth is judged per production date, so `matches_truth` is partitioned and every run (one date
# or a range) records one verdict per date. Chaos recall is measured over the run's dates
# together (too few injections a day to judge one): one unpartitioned verdict per run.
with warnings.catch_warnings(action="ignore", category=PreviewWarning):
    TRUTH_SPECS = [
        AssetCheckSpec(
            TRUTH_CHECK,
            asset=gold_key(m.table),
            blocking=True,
            partitions_def=production_date_partitions,
            description=f"Every row and metric equals truth.json `{m.section}` within "
            "the tolerances of data_contract §9 (ground_truth/tolerances.py).",
        )
        for m in MARTS
    ] + [
        AssetCheckSpec(
            RECALL_CHECK,
            asset=QUALITY_ASSET,
            description="Each injected chaos type is detected and handled over the run's "
            "production dates (WARN only).",
        ),
        AssetCheckSpec(
            DETECTION_CHECK,
            asset=ANOMALY_ASSET,
            description="Precision, recall and delay of gold.fct_anomaly against truth.json "
            "injected_anomalies per kind, over the run's dates after the baseline's period "
            "(ground_truth/detection.py; WARN only).",
        ),
    ]


def _truth_verdicts(outcome: GateOutcome, table: str) -> Iterator[AssetCheckEvaluation]:
    """One blocking verdict of a mart per production date of the run, each on its partition."""
    for verdict in outcome.dates:
        failed = [r for r in verdict.failures if r.mart == table]
        yield AssetCheckEvaluation(
            asset_key=gold_key(table),
            check_name=TRUTH_CHECK,
            passed=not failed,
            severity=AssetCheckSeverity.ERROR,
            blocking=True,
            partition=verdict.production_date.isoformat(),
            metadata=_truth_metadata(outcome, table, verdict),
        )


@multi_asset_check(specs=TRUTH_SPECS, name="truth_gate", can_subset=True, pool=WRITER_POOL)
def truth_gate(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> Iterator:
    """Compare the run's production dates with truth; the verdicts of the selected checks.

    Subsettable, so one mart materialized from the UI runs its own check: the gate still
    compares every mart (its audit rows are what publish requires of all of gold) but reports
    only what the run selected. A failed verdict fails the step, so nothing downstream (publish)
    runs."""
    days = run_dates(context.op_execution_context) or []
    selected = context.selected_asset_check_keys
    con = warehouse.connect()
    try:
        outcome = run_gate(con, warehouse.home_path, days, context.op_execution_context.run_id)
    finally:
        con.close()
    assets_def = context.op_execution_context.assets_def
    for mart in MARTS:
        check_key = AssetCheckKey(gold_key(mart.table), TRUTH_CHECK)
        if check_key not in selected:
            continue
        yield from _truth_verdicts(outcome, mart.table)
        # the check's output, which gates the steps downstream (the verdicts are above)
        yield Output(None, output_name=assets_def.get_output_name_for_asset_check_key(check_key))
    if AssetCheckKey(ANOMALY_ASSET, DETECTION_CHECK) in selected:
        yield _detection_result(outcome)
    if AssetCheckKey(QUALITY_ASSET, RECALL_CHECK) not in selected:
        return
    missed = [f"{r.chaos_type}: {r.detected}/{r.injected}" for r in outcome.recall if not r.passed]
    yield AssetCheckResult(
        asset_key=QUALITY_ASSET,
        check_name=RECALL_CHECK,
        passed=not missed,
        severity=AssetCheckSeverity.WARN,
        description="; ".join(missed) or None,
        metadata={r.chaos_type: f"{r.detected}/{r.injected}" for r in outcome.recall},
    )


def _detection_result(outcome: GateOutcome) -> AssetCheckResult:
    """Anomaly detection against truth: a warning when a kind misses its targets."""
    short = [s for s in outcome.detection if not s.passed]
    return AssetCheckResult(
        asset_key=ANOMALY_ASSET,
        check_name=DETECTION_CHECK,
        passed=not short,
        severity=AssetCheckSeverity.WARN,
        description="; ".join(
            f"{s.kind}: recall {s.recall}, precision {s.precision}" for s in short
        )
        or (None if outcome.detection_window else "no date scored against a baseline yet"),
        metadata={
            s.kind: f"{s.detected}/{s.injected} found, {s.true_flags}/{s.flags} flags true, "
            f"median delay {s.median_delay_days} d"
            for s in outcome.detection
        },
    )


def suite_asset(suite: Suite) -> AssetKey:
    if suite.layer == "bronze":
        return bronze_key(suite.table)
    return AssetKey(["silver", suite.table])


def _gx_result(suite: Suite, outcomes: list[Outcome]) -> AssetCheckResult:
    failed = [o for o in outcomes if not o.success]
    critical = [o for o in failed if o.severity == CRITICAL]
    lines = [
        f"[{o.severity}] {o.expectation}({o.column_name}): observed {o.observed}"
        for o in failed[:MAX_LISTED]
    ]
    return _suite_verdict(suite, len(failed), len(critical), lines, {"expectations": len(outcomes)})


def _suite_verdict(
    suite: Suite, failed: int, critical: int, lines: list[str], metadata: dict
) -> AssetCheckResult:
    """A suite's asset check: failed when any expectation failed, an ERROR when one was critical."""
    return AssetCheckResult(
        asset_key=suite_asset(suite),
        check_name=GX_CHECK,
        passed=not failed,
        severity=AssetCheckSeverity.ERROR if critical else AssetCheckSeverity.WARN,
        description=f"{critical} critical, {failed - critical} warning failures"
        if failed
        else None,
        metadata={
            "suite": suite.name,
            **metadata,
            "failed_critical": critical,
            "failed_warning": failed - critical,
            "failures": "\n".join(lines) or "none",
        },
    )


def _not_delivered_result(suite: Suite) -> AssetCheckResult:
    """A suite over a source the plant does not deliver: passed, and says why it read nothing
    (an absent source is a fact of the plant, not an error)."""
    return AssetCheckResult(
        asset_key=suite_asset(suite),
        check_name=GX_CHECK,
        passed=True,
        description=f"{NOT_DELIVERED}: nothing to validate",
        metadata={"suite": suite.name, "source": suite.source, "delivered": False},
    )


def _delivered(warehouse: WarehouseResource) -> Callable[[str], bool]:
    """Whether the home's plant delivers a source (a suite without a source always runs)."""
    plant = home_plant(warehouse.home_path)
    return lambda source: not source or plant.delivers(source)


def _record(con, run_id: str, suite: Suite, partition: str | None, outcomes: list) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "run_id": run_id,
            "validated_at": now,
            "layer": suite.layer,
            "suite": o.suite,
            "partition_key": partition,
            "expectation": o.expectation,
            "column_name": o.column_name,
            "severity": o.severity,
            "success": o.success,
            "observed": o.observed,
        }
        for o in outcomes
    ]
    audit.append(con, "expectation_results", rows)


def _gx_specs(layer: str) -> list[AssetCheckSpec]:
    partitions = delivery_date_partitions if layer == "bronze" else None
    with warnings.catch_warnings(action="ignore", category=PreviewWarning):
        return [
            AssetCheckSpec(
                GX_CHECK,
                asset=suite_asset(s),
                blocking=True,
                partitions_def=partitions,
                description=f"Great Expectations suite `{s.name}` (critical blocks, "
                "warning does not)",
            )
            for s in SUITES
            if s.layer == layer
        ]


ALL_DELIVERIES = (date.min, date.max)


def _run_suites(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource, layer: str
) -> Iterator[AssetCheckResult]:
    selected = {k.asset_key for k in context.selected_asset_check_keys}
    partition = context.op_execution_context.partition_key if layer == "bronze" else None
    # Silver suites read the rows of the run's deliveries (all of them outside a partitioned run).
    first, last = run_partition_dates(context.op_execution_context) or ALL_DELIVERIES
    delivered = _delivered(warehouse)
    con = warehouse.connect()
    try:
        for suite in SUITES:
            if suite.layer != layer or suite_asset(suite) not in selected:
                continue
            if not delivered(suite.source):
                yield _not_delivered_result(suite)
                continue
            if partition:
                outcomes = validate_suite(con, suite, date.fromisoformat(partition))
            else:
                outcomes = validate_suite(con, suite, first, last)
            _record(con, context.op_execution_context.run_id, suite, partition, outcomes)
            yield _gx_result(suite, outcomes)
    finally:
        con.close()


# A range run validates its rows in batches of whole delivery dates: GX reads a pandas frame, so a
# batch bounds the memory (a year of sensor readings is ~2 M rows), and one validation per batch
# instead of per date keeps GX's fixed cost (~0.4 s a suite) from growing with the range.
MAX_BATCH_ROWS = 200_000
Batch = tuple[date, date, list[Outcome]]


def _bronze_batches(con, suite: Suite, days: list[date]) -> list[tuple[date, date]]:
    """Consecutive date ranges covering `days`, each holding at most MAX_BATCH_ROWS rows
    (unless one date alone holds more)."""
    counts = bronze_rows_by_date(con, suite, days[0], days[-1])
    batches, start, rows = [], days[0], 0
    for prev, day in pairwise(days):
        rows += counts.get(prev, 0)
        if rows and rows + counts.get(day, 0) > MAX_BATCH_ROWS:
            batches.append((start, prev))
            start, rows = day, 0
    return [*batches, (start, days[-1])]


def _validate_bronze(con, suite: Suite, days: list[date]) -> list[Batch]:
    """Validate the run's dates batch by batch. A batch with a critical failure is validated
    again date by date, so the failure names its delivery dates (critical expectations hold for
    every row, so a batch that passes passes for each of its dates)."""
    validated: list[Batch] = []
    for first, last in _bronze_batches(con, suite, days):
        outcomes = validate_suite(con, suite, first, last)
        if first < last and any(not o.success and o.severity == CRITICAL for o in outcomes):
            validated += [
                (day, day, validate_suite(con, suite, day)) for day in days if first <= day <= last
            ]
        else:
            validated.append((first, last, outcomes))
    return validated


def _batch_key(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first}..{last}"


def _gx_range_result(suite: Suite, batches: list[Batch]) -> AssetCheckResult:
    """One verdict for a run over a range of delivery dates; failures name their dates."""
    failed = [
        (first, last, outcome)
        for first, last, outcomes in batches
        for outcome in outcomes
        if not outcome.success
    ]
    critical = [failure for failure in failed if failure[2].severity == CRITICAL]
    lines = [
        f"{_batch_key(first, last)} [{outcome.severity}] {outcome.expectation}"
        f"({outcome.column_name}): observed {outcome.observed}"
        for first, last, outcome in failed[:MAX_LISTED]
    ]
    # a critical failure is re-validated date by date (_validate_bronze): it names its date
    failed_dates = {first for first, last, _ in critical if first == last}
    warned = {(first, last) for first, last, _ in failed} - {
        (first, last) for first, last, _ in critical
    }
    warning_dates = [
        first + timedelta(days=offset)
        for first, last in warned
        for offset in range((last - first).days + 1)
    ]
    metadata = {
        "delivery_dates": f"{batches[0][0]} .. {batches[-1][1]}",
        "batches": len(batches),
        "expectations": len(batches[0][2]),
        FAILED_DATES: dates_metadata(failed_dates),
        WARNING_DATES: dates_metadata(warning_dates),
    }
    return _suite_verdict(suite, len(failed), len(critical), lines, metadata)


def _run_bronze_suites(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[AssetCheckResult]:
    """One partition: its rows, as always. A range (one run for many delivery dates): the
    range's rows in batches. Either way only the run's rows are read, whatever the history."""
    selected = {k.asset_key for k in context.selected_asset_check_keys}
    days = run_dates(context.op_execution_context)
    if not days:
        raise ValueError("bronze expectations judge delivery-date partitions: run with one")
    run_id = context.op_execution_context.run_id
    delivered = _delivered(warehouse)
    con = warehouse.connect()
    try:
        for suite in SUITES:
            if suite.layer != "bronze" or suite_asset(suite) not in selected:
                continue
            if not delivered(suite.source):
                yield _not_delivered_result(suite)
                continue
            if len(days) == 1:
                outcomes = validate_suite(con, suite, days[0])
                _record(con, run_id, suite, days[0].isoformat(), outcomes)
                yield _gx_result(suite, outcomes)
                continue
            batches = _validate_bronze(con, suite, days)
            for first, last, outcomes in batches:
                _record(con, run_id, suite, _batch_key(first, last), outcomes)
            yield _gx_range_result(suite, batches)
    finally:
        con.close()


@multi_asset_check(
    specs=_gx_specs("bronze"), name="bronze_expectations", can_subset=True, pool=WRITER_POOL
)
def bronze_expectations(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[AssetCheckResult]:
    """GX suites on the bronze rows of the run's delivery date (or date range)."""
    yield from _run_bronze_suites(context, warehouse)


@multi_asset_check(
    specs=_gx_specs("silver"), name="silver_expectations", can_subset=True, pool=WRITER_POOL
)
def silver_expectations(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[AssetCheckResult]:
    """GX suites on silver staging models: the deliveries of the run's window, or all of them."""
    yield from _run_suites(context, warehouse, "silver")


def validation_checks() -> list:
    return [truth_gate, bronze_expectations, silver_expectations]
