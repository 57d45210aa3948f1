"""The simulator against a real server: its drivers appear on the customer page and finish."""

from __future__ import annotations

import json
import subprocess
import sys

import requests

from tests.support.servers import ROOT, until


def start_simulator(server_url: str, links, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "simulator", "run", "--server", server_url, "--key", "demo",
         "--links", str(links), "--quiet", "--seed", "5", "--start", "10:00", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def first_link(path, timeout: float = 60.0) -> dict:
    until(lambda: path.exists() and path.read_text().strip(), timeout,
          "the simulator to register a route", interval=0.2)
    return json.loads(path.read_text().splitlines()[0])


def test_simulated_driver_moves_on_the_customer_page_and_finishes(live_server, browser, tmp_path):
    links = tmp_path / "links.jsonl"
    sim = start_simulator(live_server.url, links, "--bikes", "1", "--stops", "3",
                          "--speedup", "60", "--fail-rate", "0")
    try:
        route = first_link(links)
        shipment = route["shipments"][-1]
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route("https://tile.openstreetmap.org/**", lambda r: r.abort())
        page.goto(shipment["tracking_url"])
        # 3 stops: the driver is within the visibility threshold from the start.
        page.wait_for_selector(".driver-marker", timeout=60000)
        first = page.locator("#track").get_attribute("data-driver-lat")
        # Polled from Python: the page's CSP (script-src 'self') forbids wait_for_function's eval.
        until(lambda: page.locator("#track").get_attribute("data-driver-lat") != first, 60,
              "the driver to move on the page", interval=0.2)
        page.screenshot(path=str(tmp_path / "simulated.png"))
        page.close()
        out, err = sim.communicate(timeout=240)
        assert sim.returncode == 0, err
    finally:
        if sim.poll() is None:
            sim.kill()
            sim.communicate()  # reap it and close its pipes
    token = shipment["tracking_url"].rsplit("/", 1)[1]
    view = requests.get(f"{live_server.url}/api/v1/track/{token}", timeout=5).json()
    assert view["status"] in ("delivered", "returned")
    routes = requests.get(f"{live_server.url}/api/v1/routes",
                          headers={"Authorization": "Bearer demo"}, timeout=5).json()["routes"]
    assert [r["route_id"] for r in routes] == [route["route_id"]]


def test_a_restaurant_block_picks_up_then_delivers_on_the_server(live_server, tmp_path):
    links = tmp_path / "links.jsonl"
    sim = start_simulator(live_server.url, links, "--bikes", "1", "--program", "restaurant",
                          "--max-speed", "--fail-rate", "0")
    out, err = sim.communicate(timeout=240)
    assert sim.returncode == 0, err
    route = json.loads(links.read_text().splitlines()[0])
    # The order waits at the restaurant (stop 0): its parcels are the drop-off's, stop 1.
    assert {s["stop"] for s in route["shipments"]} == {1}
    token = route["shipments"][0]["tracking_url"].rsplit("/", 1)[1]
    view = requests.get(f"{live_server.url}/api/v1/track/{token}", timeout=5).json()
    assert view["status"] == "delivered"
    summary = requests.get(f"{live_server.url}/api/v1/routes/{route['route_id']}",
                           headers={"Authorization": "Bearer demo"}, timeout=5).json()
    assert (summary["stops_done"], summary["stops_total"]) == (2, 2)  # picked up, delivered


def test_the_readme_replay_ends_without_a_rejection(live_server, tmp_path):
    # The README's example: before, the last point went after `returned` and was refused.
    track = tmp_path / "track.gpx"
    pts = "\n".join(f'<trkpt lat="60.17{i}" lon="24.94{i}"><time>2026-11-26T08:00:{i * 5:02d}Z'
                    f"</time></trkpt>" for i in range(6))
    track.write_text('<?xml version="1.0"?><gpx version="1.1" '
                     f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}'
                     "</trkseg></trk></gpx>")
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "replay", str(track), "--speedup", "10",
         "--server", live_server.url, "--key", "demo", "--start", "10:00"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "rejected" not in proc.stderr, proc.stderr
