"""Cross-source reconciliation (issue 21 §3): per machine-shift, batches vs the PLC counter vs QC
samples and logs vs PLC State, each difference with its tolerance and cause; beyond tolerance a
data-quality finding and an alert, published with the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli.run import run_transform
from ingestion.warehouse import connect
from notify.alerts import RECONCILIATION
from orchestration.defs.serving.publish import connect_serving
from tests.conftest import ONE_DAY
from tests.homes import copy_built, read_truths

RESET = "PLC counter reset to 0"  # the generator's truth detail of a reset (chaos counter_resets)


def _serving_dicts(home: Path, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    """Rows of one query on the serving copy, each a dict by column name."""
    con = connect_serving(home)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _rows_by_shift(home: Path) -> dict[tuple, dict[str, Any]]:
    rows = _serving_dicts(home, "select * from gold.kpi_reconciliation_daily")
    return {(r["production_date"], r["machine_id"], r["shift_code"]): r for r in rows}


def test_counter_resets_are_named_as_the_cause_of_the_counter_shortfall(pipeline_home) -> None:
    """Every reset the generator injected shows in its machine-shift (the interval ending at the
    reset belongs to the shift of the read before it), costs the counter at most the tolerance,
    and is the cause the mart names; no counter difference of the home is left unexplained."""
    home = pipeline_home
    resets = [
        (entry["key"].split(".TotalCount@")[0], int(entry["key"].rsplit("@", 1)[1]))
        for truth in read_truths(home).values()
        for entry in truth["chaos"]
        if entry["name"] == "counter_resets" and entry["detail"] == RESET
    ]
    assert resets, "the default chaos of pipeline_home resets some counters"
    rows = _rows_by_shift(home)
    shortfalls = 0
    for machine, at in resets:
        ((day, shift),) = [
            (s["production_date"], s["shift_code"])
            for s in _serving_dicts(
                home,
                "select production_date, shift_code from gold.dim_shift "
                "where started_at <= to_timestamp(?) and to_timestamp(?) < ended_at",
                [at - 1, at - 1],
            )
        ]
        row = rows[(day, machine, shift)]
        assert row["counter_resets"] >= 1, row
        assert -row["units_tolerance"] <= row["counter_minus_batch_units"] <= 0, row
        if row["counter_minus_batch_units"] < 0:
            shortfalls += 1
            assert "counter reset" in row["counter_difference_cause"], row
    assert shortfalls, "a reset loses the units made since the read before it"
    causes = {r["counter_difference_cause"] for r in rows.values()}
    assert "unexplained" not in causes, causes
    without_difference = [r for r in rows.values() if r["counter_minus_batch_units"] == 0]
    assert without_difference and all(
        r["counter_difference_cause"] is None for r in without_difference
    )


def test_a_difference_beyond_tolerance_is_a_finding_and_an_alert(one_day_run, tmp_path) -> None:
    """A counter that jumps by 50 units mid-day (a preset; under the 100 units per poll that the
    blocking test assert_counter_units_not_negative calls implausible) is beyond the tolerance:
    its machine-shift is flagged with the difference, data_quality_daily counts the finding, and
    the run's alert reaches audit.alerts in the serving copy."""
    home = copy_built(one_day_run[0], tmp_path / "home")
    machine, jump = "SMELTER-01", 50
    node = f"ns=2;s={machine}.TotalCount"
    con = connect(home)
    try:
        (cut,) = con.execute(
            "select quantile_disc(server_timestamp, 0.5) from bronze.controller_snapshots "
            "where node_id = ?",
            [node],
        ).fetchone()
        con.execute(
            "update bronze.controller_snapshots "
            "set value = cast(cast(value as bigint) + ? as varchar) "
            "where node_id = ? and server_timestamp >= ?",
            [jump, node, cut],
        )
    finally:
        con.close()

    outcome = run_transform(home, ONE_DAY, ONE_DAY, echo=lambda _: None, force=True)

    assert outcome.success, outcome.failures
    (row,) = [r for r in _rows_by_shift(home).values() if r["is_beyond_tolerance"]]
    assert row["machine_id"] == machine and row["counter_minus_batch_units"] == jump
    assert row["finding"] and f"PLC counter {row['counter_units']}" in row["finding"]
    (finding,) = _serving_dicts(
        home,
        "select items_found from gold.data_quality_daily "
        "where chaos_type = 'reconciliation_beyond_tolerance'",
    )
    assert finding["items_found"] == 1
    (alert,) = _serving_dicts(home, "select * from audit.alerts where rule = ?", [RECONCILIATION])
    assert (alert["production_date"], alert["machine_id"], alert["shift_code"]) == (
        ONE_DAY,
        machine,
        row["shift_code"],
    )
    assert (alert["observed"], alert["threshold"]) == (jump, row["units_tolerance"])
    assert row["finding"] in alert["message"]
