"""A plant run day by day, as it lives: each morning one more delivery, one run, one publication.

Ten production dates are generated one at a time (`generate --append --days 1`: rows late past
that day stay in the simulator state and land on later deliveries, never more than lookback_days
after their date) and each is followed by `shopfloor run --start <the newest delivery date>`, as
a plant runs daily: bronze loads the new delivery, and silver and gold rebuild the dates it can
restate, lookback_days back (macros/run_window.sql), not every landed date (which made each run
cost more than the last). Every run passes and publishes; the dates within lookback_days of the
newest delivery are published as provisional (gold.dim_date_status, in the serving copy too) and
compared with their truth as delivered, never failing on rows not yet due, and never with all
their metrics held.

How the last dates become final: production stops after the tenth date and `generate --finish`
delivers the rows still due, each on its own due delivery date, and the delivery folders up to
lookback_days after the tenth date (empty where nothing is due), as a plant's systems keep
delivering after a stop; one more run loads them, and every date is then final and matches its
whole truth exactly.

The issue's morning is on the way: on the third day the newest delivery folder is held back
(landed later, as on any real morning) and the run still publishes, the recent dates provisional.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from cli.main import main
from ground_truth.as_delivered import FINAL, PROVISIONAL
from ground_truth.compare import compare_date
from ground_truth.outcome import HAS_TRUTH
from ground_truth.truth import load_truth
from ingestion.landing import delivery_dates
from ingestion.warehouse import connect
from plants.dbt_vars import lateness_bound_days
from plants.home import Home
from tests.homes import query

START = date(2026, 10, 20)
DAYS = 10
HELD_BACK_ON = 3  # the day whose delivery folder lands only after a first run


def _shopfloor(home: Path, *args: str) -> int:
    return main(["--home", str(home), *args])


def _run_newest(home: Path) -> int:
    """`shopfloor run` from the newest landed delivery date on."""
    return _shopfloor(home, "run", "--start", str(delivery_dates(home)[-1]))


def _statuses(home: Path) -> dict[date, str]:
    """gold.dim_date_status as published in the serving copy."""
    rows = query(home, "select production_date, status from gold.dim_date_status", serving=True)
    return dict(rows)


def _last_publication(home: Path) -> tuple[str, list[date]]:
    rows = query(
        home,
        "select validation_status, production_dates from meta.publication "
        "order by published_at desc limit 1",
        serving=True,
    )
    return rows[0][0], rows[0][1]


def _assert_every_provisional_date_compared(home: Path, morning: date) -> None:
    """The last gate compared metrics on every provisional date with truth: none had all of them
    held (a provisional date is compared with its truth as delivered, ground_truth/as_delivered)."""
    checked = query(
        home,
        "select v.production_date, v.metrics_checked from audit.validation_runs v "
        "join gold.dim_date_status s using (production_date) "
        "where v.truth_status = ? and s.status = ? and v.run_id = "
        "(select run_id from audit.validation_runs order by validated_at desc limit 1)",
        [HAS_TRUTH, PROVISIONAL],
    )
    assert checked and all(n > 0 for _, n in checked), (morning, checked)


@pytest.mark.slow
def test_ten_days_one_at_a_time_publish_daily_and_end_final(tmp_path: Path) -> None:
    home = tmp_path / "plant"
    bound = lateness_bound_days()
    published_runs = 0
    for n in range(DAYS):
        day = START + timedelta(days=n)
        args = ["generate", "--append", "--days", "1", "--chaos-rate", "late_arrivals=0.15"]
        assert _shopfloor(home, *args, "--start", str(START)) == 0
        if n + 1 == HELD_BACK_ON:  # this morning's folder has not landed yet
            aside = tmp_path / "not-landed-yet"
            shutil.move(Home(home).delivery(day), aside)
            assert _run_newest(home) == 0, "the run must publish without the newest folder"
            published_runs += 1
            _assert_every_provisional_date_compared(home, day)
            statuses = _statuses(home)
            newest = day - timedelta(days=1)
            assert statuses == dict.fromkeys([START, newest], PROVISIONAL)
            report = Home(home).latest_validation_report.read_text(encoding="utf-8")
            assert "| provisional |" in report and "PASSED" in report
            shutil.move(aside, Home(home).delivery(day))
        assert _run_newest(home) == 0, f"day {day}: the run must pass and publish"
        published_runs += 1
        _assert_every_provisional_date_compared(home, day)
        status, dates = _last_publication(home)
        assert status.startswith("passed") and day in dates, (day, status, dates)
        statuses = _statuses(home)
        assert max(statuses) == day
        for d, s in statuses.items():  # provisional exactly while the bound has not passed
            assert s == (PROVISIONAL if (day - d).days < bound else FINAL), (day, d, s)
    counts = query(home, "select count(*) from meta.publication", serving=True)[0][0]
    assert counts >= published_runs

    produced = [START + timedelta(days=n) for n in range(DAYS)]
    assert _shopfloor(home, "generate", "--finish") == 0
    finish_deliveries = [d for d in delivery_dates(home) if d > produced[-1]]
    assert _shopfloor(home, "run", "--start", str(finish_deliveries[0])) == 0
    statuses = _statuses(home)
    assert {d: statuses[d] for d in produced} == dict.fromkeys(produced, FINAL)
    con = connect(home, read_only=True)
    try:
        for d in produced:  # final: the whole truth, nothing held
            truth = load_truth(home, d)
            assert truth is not None
            failures = [r for r in compare_date(con, truth, d) if not r.passed]
            assert not failures, (d, failures[:5])
    finally:
        con.close()
