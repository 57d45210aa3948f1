"""How long "Start a demo delivery" keeps the seller waiting, as the seller sees it.

Each run starts a fresh gunicorn (so no earlier demo is still driving), signs in to the dashboard
in headless Chromium, presses "Start demo" with the form's defaults, and times, from the click:

- `tab`: the new tab is on the customer's page (/track/...);
- `driver`: the page shows the driver's position for the first time;
- `moving`: the driver's position on the page has changed: the driver has left and is moving.

It also records whether the opened page ever said "delivered" before the driver moved (it must
not). Prints each run, then the median and spread (min-max) of each figure.

    .venv/bin/python -m bench.demo_start --runs 5 --port 5250
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess  # nosec B404 # starts our own server
import time
from pathlib import Path

from bench.server import start_gunicorn

ROOT = Path(__file__).resolve().parents[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    return start_gunicorn(port, log, {"PYTHONUNBUFFERED": "1", "DEMO_MAX_RUNS": "2",
                                      "INTERNAL_URL": f"http://127.0.0.1:{port}"})


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()  # gunicorn stops its worker, and the worker its demo simulators (atexit)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def poll(page, expression: str, timeout: float) -> float:
    """Wall time (monotonic) at which `expression` first held on the page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return time.monotonic()
        except Exception:  # nosec B110 # mid-navigation: the page's context is replaced
            pass
        time.sleep(0.05)
    raise TimeoutError(expression)


ROOT_EL = "document.getElementById('track')"


def one_run(browser, base: str, form: dict) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/signin")
    page.fill("#key", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/dashboard")
    page.select_option("#demo-form select[name=vehicle]", form["vehicle"])
    page.fill("#demo-form input[name=stops]", str(form["stops"]))
    page.fill("#demo-form input[name=speedup]", str(form["speedup"]))
    with context.expect_page(timeout=120_000) as opened:
        clicked = time.monotonic()
        page.click("#demo-form button")
    customer = opened.value
    tab = poll(customer, f"location.pathname.startsWith('/track/') && {ROOT_EL} !== null", 120)
    status = customer.evaluate(f"{ROOT_EL}.dataset.status")
    driver = poll(customer, f"{ROOT_EL}.dataset.driverLat !== undefined", 120)
    first = customer.evaluate(f"[{ROOT_EL}.dataset.driverLat, {ROOT_EL}.dataset.driverLon]")
    moving = poll(customer, f"{ROOT_EL}.dataset.driverLat + ',' + {ROOT_EL}.dataset.driverLon"
                            f" !== {','.join(first)!r}", 120)
    done = customer.evaluate(f"{ROOT_EL}.dataset.status")
    context.close()
    return {"tab": tab - clicked, "driver": driver - clicked, "moving": moving - clicked,
            "status_shown": status, "status_moving": done}


def spread(xs: list[float]) -> str:
    return (f"median {statistics.median(xs):5.1f} s, spread {min(xs):.1f}-{max(xs):.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--port", type=int, default=5250,
                    help="the first run's port; run i uses port + i")
    ap.add_argument("--vehicle", default="bike")
    ap.add_argument("--stops", type=int, default=3)
    ap.add_argument("--speedup", type=float, default=20)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    form = {"vehicle": args.vehicle, "stops": args.stops, "speedup": args.speedup}
    log = ROOT / "var" / "demo_start.log"
    log.parent.mkdir(exist_ok=True)
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-gpu"])
        for i in range(args.runs):
            port = args.port + i  # a port of its own: the last one may linger in TIME_WAIT
            proc = start_server(port, log)
            try:
                run = one_run(browser, f"http://127.0.0.1:{port}", form)
            finally:
                stop_server(proc)
            runs.append(run)
            print(f"run {i + 1}: tab {run['tab']:5.1f} s, driver {run['driver']:5.1f} s, "
                  f"moving {run['moving']:5.1f} s; opened on '{run['status_shown']}', "
                  f"'{run['status_moving']}' when it moved", flush=True)
        browser.close()
    print(f"demo {form}, load average {os.getloadavg()[0]:.1f}")
    for key in ("tab", "driver", "moving"):
        print(f"  click to {key:7s} {spread([r[key] for r in runs])}")
    finished = sum(r["status_shown"] in ("delivered", "attempted") for r in runs)
    print(f"  opened on a finished shipment: {finished} of {len(runs)}")


if __name__ == "__main__":
    main()
