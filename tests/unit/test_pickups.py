"""Pickup stops (issue 16): a restaurant or a second warehouse on the way, before its deliveries."""

from __future__ import annotations

import pytest

from tests.support.helpers import STATION, iso, route_payload

SELLER = {"Authorization": "Bearer demo"}
RESTAURANT = {"kind": "pickup", "lat": 60.1679, "lon": 24.9465,
              "address": "Ravintola, Kluuvikatu 2", "dwell_s": 240}


def with_pickup() -> dict:
    """A restaurant first, then three deliveries: the last two carry its meals."""
    p = route_payload()
    p["stops"] = [dict(RESTAURANT), *p["stops"]]
    p["stops"][2]["pickup"] = 0
    p["stops"][3]["pickup"] = 0
    p["program"] = "restaurant"
    points = [(STATION["lat"], STATION["lon"])] + [(s["lat"], s["lon"]) for s in p["stops"]]
    p["legs"] = [[list(points[i]), list(points[i + 1])] for i in range(len(p["stops"]))]
    return p


def post_event(client, reg, **event):
    return client.post("/api/v1/events", json={"timestamp": iso(event.pop("t", 10)), **event},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})


def view(client, reg, k):
    return client.get(f"/api/v1/track/{reg['shipments'][k]['token']}").json


def test_a_pickup_is_picked_up_and_its_customers_are_told(client):
    resp = client.post("/api/v1/routes", json=with_pickup(), headers=SELLER)
    assert resp.status_code == 201, resp.json
    reg = resp.json
    assert [s["stop"] for s in reg["shipments"]] == [1, 2, 3]  # the pickup holds none
    assert post_event(client, reg, type="route_started", t=0).status_code == 200
    before = [view(client, reg, k) for k in range(3)]
    # The first delivery left the station with the driver; the meals wait at the restaurant.
    assert before[0]["status_text"] != "Your order is being picked up"
    assert before[0]["stops_away"] == 1  # the pickup is a stop the driver makes first
    assert [v["status_text"] for v in before[1:]] == ["Your order is being picked up"] * 2
    assert before[2]["stops_away"] == 3
    # A delivery at the restaurant, or a "picked up" at a door, is refused and names the type.
    for event, stop in (("delivered", 0), ("picked_up", 1)):
        resp = post_event(client, reg, type=event, stop=stop, reason="no_access", t=20)
        assert resp.status_code == 400 and resp.json["field"] == "type", resp.json
    # A meal delivered (or a door tried) before it is picked up: refused, naming the stop.
    for event in ("delivered", "attempted"):
        resp = post_event(client, reg, type=event, stop=2, reason="no_access", t=30,
                          proof={"left_at": "door"} if event == "delivered" else None)
        assert resp.status_code == 400 and resp.json["field"] == "stop", resp.json
        assert "picked_up for stop 0" in resp.json["error"]
    assert not any(view(client, reg, k)["status"] in ("delivered", "attempted") for k in range(3))
    assert post_event(client, reg, type="arrived", stop=0, t=100).status_code == 200
    assert post_event(client, reg, type="picked_up", stop=0, t=300).status_code == 200
    assert post_event(client, reg, type="picked_up", stop=0, t=300).status_code == 200  # a retry
    after = [view(client, reg, k) for k in range(3)]
    assert [v["stops_away"] for v in after] == [0, 1, 2]
    assert all(v["status_text"] != "Your order is being picked up" for v in after)
    block = client.get("/api/v1/driver/block",
                       headers={"Authorization": f"Bearer {reg['driver_token']}"}).json
    first = block["stops"][0]
    assert (first["kind"], first["done"], first["for_stops"]) == ("pickup", True, [2, 3])
    assert block["stops"][2]["pickup"] == 0 and block["next_stop"] == 1


def test_a_pickup_not_yet_done_is_the_next_stop_in_the_driver_app(client):
    reg = client.post("/api/v1/routes", json=with_pickup(), headers=SELLER).json
    block = client.get("/api/v1/driver/block",
                       headers={"Authorization": f"Bearer {reg['driver_token']}"}).json
    assert block["next_stop"] == 0 and block["stops"][0]["done"] is False


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda p: p["stops"][0].update(kind="lunch"), "stops[0].kind"),
    (lambda p: p["stops"][0].update(shipments=[{"recipient": "Chef"}]), "stops[0].shipments"),
    (lambda p: p["stops"][0].update(pickup=0), "stops[0].pickup"),
    (lambda p: p["stops"][2].update(pickup=1), "stops[2].pickup"),  # a delivery, not a pickup
    (lambda p: p["stops"][2].update(pickup=9), "stops[2].pickup"),
    (lambda p: p["stops"][2].update(pickup="0"), "stops[2].pickup"),
    (lambda p: p["stops"][2].update(pickup=True), "stops[2].pickup"),
    (lambda p: p["stops"].insert(1, dict(RESTAURANT)), "stops[1].kind"),  # loads nothing
    # A pickup after its delivery: the parcel cannot be delivered before it is collected.
    (lambda p: p["stops"].append(p["stops"].pop(0)), "stops[1].pickup"),
])
def test_a_bad_pickup_names_the_field_and_stores_nothing(client, mutate, field):
    payload = with_pickup()
    payload.pop("legs")
    mutate(payload)
    resp = client.post("/api/v1/routes", json=payload, headers=SELLER)
    assert resp.status_code == 400, resp.json
    assert resp.json["field"] == field
    assert client.get("/api/v1/routes", headers=SELLER).json["routes"] == []


def test_a_failed_pickup_is_recorded_and_its_customers_are_told_the_truth(client):
    reg = client.post("/api/v1/routes", json=with_pickup(), headers=SELLER).json
    assert post_event(client, reg, type="route_started", t=0).status_code == 200
    # "No safe place" means nothing at a restaurant: the reasons there are named.
    bad = post_event(client, reg, type="attempted", stop=0, reason="no_safe_location", t=100)
    assert bad.status_code == 400 and bad.json["field"] == "reason"
    resp = post_event(client, reg, type="attempted", stop=0, reason="business_closed", t=120)
    assert resp.status_code == 200 and resp.json["accepted"] == 1, resp.json
    # A retry of the same report changes nothing; a "picked up" after it is refused.
    again = post_event(client, reg, type="attempted", stop=0, reason="business_closed", t=120)
    assert again.status_code == 200
    late = post_event(client, reg, type="picked_up", stop=0, t=200)
    assert late.status_code == 400 and late.json["field"] == "type"
    views = [view(client, reg, k) for k in range(3)]
    # The first parcel left the station with the driver: still on its way.
    assert views[0]["status"] in ("out_for_delivery", "approaching")
    for v in views[1:]:  # the meals never left the restaurant, and their customers read so
        assert v["status"] == "attempted"
        last = v["timeline"][-1]["text"]
        assert last.startswith("Your order could not be collected for delivery: the business "
                               "was closed. We will try again"), last
        assert "Your order is being picked up" not in v["status_text"]
    assert views[1]["attempt"] == {"reason": "business_closed", "at_pickup": True,
                                   "next_attempt": views[1]["attempt"]["next_attempt"]}
    from app.i18n.wording import localized

    assert "ei voitu noutaa" in localized(views[1], "fi")["status_text"]  # the page in Finnish
    # Nothing more can happen at those doors; the driver app shows them done.
    resp = post_event(client, reg, type="delivered", stop=2, t=300, proof={"left_at": "door"})
    assert resp.status_code == 400
    block = client.get("/api/v1/driver/block",
                       headers={"Authorization": f"Bearer {reg['driver_token']}"}).json
    assert [s["done"] for s in block["stops"]] == [True, False, True, True]
    assert block["next_stop"] == 1
    assert post_event(client, reg, type="delivered", stop=1, t=400,
                      proof={"left_at": "door"}).status_code == 200


@pytest.mark.parametrize(("lang", "words"),
                         [("fi", "ei voitu noutaa"), ("sv", "kunde inte hämtas")])
def test_a_failed_pickup_is_texted_as_such_in_every_language(lang, words):
    from app.i18n.wording import change_text

    detail = {"reason": "business_closed", "next_attempt": "2026-12-04", "at_pickup": True}
    text = change_text("attempted", detail, "Aino", "Europe/Helsinki", lang, "english")
    assert words in text and "%(" not in text
    door = change_text("attempted", {**detail, "at_pickup": False}, "Aino", "Europe/Helsinki",
                       lang, "english")
    assert words not in door
