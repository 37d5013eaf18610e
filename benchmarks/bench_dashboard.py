"""How long one Step of the dashboard takes (a benchmark, not a test).

Three measurements of the one-village page at the default size (400 villagers):

1. **In process**: Solara renders the page into widgets here (as the headless tests do);
   each Step click is timed until the page has re-rendered: the model's week, the grid
   image, the five chart options and the widget updates. Beside it, a bare
   ``VillageModel.step()`` of the same village in the same process, as the reference.
2. **Growth with the weeks shown**: the same, with 520 weeks to run, comparing the Steps
   around week 500 with those around week 50 (every chart carries every week so far).
3. **In a browser** (needs Debian's chromium): ``mobilize dashboard`` serves the page,
   Playwright clicks Step and waits until the week counter shows the new week: server,
   websocket and the browser's redraw together.

Usage::

    uv run python benchmarks/bench_dashboard.py            # about a minute
    uv run python benchmarks/bench_dashboard.py --no-browser
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import ipyvuetify as v
import solara

from mobilization import VillageModel
from mobilization.dashboard.app import Layout, VillagePage

TARGET_MS = 200.0


def _page():
    _box, rc = solara.render(Layout(children=[VillagePage()]), handle_error=False)
    return rc


def _click_times(rc, n: int) -> list[float]:
    step = rc.find(v.Btn, children=["Step"]).widget
    out = []
    for _ in range(n):
        t = time.perf_counter()
        step.click()
        out.append(time.perf_counter() - t)
    return out


def _set_weeks(rc, weeks: int) -> None:
    """Type the weeks to run and press Reset (the page applies its controls on Reset)."""
    field = next(w for w in rc.find(v.TextField).widgets if w.label.startswith("Weeks to run"))
    field.v_model = str(weeks)
    field.fire_event("keyup.enter", None)
    rc.find(v.Btn, children=["Reset"]).widget.click()


def in_process(weeks: int = 104) -> tuple[list[float], list[float]]:
    """Step-click times of the page and bare model step times, interleaved in blocks."""
    rc = _page()
    model = VillageModel(rng=1)
    page_times, model_times = [], []
    for _block in range(weeks // 8):
        page_times += _click_times(rc, 8)
        for _ in range(8):
            t = time.perf_counter()
            model.step()
            model_times.append(time.perf_counter() - t)
    return page_times, model_times


def growth() -> tuple[float, float]:
    """Median Step time around week 50 and around week 500."""
    rc = _page()
    _set_weeks(rc, 520)
    times = _click_times(rc, 500)
    return statistics.median(times[40:60]), statistics.median(times[480:500])


def in_browser(n: int = 30) -> list[float] | None:
    """Click-to-new-week times in Chromium, or None without chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mobilization", "dashboard", "--no-open",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_text("Week 0 of 104").wait_for(timeout=60_000)
            step = page.get_by_role("button", name="Step")
            times = []
            for week in range(1, n + 1):
                t = time.perf_counter()
                step.click()
                page.get_by_text(f"Week {week} of 104").wait_for(timeout=20_000)
                times.append(time.perf_counter() - t)
            browser.close()
        return times
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)


def _ms(seconds: list[float]) -> str:
    q = statistics.quantiles(seconds, n=4)
    return (f"median {1000 * statistics.median(seconds):.1f} ms "
            f"(IQR {1000 * q[0]:.1f}-{1000 * q[2]:.1f}, max {1000 * max(seconds):.1f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the browser timing")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    _page()  # warm-up: imports, first render
    page_times, model_times = in_process()
    print(f"1. Step with redraw, in process, weeks 1-104: {_ms(page_times)}")
    print(f"   bare VillageModel.step(), same process:     {_ms(model_times)}")
    ratio = statistics.median(page_times) / statistics.median(model_times)
    print(f"   redraw costs {ratio:.0f}x a model step")
    early, late = growth()
    print(f"2. Step around week 50: {1000 * early:.1f} ms; around week 500: "
          f"{1000 * late:.1f} ms; ratio {late / early:.2f} for 10x the weeks shown "
          "(10 = linear)")
    browser = None if args.no_browser else in_browser()
    if browser is not None:
        print(f"3. Step to new week shown, Chromium: {_ms(browser)}")
    elif not args.no_browser:
        print("3. skipped: no chromium (apt-get install chromium)")
    worst = max([statistics.median(page_times)]
                + ([statistics.median(browser)] if browser else []))
    print(f"target: one step with redraw <= {TARGET_MS:.0f} ms: "
          f"{'PASS' if 1000 * worst <= TARGET_MS else 'FAIL'} ({1000 * worst:.1f} ms)")
    print(f"load average after {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
