"""A customer's socket gets no driver coordinates until the driver is within the threshold."""

from __future__ import annotations

import json

import requests

from tests.support.helpers import iso
from tests.support.viewers import Viewer

VISIBLE_STOPS = 3


def long_route(n: int = 6) -> dict:
    # Stops 100 m apart heading north from the station, each with one shipment.
    stops = [{"lat": 60.1600 + 0.0009 * (i + 1), "lon": 24.9400, "address": f"Street {i}",
              "shipments": [{"recipient": f"Recipient {i}"}]} for i in range(n)]
    return {"driver": {"name": "Aino", "vehicle": "bike"}, "timezone": "Europe/Helsinki",
            "station": {"lat": 60.1600, "lon": 24.9400}, "stops": stops}


def post(server, path, body, token):
    resp = requests.post(f"{server.url}{path}", json=body, timeout=5,
                         headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


def test_coordinates_appear_only_within_the_threshold(live_server_factory):
    server = live_server_factory(VISIBLE_STOPS=str(VISIBLE_STOPS))
    reg = post(server, "/api/v1/routes", long_route(), "demo")
    driver = reg["driver_token"]
    last = reg["shipments"][-1]  # stop 5: five stops before it
    viewer = Viewer(server.url, {"token": last["token"]})
    try:
        snap = viewer.next("snapshot")
        assert snap["driver"]["position"] is None and snap["path"] is None
        post(server, "/api/v1/events", {"type": "route_started", "timestamp": iso(0)}, driver)
        post(server, "/api/v1/positions",
             {"lat": 60.1605, "lon": 24.9400, "timestamp": iso(30), "speed": 4}, driver)
        far = viewer.next("view", until=lambda v: v["stops_away"] == 5)
        assert far["driver"]["position"] is None and far["path"] is None
        for stop in (0, 1):  # 5 -> 3 stops away: now within the threshold
            post(server, "/api/v1/events", {"type": "delivered", "stop": stop,
                                             "timestamp": iso(60 + stop * 60)}, driver)
        near = viewer.next("view", until=lambda v: v["stops_away"] == VISIBLE_STOPS)
        assert near["driver"]["position"] is not None
        # Nothing received before that moment carried the driver's coordinates.
        seen = [far, snap]
        while not viewer.events.empty():
            seen.append(viewer.events.get()[1])
        for frame in seen:
            if frame["stops_away"] is not None and frame["stops_away"] > VISIBLE_STOPS:
                assert "60.1605" not in json.dumps(frame)
                assert frame["driver"]["position"] is None
    finally:
        viewer.close()
