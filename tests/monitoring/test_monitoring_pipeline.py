"""Baselines and the anomaly mart on one small home with injected anomalies: three clean days
(no chaos) whose third alone has a scrap spike or small-stop burst, the first baseline recorded
automatically from the first two (FIRST_BASELINE_DAYS_ENV), then recorded and activated by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from generators.run import generate
from monitoring.baseline import (
    FIRST_BASELINE_DAYS_ENV,
    BaselineError,
    activate,
    list_baselines,
    record,
)
from tests.homes import (
    build_pipeline,
    copy_built,
    query,
    read_truths,
    seed_with_anomalies_on_the_last_day_only,
)

START = date(2026, 10, 19)
RATES = {"scrap_spike": 9.0, "small_stop_burst": 9.0}


@pytest.fixture(scope="module")
def anomaly_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("anomaly_home")
    seed = seed_with_anomalies_on_the_last_day_only(3, RATES)
    generate(home, START, 3, seed=seed, chaos_level="none", anomaly_overrides=RATES)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(FIRST_BASELINE_DAYS_ENV, "2")
        build_pipeline(home)
    yield home


def test_truth_lists_the_last_days_anomalies(anomaly_home):
    injected = [a for t in read_truths(anomaly_home).values() for a in t["injected_anomalies"]]
    assert injected and all(a["onset"] == str(START + timedelta(days=2)) for a in injected)


def test_the_first_baseline_is_recorded_from_the_first_days(anomaly_home):
    [first] = list_baselines(anomaly_home)
    assert (first.version, first.name, first.active) == (1, "automatic", True)
    assert (first.period_from, first.period_to) == (START, START + timedelta(days=1))


def test_the_anomaly_mart_flags_each_injected_anomaly_on_its_day(anomaly_home):
    last = START + timedelta(days=2)
    truth = read_truths(anomaly_home)[last.isoformat()]
    flags = query(
        anomaly_home,
        "select machine_id, metric, severity, baseline_version, observed > expected_high "
        "from gold.fct_anomaly where production_date = ?",
        [last],
    )
    for a in truth["injected_anomalies"]:
        hits = [f for f in flags if f[0] == a["machine_id"] and f[1].startswith(a["metric"])]
        assert hits, (a, flags)
        assert all(version == 1 and above for *_, version, above in hits)
    [(earlier,)] = query(
        anomaly_home, "select count(*) from gold.fct_anomaly where production_date < ?", [last]
    )
    assert earlier == 0  # the baseline's own dates


def test_the_gate_measures_detection_and_health_counts_the_open_anomalies(anomaly_home):
    rows = query(
        anomaly_home,
        "select kind, injected, detected from audit.anomaly_detection where kind <> 'all'",
    )
    assert rows and all(detected == injected for _, injected, detected in rows if injected)
    health = query(
        anomaly_home,
        "select h.open_warnings + h.open_criticals, h.health_score from "
        "gold.kpi_machine_health_daily h join (select distinct production_date, machine_id "
        "from gold.fct_anomaly) a using (production_date, machine_id)",
        serving=True,
    )
    assert health and all(opened >= 1 and 0 <= score <= 100 for opened, score in health)


def test_record_and_activate_a_baseline(anomaly_home, tmp_path):
    home = copy_built(anomaly_home, tmp_path / "home")
    version = record(home, START, START + timedelta(days=2), name="all three")
    assert version == 2
    assert [(b.version, b.active, b.name) for b in list_baselines(home)] == [
        (1, False, "automatic"),
        (2, True, "all three"),
    ]
    activate(home, 1)
    assert [b.version for b in list_baselines(home) if b.active] == [1]
    with pytest.raises(BaselineError, match="no baseline version 9"):
        activate(home, 9)
    with pytest.raises(BaselineError, match="no gold daily metrics"):
        record(home, date(2020, 1, 1), date(2020, 1, 2))


def test_the_cli_lists_records_and_refuses_an_unknown_version(anomaly_home, tmp_path, capsys):
    from cli.main import main

    home = str(copy_built(anomaly_home, tmp_path / "home"))
    assert main(["--home", home, "baseline", "activate", "5"]) == 2
    assert "no baseline version 5" in capsys.readouterr().err
    assert main(["--home", home, "baseline", "activate", "1"]) == 0
    assert "baseline version 1 is active" in capsys.readouterr().out
    assert main(["--home", home, "baseline", "list"]) == 0
    assert f"* v1   {START} .. {START + timedelta(days=1)}" in capsys.readouterr().out
