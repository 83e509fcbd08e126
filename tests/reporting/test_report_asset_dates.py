"""Which dates of a run the report asset writes: the newest published ones, bounded."""

from datetime import date, timedelta

from orchestration.defs.reporting.assets import REPORT_DAYS_ENV, dates_to_report, report_days

RUN = [date(2026, 1, 1) + timedelta(days=i) for i in range(30)]


def test_a_long_run_reports_only_its_newest_published_dates():
    published = set(RUN) - {RUN[-1]}  # the newest delivery carried only late rows
    assert dates_to_report(RUN, published, 7) == RUN[-8:-1]


def test_a_short_run_reports_every_published_date():
    assert dates_to_report(RUN[:2], set(RUN), 7) == RUN[:2]
    assert dates_to_report(RUN[:2], set(), 7) == []


def test_the_bound_comes_from_the_environment_and_is_at_least_one(monkeypatch):
    monkeypatch.setenv(REPORT_DAYS_ENV, "30")
    assert report_days() == 30
    monkeypatch.setenv(REPORT_DAYS_ENV, "0")
    assert report_days() == 1
    monkeypatch.delenv(REPORT_DAYS_ENV)
    assert report_days() == 7
