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
