"""A Traccar Client phone in tests (issue 17): a route linked to a device id, fixes on the way
from the station to the first stop, sent as the 9.x JSON client sends them, and what the seller
and the customer then read. The routes' zone puts the test at about noon there, so the phone's
real clock is inside service hours whatever time the suite runs."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.support.helpers import STATION, STOPS, route_payload
from tests.support.notify import worker

SELLER = {"Authorization": "Bearer demo"}
DEVICE = "phone-clock-test-5f1c9a0b7e2d"
A, B = (STATION["lat"], STATION["lon"]), (STOPS[0][0], STOPS[0][1])


@pytest.fixture(autouse=True)
def routes_registered_two_hours_ago(monkeypatch):
    """A phone's fixes from before its route was registered are dropped; the backlogs here
    are up to an hour old, so the routes were registered before them, as in a real day."""
    from app.live.ingest import Ingest

    register_route = Ingest.register_route

    def registered_earlier(self, seller_id, req, now=None):
        return register_route(self, seller_id, req, time.time() - 7200 if now is None else now)

    monkeypatch.setattr(Ingest, "register_route", registered_earlier)


def noon_zone() -> str:
    """A fixed-offset zone where it is about noon now (Etc/GMT signs are inverted)."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def phone_route(client, phones=False) -> dict:
    payload = route_payload()
    payload["timezone"] = noon_zone()
    if phones:
        for stop in payload["stops"]:
            stop["shipments"][0]["phone"] = "+358401234567"
    reg = client.post("/api/v1/routes", json=payload, headers=SELLER).json
    resp = client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": DEVICE},
                      headers=SELLER)
    assert resp.status_code == 200, resp.json
    return reg


def start(client, reg, t: float) -> None:
    resp = client.post("/api/v1/events", json={
        "type": "route_started", "timestamp": datetime.fromtimestamp(t, UTC).isoformat()},
        headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.json


def at(frac: float, t: float, accuracy: float = 5.0) -> dict:
    """A Traccar Client 9 location on the way from the station to stop 0, stamped t."""
    lat, lon = A[0] + (B[0] - A[0]) * frac, A[1] + (B[1] - A[1]) * frac
    return {"timestamp": datetime.fromtimestamp(t, UTC).isoformat(),
            "coords": {"latitude": lat, "longitude": lon, "speed": 3.0, "accuracy": accuracy}}


def send(client, *locations) -> dict:
    resp = client.post("/osmand", json={"device_id": DEVICE, "location": list(locations)})
    assert resp.status_code == 200, resp.data
    return resp.json


def history(client, reg) -> list[float]:
    resp = client.get(f"/api/v1/routes/{reg['route_id']}/positions", headers=SELLER)
    return [p["t"] for p in resp.json["positions"]]


def view(client, reg, k=0) -> dict:
    return client.get(f"/api/v1/track/{reg['shipments'][k]['token']}").json

def text_events(client, app) -> list[str]:
    worker(app).run_once()
    return [m["event"] for m in
            client.get("/api/v1/messages?kind=text", headers=SELLER).json["messages"]]


def window_start(client, reg, k=1) -> float:
    eta = view(client, reg, k)["eta"]
    return datetime.fromisoformat(eta["window"][0].replace("Z", "+00:00")).timestamp()



def walk_round(t0: float, step: float = 5.0, dwell: float = 60.0) -> list[dict]:
    """A driver's round as a phone records it, a fix every `step` s from `t0`: from the
    station to each stop in turn at 5 m/s, standing `dwell` s at each door."""
    from app.domain.geo import haversine_m

    points = [A] + [(s[0], s[1]) for s in STOPS]
    fixes, t = [], t0
    for a, b in zip(points, points[1:], strict=False):
        n = max(1, round(haversine_m(*a, *b) / (5.0 * step)))
        for k in range(n):
            fixes.append(place(a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n, t))
            t += step
        for _ in range(int(dwell / step)):
            fixes.append(place(*b, t))
            t += step
    return fixes


def place(lat: float, lon: float, t: float, accuracy: float = 5.0) -> dict:
    """A Traccar Client 9 location at a point, stamped t."""
    return {"timestamp": datetime.fromtimestamp(t, UTC).isoformat(),
            "coords": {"latitude": lat, "longitude": lon, "speed": 0.0, "accuracy": accuracy}}


def stamp(location: dict) -> float:
    return datetime.fromisoformat(location["timestamp"]).timestamp()
