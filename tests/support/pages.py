"""Helpers for the page tests: CSP-safe waiting, long routes, events, screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import requests

from tests.support.helpers import STATION, iso
from tests.support.servers import until

TILES = "https://tile.openstreetmap.org/**"


def wait_until(page, expression: str, timeout: float = 10.0):
    """Poll a JS expression with page.evaluate: the pages' CSP forbids Playwright's eval-based
    wait_for_function, and the test must not weaken the CSP it runs under."""
    return until(lambda: page.evaluate(expression), timeout, expression, interval=0.1)


def text_of(page, selector: str) -> str:
    return page.evaluate(f"document.querySelector({selector!r})?.textContent.trim() ?? ''")


def new_page(browser, width: int = 360, height: int = 740):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.route(TILES, lambda route: route.abort())  # offline: no tiles, the page must cope
    return page


def long_route(n_stops: int, vehicle: str = "van") -> dict:
    """A route with many stops going north along Unioninkatu, with straight legs."""
    points = [(STATION["lat"], STATION["lon"])]
    stops = []
    for i in range(n_stops):
        lat, lon = 60.1680 + i * 0.0004, 24.9480 + (i % 2) * 0.0003
        points.append((lat, lon))
        stops.append({"lat": lat, "lon": lon, "address": f"Unioninkatu {i + 1}",
                      "shipments": [{"recipient": f"Customer {i}", "reference": f"o-{i}"}]})
    legs = [[list(points[i]), list(points[i + 1])] for i in range(n_stops)]
    return {"driver": {"name": "Aino Virtanen", "vehicle": vehicle}, "program": "standard",
            "timezone": "Europe/Helsinki", "station": dict(STATION), "stops": stops,
            "legs": legs}


def register_payload(base: str, payload: dict, key: str = "demo") -> dict:
    resp = requests.post(f"{base}/api/v1/routes", json=payload,
                         headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert resp.status_code == 201, resp.text
    reg = resp.json()
    send_event(base, reg, {"type": "route_started", "timestamp": iso(0)})
    return reg


def send_event(base: str, reg: dict, event: dict) -> None:
    resp = requests.post(f"{base}/api/v1/events", json=event, timeout=10,
                         headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200 and resp.json()["accepted"] == 1, resp.text


def send_fix(base: str, reg: dict, lat: float, lon: float, t: float, heading: float = 10):
    resp = requests.post(f"{base}/api/v1/positions", timeout=10,
                         json={"lat": lat, "lon": lon, "timestamp": iso(t), "speed": 6,
                               "heading": heading, "accuracy": 5},
                         headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.text


def screenshot(page, tmp_path: Path, name: str) -> None:
    """Save to tmp_path, and to $DOORSTEP_SCREENSHOTS (docs/screenshots) when it is set."""
    page.evaluate("window.scrollTo(0, 0)")
    wait_until(page, "window.scrollY === 0")
    # Two animation frames: the page has been painted at the top.
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(tmp_path / f"{name}.png"))
    target = os.environ.get("DOORSTEP_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"))
