"""The plan page hands a registered route to a Traccar Client phone by its device id."""

from __future__ import annotations

from tests.support.helpers import route_payload
from tests.support.signin import csrf_of, sign_in
from tests.unit.test_withdraw import registered

DEVICE = "traccar-812734-a1f9c3e07d"


def test_the_plan_page_links_a_phone_by_device_id_with_its_session(app, client):
    reads = app.extensions["doorstep"].reads
    rid = registered(client)["route_id"]
    url = f"/dashboard/routes/{rid}/device"
    assert client.put(url, json={"device_id": DEVICE}).status_code == 302  # not signed in
    sign_in(client, "demo")
    csrf = {"X-CSRF-Token": csrf_of(client.get("/dashboard").get_data(as_text=True))}
    assert client.put(url, json={"device_id": DEVICE}).status_code == 400  # no CSRF token
    resp = client.put(url, json={"device_id": DEVICE}, headers=csrf)
    assert resp.status_code == 200 and resp.json == {"route_id": rid, "device_id": DEVICE}
    assert resp.headers["Cache-Control"] == "no-store"
    assert reads.route_for_device(DEVICE) == rid
    # Left empty, an id nobody can guess is issued for the seller to type into the phone; the
    # phone linked before is cut off.
    issued = client.put(url, json={}, headers=csrf).json["device_id"]
    assert len(issued) >= 20 and reads.route_for_device(issued) == rid
    assert reads.route_for_device(DEVICE) is None
    # A short, guessable id is refused naming the field, as the API refuses it.
    short = client.put(url, json={"device_id": "123456"}, headers=csrf)
    assert short.status_code == 400 and short.json["field"] == "device_id"
    # Another seller's route answers like a missing one.
    theirs = client.post("/api/v1/routes", json=route_payload(),
                         headers={"Authorization": "Bearer acme-key"}).json["route_id"]
    other = client.put(f"/dashboard/routes/{theirs}/device", json={}, headers=csrf)
    assert other.status_code == 404 and reads.route_for_device(DEVICE) is None
