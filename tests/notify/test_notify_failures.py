"""A run that fails the gate or errors raises one alert: through the run-failure sensor (runs of
the UI, schedule, landing sensor), evaluated with Dagster's test context, and through
`shopfloor run` itself (cli/run.py), with no daemon (issue 19 §4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    DagsterInstance,
    MaterializeResult,
    SkipReason,
    asset,
    build_run_status_sensor_context,
    job,
    materialize,
    op,
)

from cli.run import _alert_if_failed
from notify.alerts import GATE_FAILED, RUN_ERRORED
from orchestration.defs.notify.sensors import CLI, LAUNCHED_BY_TAG, alert_on_run_failure
from plants.home import HOME_ENV
from tests.homes import query
from tests.notify.helpers import notify_section, write_notify


@op
def breaks() -> None:
    raise RuntimeError("the warehouse disk is full")


@job
def erroring_job() -> None:
    breaks()


@asset(check_specs=[AssetCheckSpec("matches_truth", asset="mart", blocking=True)])
def mart() -> MaterializeResult:
    """A mart whose blocking truth check fails: the gate stops the run."""
    failed = AssetCheckResult(
        check_name="matches_truth", passed=False, severity=AssetCheckSeverity.ERROR
    )
    return MaterializeResult(check_results=[failed])


def _failed_run(instance: DagsterInstance, which: str, tags: dict | None = None):
    if which == "error":
        return erroring_job.execute_in_process(instance=instance, raise_on_error=False, tags=tags)
    return materialize([mart], instance=instance, raise_on_error=False, tags=tags)


def _sensor_tick(instance: DagsterInstance, result):
    context = build_run_status_sensor_context(
        sensor_name=alert_on_run_failure.name,
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()
    return alert_on_run_failure(context)


@pytest.fixture
def mailing_home(tmp_path: Path, smtp_server, monkeypatch):
    home = write_notify(tmp_path / "home", notify_section(smtp_server.port))
    monkeypatch.setenv(HOME_ENV, str(home.root))  # the daemon's code location reads it
    return home


@pytest.mark.parametrize(("which", "rule"), [("error", RUN_ERRORED), ("gate", GATE_FAILED)])
def test_sensor_alerts_a_failed_run_once(mailing_home, smtp_server, which: str, rule: str) -> None:
    with DagsterInstance.ephemeral() as instance:
        result = _failed_run(instance, which)
        assert not result.success
        assert _sensor_tick(instance, result) is None
        again = _sensor_tick(instance, result)  # a second tick (or the CLI) finds it recorded
    assert isinstance(again, SkipReason)
    (message,) = smtp_server.inbox.messages
    assert result.run_id in message.get_content() and "critical" in message["Subject"]
    rows = query(mailing_home.root, "select run_id, rule, severity, notified from audit.alerts")
    assert rows == [(result.run_id, rule, "critical", True)]
    if which == "error":
        assert "the warehouse disk is full" in message.get_content()


def test_sensor_leaves_the_clis_runs_to_the_cli(mailing_home, smtp_server) -> None:
    with DagsterInstance.ephemeral() as instance:
        result = _failed_run(instance, "error", tags={LAUNCHED_BY_TAG: CLI})
        assert isinstance(_sensor_tick(instance, result), SkipReason)
    assert smtp_server.inbox.messages == []


def test_cli_alerts_its_failed_run_without_the_daemon(mailing_home, smtp_server) -> None:
    lines: list[str] = []
    with DagsterInstance.ephemeral() as instance:
        result = _failed_run(instance, "gate", tags={LAUNCHED_BY_TAG: CLI})
        _alert_if_failed(mailing_home.root, result, "transform_job", lines.append)
    (line,) = lines
    assert "1 alert recorded" in line and "mailed to manager@plant.test" in line
    (message,) = smtp_server.inbox.messages
    assert "failed a blocking check" in message.get_content()
    assert query(mailing_home.root, "select rule from audit.alerts") == [(GATE_FAILED,)]


def test_a_run_failure_rule_switched_off_raises_nothing(tmp_path: Path, smtp_server) -> None:
    section = notify_section(smtp_server.port, alerts={"run_failed": {"enabled": False}})
    home = write_notify(tmp_path / "home", section)
    lines: list[str] = []
    with DagsterInstance.ephemeral() as instance:
        _alert_if_failed(home.root, _failed_run(instance, "error"), "bronze_job", lines.append)
    assert lines == [] and smtp_server.inbox.messages == []
