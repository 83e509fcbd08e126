"""A real browser (Debian's headless Chromium via playwright) on a running `shopfloor dashboard`.

Screenshots of every page go to test-artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_browser import PAGES, ensure_chromium, running_dashboard, visit_pages

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium() -> str:
    return ensure_chromium()


def test_every_page_in_a_real_browser(chromium, serving_home, tmp_path):
    with running_dashboard(serving_home, tmp_path / "dashboard.log") as url:
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
