"""A real browser (Debian's headless Chromium via playwright) on a running `shopfloor dashboard`.

Screenshots of every page go to test-artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest
from dashboard_browser import PAGES, download, ensure_chromium, running_dashboard, visit_pages

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium() -> str:
    return ensure_chromium()


@pytest.fixture(scope="module")
def dashboard_url(serving_home, tmp_path_factory):
    """One running `shopfloor dashboard` on the shared serving copy for this module's tests."""
    log = tmp_path_factory.mktemp("dashboard") / "dashboard.log"
    with running_dashboard(serving_home, log) as url:
        yield url


def test_every_page_in_a_real_browser(chromium, dashboard_url):
    url = dashboard_url
    report = visit_pages(url, ARTIFACTS, chromium)
    assert set(report) == set(PAGES)
    for name, seen in report.items():
        assert seen["exceptions"] == [], (name, seen["exceptions"])
        assert seen["charts"] > 0, f"{name}: no chart rendered"
        assert seen["title"], f"{name}: no page title"
        assert seen["screenshot"].stat().st_size > 10_000, name
        # works offline: nothing (the tab icon included) is fetched from outside the dashboard
        assert seen["external_requests"] == [], (name, seen["external_requests"])
        assert seen["icon"].startswith(url), (name, seen["icon"])


def test_excel_download_opens_with_the_table_rows(chromium, dashboard_url, serving_home, tmp_path):
    """The overview's daily KPI table as .xlsx: a workbook openpyxl reads, one row per date of
    the default window, numbers as numbers."""
    saved = download(dashboard_url, "", "Excel: plant_daily_kpis", tmp_path, chromium)
    assert saved.name == "shopfloor_plant_daily_kpis.xlsx"
    sheet = openpyxl.load_workbook(saved, read_only=True)["plant_daily_kpis"]
    header, *rows = list(sheet.values)
    assert header[0].startswith("production_date") and header[1].startswith("oee")
    con = duckdb.connect(str(serving_home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        dates = con.execute(
            "select production_date, oee from gold.kpi_plant_daily order by 1"
        ).fetchall()
    finally:
        con.close()
    assert [r[0].date() for r in rows] == [d for d, _ in dates]  # the window holds every date
    assert [r[1] for r in rows] == pytest.approx([oee for _, oee in dates])


def test_chromium_install_waits_for_the_apt_locks(tmp_path, monkeypatch):
    """Every apt-get call (install, update, install again) waits for a lock another apt-get
    holds instead of failing at once (a fake apt-get records its arguments)."""
    import dashboard_browser

    calls = tmp_path / "calls"
    fake = tmp_path / "bin" / "apt-get"
    fake.parent.mkdir()
    # the first install fails (as on a stale package list), so update and the retry run too
    fake.write_text(
        f'#!/bin/sh\necho "$@" >> {calls}\n'
        f'[ "$(grep -c install {calls})" = 1 ] && exit 100\nexit 0\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    monkeypatch.setattr(dashboard_browser, "CHROMIUM", str(tmp_path / "no-chromium"))
    dashboard_browser.ensure_chromium()
    lines = calls.read_text().splitlines()
    assert [line.split()[2] for line in lines] == ["install", "update", "install"]
    assert all(line.startswith("-o DPkg::Lock::Timeout=600 ") for line in lines), lines
