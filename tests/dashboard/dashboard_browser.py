"""Drive Debian's Chromium through playwright against a running `shopfloor dashboard`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "overview": "",
    "machines": "machines",
    "losses": "losses",
    "flow": "flow",
    "process": "process",
    "quality": "quality",
    "anomalies": "anomalies",
    "dq": "dq",
    "lineage": "lineage",
}


# apt-get waits up to 10 min for the dpkg and lists locks another apt-get holds, instead of failing.
APT_WAIT = ("-o", "DPkg::Lock::Timeout=600")


def ensure_chromium() -> str:
    """Debian's chromium, installed with apt-get when absent (the test command runs as root)."""
    if not Path(CHROMIUM).exists():
        apt = shutil.which("apt-get")
        if apt is None:
            raise RuntimeError(f"{CHROMIUM} is missing and apt-get is not available")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = [apt, *APT_WAIT, "install", "-y", "-q", "chromium"]
        if subprocess.run(install, env=env, check=False).returncode != 0:
            subprocess.run([apt, *APT_WAIT, "update", "-q"], env=env, check=False)
            subprocess.run(install, env=env, check=True)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_dashboard(home: Path, log: Path):
    """`shopfloor dashboard` as a subprocess; yields its base URL once it answers."""
    port = free_port()
    exe = Path(sys.executable).with_name("shopfloor")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cli.main"]
    cmd += ["--home", str(home), "dashboard", "--port", str(port)]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(600):  # up to 60 s for streamlit to boot
                if proc.poll() is not None:
                    raise RuntimeError(f"dashboard exited early:\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"dashboard never answered:\n{log.read_text()}")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_settled(page, quiet_s: float = 2.0, limit_s: float = 90.0) -> None:
    """Until Streamlit's running indicator has been absent for `quiet_s` seconds."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=limit_s * 1000)
    deadline = time.monotonic() + limit_s
    quiet_since = None
    while time.monotonic() < deadline:
        if page.query_selector('[data-testid="stStatusWidget"]') is None:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_s:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(200)
    raise TimeoutError("the app kept running")


def visit_pages(url: str, out_dir: Path, executable: str = CHROMIUM) -> dict[str, dict]:
    """Load every page, wait for it to settle, screenshot it; report what each page shows."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            outside: list[str] = []  # requests that leave the dashboard's own server
            page.on(
                "request",
                lambda r: (
                    None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url)
                ),
            )
            for name, path in PAGES.items():
                outside.clear()
                page.set_viewport_size({"width": 1500, "height": 1000})
                page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                wait_settled(page)
                if page.query_selector(".js-plotly-plot") is not None:
                    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
                # Streamlit scrolls inside its main container: grow the viewport to the content so
                # that the full-page screenshot holds the whole page, then let charts re-layout.
                height = page.evaluate(
                    "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 1000"
                )
                page.set_viewport_size({"width": 1500, "height": min(max(height, 1000), 12000)})
                page.wait_for_timeout(800)
                shot = out_dir / f"dashboard_{name}.png"
                page.screenshot(path=str(shot), full_page=True)
                report[name] = {
                    "exceptions": [
                        e.inner_text()
                        for e in page.query_selector_all('[data-testid="stException"]')
                    ],
                    "charts": len(page.query_selector_all(".js-plotly-plot")),
                    "title": (
                        page.query_selector("h1").inner_text() if page.query_selector("h1") else ""
                    ),
                    "screenshot": shot,
                    "external_requests": sorted(set(outside)),
                    "icon": page.evaluate(
                        "() => document.querySelector('link[rel~=\"icon\"]')?.href || ''"
                    ),
                }
        finally:
            browser.close()
    return report


def download(url: str, page_path: str, button: str, out_dir: Path, executable: str = CHROMIUM):
    """Click the download button labelled `button` on a page; the saved file's path."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
            page.goto(f"{url}/{page_path}", wait_until="domcontentloaded")
            wait_settled(page)
            target = page.get_by_role("button", name=button)
            target.scroll_into_view_if_needed()
            with page.expect_download(timeout=60_000) as info:
                target.click()
            saved = out_dir / info.value.suggested_filename
            info.value.save_as(saved)
            return saved
        finally:
            browser.close()
