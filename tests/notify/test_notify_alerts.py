"""The alert rules fire on data that breaks them and stay silent otherwise; a run's alerts are
one mail and rows of audit.alerts, published with the run (issue 19 §4)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from ingestion.warehouse import connect
from notify import degrading
from notify.alerts import (
    DEGRADING,
    SOURCE_LATE,
    Alert,
    below_target,
    data_alerts,
    degrading_machines,
    late_sources,
)
from notify.config import Alerts, load
from notify.dispatch import dispatch
from notify.freshness import freshness
from plants.check import check_plant
from plants.home import Home, home_plant
from plants.model import DEFAULT_PLANT
from tests.conftest import ONE_DAY
from tests.homes import copy_built, query
from tests.notify.helpers import free_port, notify_section, write_notify

RULES = Alerts()


def _read(home: Path) -> duckdb.DuckDBPyConnection:
    return connect(home, read_only=True)


def _shift_kpis(home: Path, kpi: str) -> list[tuple]:
    return query(home, f"select machine_id, shift_code, {kpi} from gold.kpi_machine_shift")


def _with_targets(one_day_run, tmp_path: Path, **kpis: float) -> Path:
    """A private copy of the built day whose gold.dim_target sets every machine's targets."""
    home = copy_built(one_day_run[0], tmp_path / "targets")
    con = connect(home)
    try:
        for kpi, target in kpis.items():  # names from the test itself
            con.execute(f"update gold.dim_target set {kpi} = ?", [target])
    finally:
        con.close()
    return home


def test_below_target_fires_only_under_the_machines_target(one_day_run, tmp_path: Path) -> None:
    home = _with_targets(one_day_run, tmp_path, oee=0.0, availability=0.0)
    worst = min(_shift_kpis(home, "oee"), key=lambda r: r[2])
    con = connect(home)
    try:
        silent = below_target(con, [ONE_DAY], RULES)  # nothing is below a target of 0
        con.execute(  # the worst machine's target just above its worst shift
            "update gold.dim_target set oee = ? where scope = 'machine' and scope_id = ?",
            [worst[2] + 1e-6, worst[0]],
        )
        fired = below_target(con, [ONE_DAY], RULES)
        other_day = below_target(con, [ONE_DAY + timedelta(days=1)], RULES)
    finally:
        con.close()
    assert silent == [] and other_day == []
    (alert,) = fired  # only the worst shift of that machine is under its own target
    assert (alert.rule, alert.machine_id, alert.shift_code, alert.production_date) == (
        "oee_below_target",
        worst[0],
        worst[1],
        ONE_DAY,
    )
    assert alert.observed == pytest.approx(worst[2])
    assert alert.threshold == pytest.approx(worst[2] + 1e-6)


def test_below_target_covers_availability_and_can_be_switched_off(
    one_day_run, tmp_path: Path
) -> None:
    home = _with_targets(one_day_run, tmp_path, oee=0.0, availability=1.01)
    every_shift = len(_shift_kpis(home, "availability"))
    off = Alerts.model_validate({"below_target": {"enabled": False}})
    con = _read(home)
    try:
        fired = below_target(con, [ONE_DAY], RULES)
        switched_off = below_target(con, [ONE_DAY], off)
    finally:
        con.close()
    assert {a.rule for a in fired} == {"availability_below_target"} and len(fired) == every_shift
    assert switched_off == []


def _daily(rows: dict[str, list[float]]) -> duckdb.DuckDBPyConnection:
    """A scratch warehouse whose gold.kpi_machine_daily holds one performance per machine and
    consecutive production date, ending at ONE_DAY."""
    con = duckdb.connect()
    con.execute("create schema gold")
    con.execute(
        "create table gold.kpi_machine_daily "
        "(production_date date, machine_id varchar, performance double)"
    )
    for machine, values in rows.items():
        for offset, value in enumerate(reversed(values)):
            con.execute(
                "insert into gold.kpi_machine_daily values (?, ?, ?)",
                [ONE_DAY - timedelta(days=offset), machine, value],
            )
    return con


def test_degrading_fires_on_a_falling_machine_only() -> None:
    con = _daily(
        {
            "STEADY-01": [0.90, 0.91, 0.90, 0.91, 0.90],
            "SLIPPING-01": [0.90, 0.89, 0.88, 0.87, 0.86],  # -1 pp/day: watch
            "FALLING-01": [0.90, 0.88, 0.86, 0.84, 0.82],  # -2 pp/day: alert
            "SHORT-01": [0.90, 0.80],  # two days: no trend
        }
    )
    alerts = {a.machine_id: a for a in degrading_machines(con, [ONE_DAY], RULES)}
    assert set(alerts) == {"SLIPPING-01", "FALLING-01"}
    assert (
        alerts["SLIPPING-01"].severity == "warning" and alerts["FALLING-01"].severity == "critical"
    )
    assert alerts["FALLING-01"].observed == pytest.approx(-2.0)
    assert alerts["FALLING-01"].threshold == degrading.ALERT_PP_PER_DAY
    assert {a.rule for a in alerts.values()} == {DEGRADING}
    # the window ends at the run's last date: a day before the fall began, nothing falls yet
    assert degrading_machines(con, [ONE_DAY - timedelta(days=3)], RULES) == []


def test_one_day_is_no_trend(one_day_run) -> None:
    home, _ = one_day_run
    con = _read(home)
    try:
        assert degrading_machines(con, [ONE_DAY], RULES) == []
    finally:
        con.close()


def test_source_late_fires_on_a_source_that_stopped(one_day_run, tmp_path: Path) -> None:
    home, _ = one_day_run
    plant = home_plant(home)
    con = _read(home)
    try:
        assert late_sources(con, plant, RULES) == []  # every source delivered the same date
    finally:
        con.close()
    copy = copy_built(home, tmp_path / "late")
    con = connect(copy)
    try:  # qc_checks' newest file is three days older than every other source's
        con.execute("update bronze._files set name_date = name_date - 3 where source = 'qc_checks'")
        (alert,) = late_sources(con, plant, RULES)
        patient = dataclasses.replace(plant, late_after_days={"qc_checks": 3})
        assert late_sources(con, patient, RULES) == []
        by_source = {f.source: f for f in freshness(con, plant)}
        # a source with nothing delivered yet trails by every date the plant delivered: one here
        con.execute("update bronze._files set name_date = name_date + 3 where source = 'qc_checks'")
        con.execute("delete from bronze._files where source = 'operator_logs'")
        never = {a.source for a in late_sources(con, plant, RULES)}
        strict = dataclasses.replace(plant, late_after_days={"operator_logs": 0})
        never_strict = {a.source: a.observed for a in late_sources(con, strict, RULES)}
    finally:
        con.close()
    assert (alert.rule, alert.source, alert.observed, alert.threshold) == (
        SOURCE_LATE,
        "qc_checks",
        3,
        2,
    )
    assert alert.production_date == ONE_DAY - timedelta(days=3)
    assert by_source["qc_checks"].late and not by_source["production_batches"].late
    assert never == set() and never_strict == {"operator_logs": 1}


def test_plant_check_validates_late_after_days(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_PLANT.read_text())
    raw["late_after_days"] = {
        "qc_checks": 1,
        "no_such_source": 2,
        "machine_logs": -1,
        "sensor_logs": "soon",
    }
    path = tmp_path / "plant.yaml"
    path.write_text(yaml.safe_dump(raw))
    problems = {p.key: p.reason for p in check_plant(path)}
    assert set(problems) == {
        "late_after_days.no_such_source",
        "late_after_days.machine_logs",
        "late_after_days.sensor_logs",
    }
    raw["late_after_days"] = {"qc_checks": 1}
    path.write_text(yaml.safe_dump(raw))
    assert check_plant(path) == []


def _alerts() -> list[Alert]:
    return [
        Alert(
            rule="oee_below_target",
            severity="warning",
            message="M-1 EARLY oee low",
            production_date=ONE_DAY,
            machine_id="M-1",
            shift_code="EARLY",
            observed=0.5,
            threshold=0.65,
        ),
        Alert(
            rule="oee_below_target",
            severity="warning",
            message="M-2 LATE oee low",
            production_date=ONE_DAY,
            machine_id="M-2",
            shift_code="LATE",
            observed=0.4,
            threshold=0.65,
        ),
        Alert(
            rule=DEGRADING,
            severity="critical",
            message="M-3 falling",
            production_date=ONE_DAY,
            machine_id="M-3",
        ),
        Alert(
            rule=SOURCE_LATE,
            severity="warning",
            message="source qc_checks late",
            source="qc_checks",
        ),
    ]


def _recorded(home: Home) -> list[tuple]:
    return query(
        home.root, "select run_id, rule, message, notified from audit.alerts order by message"
    )


def test_a_runs_alerts_are_one_mail_and_audit_rows(tmp_path: Path, smtp_server) -> None:
    home = write_notify(
        tmp_path / "home",
        notify_section(smtp_server.port, alerts={"recipients": ["ops@plant.test"]}),
    )
    alerts = _alerts()

    outcome = dispatch(home, alerts, "run-7")

    (message,) = smtp_server.inbox.messages  # one message, not one per hit
    assert smtp_server.inbox.envelopes[0][1] == ["ops@plant.test"]
    text = message.get_content()
    assert all(a.message in text for a in alerts)
    assert "4 alerts (1 critical)" in message["Subject"]
    assert outcome.recipients == ("ops@plant.test",) and outcome.error is None
    assert _recorded(home) == sorted(
        (("run-7", a.rule, a.message, True) for a in alerts), key=lambda row: row[2]
    )
    (delivery,) = query(home.root, "select kind, status, run_id from audit.deliveries")
    assert delivery == ("alerts", "sent", "run-7")


def test_an_undelivered_alert_mail_still_records_the_alerts(tmp_path: Path) -> None:
    home = write_notify(tmp_path / "home", notify_section(free_port(), retry={"attempts": 1}))
    outcome = dispatch(home, _alerts(), "run-8")
    assert (
        outcome.error
        and "connection refused" in outcome.error
        and "NOT delivered" in outcome.line()
    )
    assert {row[3] for row in _recorded(home)} == {False} and len(_recorded(home)) == 4
    assert query(home.root, "select status from audit.deliveries") == [("failed",)]


def test_without_mail_settings_alerts_are_recorded_only(tmp_path: Path) -> None:
    home = Home.at(tmp_path / "home")
    outcome = dispatch(home, _alerts(), "run-9")
    assert outcome.recipients == () and outcome.error is None
    assert len(_recorded(home)) == 4 and query(
        home.root, "select count(*) from audit.deliveries"
    ) == [(0,)]


def test_the_runs_alerts_step_ran_and_publish_carried_them(one_day_run) -> None:
    """`shopfloor run` ran the alerts step before publish: what it recorded (the default plant's
    targets: the dispenser's shifts are below 65 % OEE) is in the serving copy, and it is what
    the rules find in gold now."""
    home, run = one_day_run
    columns = "run_id, rule, production_date, machine_id, shift_code, observed, threshold, notified"
    recorded = query(home, f"select {columns} from audit.alerts order by all")
    published = query(home, f"select {columns} from audit.alerts order by all", serving=True)
    assert recorded and published == recorded
    (run_id,) = {row[0] for row in recorded}
    assert f"{len(recorded)} alert" in run.stdout and not any(row[-1] for row in recorded)
    con = _read(home)
    try:
        expected = data_alerts(con, home_plant(home), [ONE_DAY], load(Home(home)).alerts)
    finally:
        con.close()
    as_rows = sorted(
        (
            run_id,
            a.rule,
            a.production_date,
            a.machine_id,
            a.shift_code,
            a.observed,
            a.threshold,
            False,
        )
        for a in expected
    )
    assert [tuple(r) for r in recorded] == as_rows
