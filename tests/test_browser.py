"""The dashboard in a real browser: ``mobilize dashboard`` serves it, Playwright drives
Debian's Chromium (installed by ``.ci/run``; Playwright downloads no browser), clicks
Step, and checks the week counter and the pictures.

Set ``MOBILIZATION_SCREENSHOTS=DIR`` to also play both pages to week 52 and save the
README's screenshots into DIR (``docs/img``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = os.environ.get("MOBILIZATION_SCREENSHOTS")

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium for the browser test (.ci/run installs it)",
                    pytrace=False)
    pytest.skip("no chromium on this machine (apt-get install chromium)",
                allow_module_level=True)

_playwright = pytest.importorskip("playwright.sync_api")
sync_playwright, expect = _playwright.sync_playwright, _playwright.expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``mobilize dashboard`` on a free local port, stopped after the tests."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mobilization", "dashboard", "--no-open", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"the dashboard did not start at {url}:\n{output[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _step_to(page, week: int, horizon: int = 104) -> None:
    step = page.get_by_role("button", name="Step")
    current = int(page.locator(".week-counter").inner_text().split()[1])
    for w in range(current + 1, week + 1):
        step.click()
        page.get_by_text(f"Week {w} of {horizon}").wait_for(timeout=20_000)


def _play_to(page, week: int) -> None:
    page.get_by_role("button", name="Play").click()
    deadline = time.monotonic() + 120
    while int(page.locator(".week-counter").inner_text().split()[1]) < week:
        assert time.monotonic() < deadline, "Play did not reach the week"
        time.sleep(0.2)
    page.get_by_role("button", name="Pause").click()
    time.sleep(0.5)


def test_one_village_steps_in_the_browser(server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(server)
    page.get_by_text("Week 0 of 104").wait_for(timeout=60_000)
    grid = page.locator("img").first
    chart = page.locator(".solara-echarts").nth(1)  # stances: they move every week
    grid_before = grid.get_attribute("src")
    chart_before = chart.screenshot()
    _step_to(page, 4)
    assert page.locator(".week-counter").inner_text() == "Week 4 of 104"
    assert grid.get_attribute("src") != grid_before
    deadline = time.monotonic() + 10  # let the chart draw the new weeks
    while chart.screenshot() == chart_before:
        assert time.monotonic() < deadline, "the stance chart did not change"
        page.wait_for_timeout(250)
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert not failed, f"requests that failed (an offline page loads nothing remote): {failed}"
    if SCREENSHOTS:
        _play_to(page, 52)
        page.screenshot(path=str(Path(SCREENSHOTS) / "dashboard.png"))
    page.close()


def test_two_villages_step_together_in_the_browser(server: str, browser,
                                                   tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server + "compare")
    page.get_by_text("Week 0 of 104").wait_for(timeout=60_000)
    _step_to(page, 3)
    titles = page.get_by_text(re.compile(r"^(quota-only|welfare-first): [0-9.]+% mobilized, "
                                         r"week 3$"))
    # The counter and the grids' titles reach the browser as separate widget updates.
    expect(titles).to_have_count(2, timeout=20_000)
    assert page.locator("img").count() == 2
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    if SCREENSHOTS:
        _play_to(page, 52)
        page.screenshot(path=str(Path(SCREENSHOTS) / "dashboard_compare.png"))
    page.close()


def test_a_district_steps_in_the_browser(server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server + "district")
    page.get_by_text("Week 0 of 104").wait_for(timeout=60_000)
    _step_to(page, 2)
    assert page.locator("img").count() == 12
    expect(page.get_by_text(re.compile(r"^pilot village \d+: "))).to_have_count(3)
    page.screenshot(path=str(tmp_path / "district.png"), full_page=True)
    if SCREENSHOTS:
        _play_to(page, 52)
        page.screenshot(path=str(Path(SCREENSHOTS) / "dashboard_district.png"))
    page.close()


def test_a_refused_control_shows_the_message_in_the_browser(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    page.get_by_text("Week 0 of 104").wait_for(timeout=60_000)
    seed = page.get_by_label("seed")
    seed.fill("abc")
    seed.press("Enter")
    page.get_by_text("seed must be a whole number >= 0; got 'abc'").first.wait_for(
        timeout=20_000)
    _step_to(page, 1)  # the page keeps working
    seed.fill("2")
    seed.press("Enter")
    changed = page.get_by_text("Changed, press Reset")
    changed.wait_for(timeout=20_000)  # a valid change is visible, not silently pending
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("Week 0 of 104").wait_for(timeout=20_000)
    expect(changed).to_have_count(0, timeout=20_000)
    page.close()
