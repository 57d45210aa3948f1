"""Delivery slots (grocery two-hour slots, express) are part of the API and the ETA (issue 19)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.helpers import STATION, T0, fix_between, iso, route_payload

SELLER = {"Authorization": "Bearer demo"}


def epoch(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def with_slot(payload: dict, stop: int, start_s: float, end_s: float) -> dict:
    payload["stops"][stop]["window"] = {"from": iso(start_s), "to": iso(end_s)}
    return payload


@pytest.mark.parametrize(("window", "field"), [
    ("10-12", "stops[1].window"),
    ({"from": iso(0)}, "stops[1].window.to"),
    ({"from": iso(3600), "to": iso(0)}, "stops[1].window.to"),
    ({"from": iso(0), "to": iso(2 * 86400)}, "stops[1].window.to"),
    ({"from": "2026-11-26T10:00:00", "to": iso(3600)}, "stops[1].window.from"),
    ({"from": "soon", "to": iso(3600)}, "stops[1].window.from"),
    ({"from": iso(0), "to": "9999-12-31T23:59:59+14:00"}, "stops[1].window.to"),
    ({"from": 1e300, "to": 1e301}, "stops[1].window.from"),
    ({"from": True, "to": iso(3600)}, "stops[1].window.from"),
])
def test_a_bad_slot_names_its_field_and_stores_nothing(client, window, field):
    payload = route_payload()
    payload["stops"][1]["window"] = window
    resp = client.post("/api/v1/routes", json=payload, headers=SELLER)
    assert resp.status_code == 400, resp.json
    assert resp.json["field"] == field
    assert client.get("/api/v1/routes", headers=SELLER).json["routes"] == []


def test_the_eta_waits_for_the_slot_and_the_window_stays_inside_it(client):
    # Stop 2's slot opens two hours after the start: the driver is minutes away from it.
    payload = with_slot(route_payload(), 2, 2 * 3600, 4 * 3600)
    reg = client.post("/api/v1/routes", json=payload, headers=SELLER).json
    driver = {"Authorization": f"Bearer {reg['driver_token']}"}
    client.post("/api/v1/events", json={"type": "route_started", "timestamp": iso(0)},
                headers=driver)
    first = (payload["stops"][0]["lat"], payload["stops"][0]["lon"])
    station = (STATION["lat"], STATION["lon"])
    resp = client.post("/api/v1/positions", json=fix_between(station, first, 0.5, 60),
                       headers=driver)
    assert resp.status_code == 200, resp.json
    slotted, free = reg["shipments"][2], reg["shipments"][1]
    view = client.get(f"/api/v1/track/{slotted['token']}").json
    start, end = T0.timestamp() + 2 * 3600, T0.timestamp() + 4 * 3600
    lo, hi = (epoch(t) for t in view["eta"]["window"])
    assert start < epoch(view["eta"]["at"]) < start + 600  # the slot's start, then the handover
    assert start <= lo < hi <= end
    # A stop without a slot is not held back by it.
    other = client.get(f"/api/v1/track/{free['token']}").json
    assert epoch(other["eta"]["at"]) < T0.timestamp() + 1800


def test_a_route_registered_without_slots_reads_back_as_before(client):
    reg = client.post("/api/v1/routes", json=route_payload(), headers=SELLER).json
    route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER)
    assert route.status_code == 200
