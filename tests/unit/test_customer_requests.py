"""The customer's delivery instructions and feedback, and the seller's branding: through the
real API and pages, every bad input a 4xx naming its field, and private to the token holder,
the route's driver and the seller."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from PIL import Image

from tests.support.driver import metadata_of, phone_photo
from tests.support.helpers import iso, register
from tests.support.signin import sign_in

SELLER = {"Authorization": "Bearer demo"}


def page_config(client, token: str) -> dict:
    page = client.get(f"/track/{token}").get_data(as_text=True)
    return json.loads(html.unescape(re.search(r'data-config="([^"]+)"', page).group(1)))


def put_instructions(client, token: str, body, csrf: str | None = None):
    csrf = csrf if csrf is not None else page_config(client, token)["csrfToken"]
    return client.put(f"/api/v1/track/{token}/instructions", json=body,
                      headers={"X-CSRF-Token": csrf})


def deliver(client, reg: dict, stop: int = 0):
    resp = client.post("/api/v1/events", json={
        "type": "delivered", "stop": stop, "timestamp": iso(600),
        "proof": {"left_at": "front door"}},
        headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.text


def test_instructions_reach_the_driver_and_the_seller_only(client):
    reg = register(client)
    mine, other = reg["shipments"][0]["token"], reg["shipments"][1]["token"]
    resp = put_instructions(client, mine, {"note": "Door code 4321, ring twice",
                                           "safe_place": "back door"})
    assert resp.status_code == 200, resp.text
    assert resp.json["note"] == "Door code 4321, ring twice" and resp.json["open"]
    block = client.get("/api/v1/driver/block",
                       headers={"Authorization": f"Bearer {reg['driver_token']}"}).json
    asked = block["stops"][0]["shipments"][0]["instructions"]
    assert asked == {"note": "Door code 4321, ring twice", "safe_place": "back door"}
    assert block["stops"][1]["shipments"][0]["instructions"] is None
    # Nowhere else: not another customer's view or page, not the lookup, not the public view.
    tid = reg["shipments"][0]["tracking_id"]
    for url in (f"/api/v1/track/{other}", f"/track/{other}", f"/api/v1/track/{other}/instructions",
                f"/api/v1/track/{mine}", f"/track?number={tid}"):
        assert "4321" not in client.get(url).get_data(as_text=True), url
    sign_in(client)
    listed = client.get("/dashboard/instructions").json["instructions"]
    assert [(i["tracking_id"], i["note"], i["safe_place"]) for i in listed] == [
        (tid, "Door code 4321, ring twice", "back door")]


BIDI = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def test_bidi_controls_in_a_note_are_shown_nowhere(app, client):
    """A right-to-left override would turn "code 1234" around on the driver's screen: the
    note keeps its letters, not the controls, on the page, in the driver app and the dashboard
    (also for a note stored before they were taken out)."""
    reg = register(client)
    mine, tid = reg["shipments"][0]["token"], reg["shipments"][0]["tracking_id"]
    resp = put_instructions(client, mine, {"note": "code \u202e4321\u202c, " + BIDI + "ring"})
    assert resp.status_code == 200, resp.text
    assert resp.json["note"] == "code 4321, ring"
    app.extensions["doorstep"].store.put_doc("instructions", reg["shipments"][1]["tracking_id"], {
        "tracking_id": reg["shipments"][1]["tracking_id"], "seller_id": "demo",
        "note": "old \u2067note\u2069", "safe_place": None, "at": 1.0})
    block = client.get("/api/v1/driver/block",
                       headers={"Authorization": f"Bearer {reg['driver_token']}"}).json
    notes = [s["shipments"][0]["instructions"]["note"] for s in block["stops"][:2]]
    assert notes == ["code 4321, ring", "old note"]
    assert client.get(f"/api/v1/track/{mine}/instructions").json["note"] == "code 4321, ring"
    sign_in(client)
    listed = client.get("/dashboard/instructions").json["instructions"]
    assert sorted(i["note"] for i in listed) == ["code 4321, ring", "old note"]
    assert not any(c in BIDI for c in json.dumps(listed, ensure_ascii=False))
    assert tid in {i["tracking_id"] for i in listed}


def test_another_sellers_dashboard_does_not_list_them(client):
    reg = register(client)
    put_instructions(client, reg["shipments"][0]["token"], {"note": "code 9876"})
    sign_in(client, "acme-key")
    assert client.get("/dashboard/instructions").json["instructions"] == []


@pytest.mark.parametrize("body, field", [
    ({"note": "x" * 301}, "note"),
    ({"note": 5}, "note"),
    ({"note": "bell\x07"}, "note"),
    ({"safe_place": "in the bin"}, "safe_place"),
    ({"safe_place": ["front door"]}, "safe_place"),
    ([], "body"),
])
def test_bad_instructions_are_refused_by_field_and_change_nothing(client, body, field):
    token = register(client)["shipments"][0]["token"]
    put_instructions(client, token, {"note": "keep me"})
    resp = put_instructions(client, token, body)
    assert resp.status_code == 400 and resp.json["field"] == field, resp.json
    assert client.get(f"/api/v1/track/{token}/instructions").json["note"] == "keep me"


def test_instructions_need_the_pages_csrf_token(client):
    token = register(client)["shipments"][0]["token"]
    page_config(client, token)  # the session has a token, but the request does not carry it
    resp = put_instructions(client, token, {"note": "x"}, csrf="wrong")
    assert resp.status_code == 400 and resp.json["field"] == "X-CSRF-Token"
    assert client.get(f"/api/v1/track/{token}/instructions").json["note"] == ""


def test_instructions_close_once_the_delivery_is_over(client):
    reg = register(client)
    token = reg["shipments"][0]["token"]
    csrf = page_config(client, token)["csrfToken"]
    deliver(client, reg)
    resp = put_instructions(client, token, {"note": "too late"}, csrf)
    assert resp.status_code == 409 and resp.json["field"] == "status"
    assert client.get(f"/api/v1/track/{token}/instructions").json["open"] is False


def test_instructions_are_rate_limited(app, client):
    app.config["INSTRUCTIONS_RATE"] = "2/hour"
    token = register(client)["shipments"][0]["token"]
    csrf = page_config(client, token)["csrfToken"]
    codes = [put_instructions(client, token, {"note": f"n{i}"}, csrf).status_code
             for i in range(3)]
    assert codes == [200, 200, 429]


def post_feedback(client, token: str, body: dict, csrf: str):
    return client.post(f"/api/v1/track/{token}/feedback", json=body,
                       headers={"X-CSRF-Token": csrf})


def test_feedback_lands_once_and_the_seller_sees_averages(client):
    reg = register(client)
    token = reg["shipments"][0]["token"]
    csrf = page_config(client, token)["csrfToken"]
    early = post_feedback(client, token, {"delivery": 5, "product": 4}, csrf)
    assert early.status_code == 409 and early.json["field"] == "status"
    deliver(client, reg)
    assert "How did it go?" in client.get(f"/track/{token}/feedback").get_data(as_text=True)
    first = post_feedback(client, token, {"delivery": 5, "product": 3, "comment": "Quick!"}, csrf)
    assert first.status_code == 201, first.json
    again = post_feedback(client, token, {"delivery": 1, "product": 1}, csrf)
    assert again.status_code == 409 and again.json["field"] == "token"
    assert "already" in again.json["error"]
    listed = client.get("/api/v1/feedback", headers=SELLER).json
    assert [(f["delivery"], f["product"], f["comment"]) for f in listed["feedback"]] == [
        (5, 3, "Quick!")]
    assert listed["summary"]["by_driver"] == [
        {"driver": "Aino", "count": 1, "delivery": 5.0, "product": 3.0}]
    assert listed["summary"]["by_day"][0]["day"] == "2026-11-26"
    sign_in(client)
    assert client.get("/dashboard/ratings").json["summary"]["all"]["delivery"] == 5.0


@pytest.mark.parametrize("body, field", [
    ({"delivery": 0, "product": 3}, "delivery"),
    ({"delivery": 6, "product": 3}, "delivery"),
    ({"delivery": True, "product": 3}, "delivery"),
    ({"delivery": 4, "product": "5"}, "product"),
    ({"delivery": 4, "product": 2.5}, "product"),
    ({"delivery": 4, "product": 5, "comment": "x" * 1001}, "comment"),
])
def test_bad_feedback_is_refused_by_field_and_keeps_the_slot(client, body, field):
    reg = register(client)
    token = reg["shipments"][0]["token"]
    csrf = page_config(client, token)["csrfToken"]
    deliver(client, reg)
    resp = post_feedback(client, token, body, csrf)
    assert resp.status_code == 400 and resp.json["field"] == field, resp.json
    assert post_feedback(client, token, {"delivery": 4, "product": 4}, csrf).status_code == 201


def test_feedback_request_links_to_the_feedback_page(app):
    from app.notify.dispatch import Dispatch

    app.config["PUBLIC_URL"] = "https://track.example"
    dispatch: Dispatch = app.extensions["doorstep"].notify.dispatch
    dispatch.public_url = "https://track.example"
    with app.test_client() as client:
        reg = register(client)
    ship = app.extensions["doorstep"].store.get_shipment(reg["shipments"][0]["tracking_id"])
    body = dispatch.feedback_body(ship)
    assert body.endswith(f"/track/{reg['shipments'][0]['token']}/feedback")


@pytest.mark.parametrize("body, field", [
    ({"colour": "red"}, "colour"),
    ({"colour": "#12345g"}, "colour"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"email": "not an address"}, "email"),
    ({"phone": "call me"}, "phone"),
    ({"name": "x" * 81}, "name"),
    ({"name": "two\nlines"}, "name"),
])
def test_bad_branding_is_refused_by_field(client, body, field):
    resp = client.put("/api/v1/settings/branding", json=body, headers=SELLER)
    assert resp.status_code == 400 and resp.json["field"] == field, resp.json


def test_the_page_says_who_sent_it_and_how_to_reach_them(client):
    resp = client.put("/api/v1/settings/branding", headers=SELLER, json={
        "name": "Kahvila <Oy>", "colour": "#aa3300", "email": "help@kahvila.example",
        "phone": "+358 9 123 4567", "website": "https://kahvila.example"})
    assert resp.status_code == 200, resp.json
    logo = client.put("/api/v1/settings/branding/logo", headers=SELLER,
                      data=phone_photo(1200, 800))
    assert logo.status_code == 200, logo.json
    token = register(client)["shipments"][0]["token"]
    page = client.get(f"/track/{token}").get_data(as_text=True)
    assert "Kahvila &lt;Oy&gt;" in page and "mailto:help@kahvila.example" in page
    assert 'href="tel:+35891234567"' in page
    assert page_config(client, token)["brandColour"] == "#aa3300"
    src = html.unescape(re.search(r'class="seller-logo" src="([^"]+)"', page).group(1))
    served = client.get(src)
    assert served.status_code == 200 and served.mimetype == "image/png"
    img = Image.open(io.BytesIO(served.data))
    assert img.format == "PNG" and max(img.size) <= 256
    assert metadata_of(served.data) == {} or "exif" not in metadata_of(served.data)
    # Another seller's customers see nothing of it.
    other = register(client, key="acme-key")["shipments"][0]["token"]
    assert "Kahvila" not in client.get(f"/track/{other}").get_data(as_text=True)
    assert client.get(f"/track/{other}/logo").status_code == 404


@pytest.mark.parametrize("data", [b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a",
                                  b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"x" * (600 * 1024)])
def test_a_logo_that_is_not_a_small_image_is_refused(client, data):
    resp = client.put("/api/v1/settings/branding/logo", headers=SELLER, data=data)
    assert resp.status_code == 400 and resp.json["field"] == "logo", resp.json
    assert client.get("/api/v1/settings/branding", headers=SELLER).json["logo"] is None


def test_the_settings_form_keeps_nothing_when_the_logo_is_refused(client):
    from tests.support.signin import csrf_of

    sign_in(client)
    csrf = csrf_of(client.get("/dashboard/settings").get_data(as_text=True))
    resp = client.post("/dashboard/settings", data={
        "csrf_token": csrf, "name": "New name", "colour": "#112233",
        "logo": (io.BytesIO(b"<svg/>"), "logo.svg")}, content_type="multipart/form-data")
    assert resp.status_code == 400 and 'data-field="logo"' in resp.get_data(as_text=True)
    assert client.get("/api/v1/settings/branding", headers=SELLER).json["name"] is None
    ok = client.post("/dashboard/settings", data={"csrf_token": csrf, "name": "New name",
                                                  "colour": "#112233"})
    assert ok.status_code == 302
    assert client.get("/api/v1/settings/branding", headers=SELLER).json["name"] == "New name"
    no_csrf = client.post("/dashboard/settings", data={"name": "Evil"})
    assert no_csrf.status_code == 400


def test_feedback_reaches_the_sellers_webhook_signed(tmp_path):
    from tests.support.notify import Clock, Receiver, event, helsinki, make_app, signed_by, worker

    app = make_app(Clock(helsinki(2026, 11, 26, 12, 0)))
    receiver = Receiver()
    try:
        client = app.test_client()
        hooked = client.post("/api/v1/webhooks", json={"url": receiver.url,
                                                        "events": ["feedback"]},
                             headers=SELLER).json
        other = client.post("/api/v1/webhooks", json={"url": receiver.url + "/acme",
                                                       "events": ["feedback"]},
                            headers={"Authorization": "Bearer acme-key"}).json
        assert other["id"]
        reg = register(client)
        token = reg["shipments"][0]["token"]
        csrf = page_config(client, token)["csrfToken"]
        put_instructions(client, token, {"note": "secret code 5555"}, csrf)
        deliver(client, reg)
        assert post_feedback(client, token, {"delivery": 4, "product": 5, "comment": "Nice"},
                             csrf).status_code == 201
        worker(app).run_once()
        receiver.wait_for(1)
        [request] = receiver.ok()
        assert request["path"] == "/hook" and signed_by(hooked["secret"], request)
        sent = event(request)
        assert sent["type"] == "feedback"
        assert sent["data"]["detail"]["feedback"]["delivery"] == 4
        assert sent["data"]["detail"]["feedback"]["comment"] == "Nice"
        assert b"5555" not in request["body"]  # instructions are never in a webhook
    finally:
        receiver.close()


def test_the_page_gets_the_end_of_service_hours_from_the_server(client):
    # timeline.js writes "after 20:00" from this, not from a number of its own.
    from rules.hours import CLOSES

    token = register(client)["shipments"][0]["token"]
    assert page_config(client, token)["closesHour"] == CLOSES == 20
