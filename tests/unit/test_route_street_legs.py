"""A route registered with its stops only is drawn along the streets (issue 14's outside check:
the README's own example showed its customer a straight line through the blocks)."""

from __future__ import annotations

import pytest

from app.domain.geo import haversine_m

SELLER = {"Authorization": "Bearer demo"}
BODY = {"driver": {"name": "Eero", "vehicle": "van"}, "station": {"lat": 60.1712, "lon": 24.94},
        "stops": [{"lat": 60.1668, "lon": 24.949, "address": "Pohjoisesplanadi 21",
                   "shipments": [{"recipient": "Maria"}]}]}


def legs_of(app, client, body) -> list:
    resp = client.post("/api/v1/routes", json=body, headers=SELLER)
    assert resp.status_code == 201, resp.json
    return app.extensions["doorstep"].ingest.routes.get(resp.json["route_id"]).legs


def test_a_route_without_legs_follows_the_vans_streets(app, client):
    legs = legs_of(app, client, BODY)
    assert len(legs) == 2  # to the stop, and back to the station
    to_stop = legs[0]
    assert len(to_stop) > 10  # a way round the blocks, not one straight line
    straight = haversine_m(60.1712, 24.94, 60.1668, 24.949)
    along = sum(haversine_m(*a, *b) for a, b in zip(to_stop, to_stop[1:], strict=False))
    assert straight * 1.1 < along < straight * 3
    assert tuple(to_stop[-1]) == pytest.approx((60.1668, 24.949))


@pytest.mark.parametrize("change", [
    {"driver": {"name": "Eero", "vehicle": "drone"}},  # drones fly straight
    {"stops": [{**BODY["stops"][0], "lat": 61.4978, "lon": 23.761}]},  # Tampere: off the map
], ids=["drone", "off the map"])
def test_no_street_legs_where_the_streets_cannot_say(app, client, change):
    assert legs_of(app, client, {**BODY, **change}) == []


def test_legs_the_seller_sent_are_kept(app, client):
    legs = [[[60.1712, 24.94], [60.1668, 24.949]]]
    assert legs_of(app, client, {**BODY, "legs": legs}) == [[(60.1712, 24.94),
                                                            (60.1668, 24.949)]]
