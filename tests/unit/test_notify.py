"""Text updates: sign-up API, which statuses text, quiet hours, once only, the SMS gateway."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from tests.support.helpers import T0, iso, register, route_payload
from tests.support.notify import SELLER, Clock, Receiver, helsinki, make_app, worker

PHONE = "+358401234567"


@pytest.fixture
def clock():
    return Clock(T0.timestamp() + 60)  # 11:01 in Helsinki: texts go out at once


@pytest.fixture
def app(clock):
    return make_app(clock, PUBLIC_URL="https://track.example")


def register_with_phones(client, n_stops=2, phones=(PHONE, None)):
    payload = route_payload(n_stops=n_stops)
    for stop, phone in zip(payload["stops"], phones, strict=False):
        if phone:
            stop["shipments"][0]["phone"] = phone
    reg = client.post("/api/v1/routes", json=payload, headers=SELLER).json
    return reg, {"Authorization": f"Bearer {reg['driver_token']}"}


def post_event(client, driver, **event):
    resp = client.post("/api/v1/events", json=event, headers=driver)
    assert resp.status_code == 200 and not resp.json["rejected"], resp.json


def texts(client):
    return client.get("/api/v1/messages?kind=text", headers=SELLER).json["messages"][::-1]


def test_sign_up_show_and_stop(client):
    token = register(client)["shipments"][0]["token"]
    url = f"/api/v1/track/{token}/texts"
    assert client.get(url).json == {"subscribed": False, "phone": None}
    resp = client.post(url, json={"phone": "+358 40 123 4567"})
    assert resp.status_code == 201
    assert resp.json == {"subscribed": True, "phone": "+35840*****67"}
    assert client.get(url).json == {"subscribed": True, "phone": "+35840*****67"}
    assert client.delete(url).json == {"subscribed": False}
    assert client.get(url).json == {"subscribed": False, "phone": None}


@pytest.mark.parametrize("body", [
    {"phone": "+0401234567"}, {"phone": "+35840abc4567"},
    {"phone": "+3584012345678901234"}, {"phone": 358401234567}, {"phone": ""}, {},
])
def test_malformed_phone_is_a_400_naming_the_field(client, body):
    token = register(client)["shipments"][0]["token"]
    resp = client.post(f"/api/v1/track/{token}/texts", json=body)
    assert resp.status_code == 400 and resp.json["field"] == "phone", resp.json


def test_unknown_link_is_404(client):
    resp = client.post("/api/v1/track/nope/texts", json={"phone": PHONE})
    assert resp.status_code == 404 and resp.json["field"] == "token"


def test_registration_phone_counts_until_the_customer_stops_it(client):
    reg, _ = register_with_phones(client)
    url = f"/api/v1/track/{reg['shipments'][0]['token']}/texts"
    assert client.get(url).json == {"subscribed": True, "phone": "+35840*****67"}
    client.delete(url)
    assert client.get(url).json["subscribed"] is False


@pytest.mark.parametrize("typed", ["0401234567", "040 123 4567", "(040) 123-4567"])
def test_a_national_registration_phone_is_read_in_the_routes_country(client, typed):
    reg, _ = register_with_phones(client, phones=(typed,))  # the route's zone: Europe/Helsinki
    url = f"/api/v1/track/{reg['shipments'][0]['token']}/texts"
    assert client.get(url).json == {"subscribed": True, "phone": "+35840*****67"}


def test_a_registration_phone_that_cannot_be_a_number_is_a_400(client):
    payload = route_payload(n_stops=1)
    payload["stops"][0]["shipments"][0]["phone"] = "abc"
    resp = client.post("/api/v1/routes", json=payload, headers=SELLER)
    assert resp.status_code == 400 and resp.json["field"] == "stops[0].shipments[0].phone"


def test_texts_at_out_for_delivery_approaching_delivered_and_attempted(client, app):
    reg, driver = register_with_phones(client, phones=(PHONE, "+358501112233"))
    post_event(client, driver, type="route_started", timestamp=iso(0))
    post_event(client, driver, type="arrived", stop=0, timestamp=iso(50))
    post_event(client, driver, type="delivered", stop=0, timestamp=iso(60),
               proof={"left_at": "front door"})
    post_event(client, driver, type="attempted", stop=1, reason="no_access", timestamp=iso(120))
    worker(app).run_once()
    sent = texts(client)
    assert all(t["state"] == "sent" for t in sent)
    first, second = (reg["shipments"][i]["tracking_id"] for i in (0, 1))
    assert [t["event"] for t in sent if t["tracking_id"] == first] == [
        "out_for_delivery", "approaching", "delivered"]  # never "arriving"
    assert [t["event"] for t in sent if t["tracking_id"] == second] == [
        "out_for_delivery", "approaching", "attempted"]
    delivered = next(t for t in sent if t["event"] == "delivered")
    assert delivered["to"] == "+35840*****67"
    assert "left at front door" in delivered["body"]
    assert f"https://track.example/track/{reg['shipments'][0]['token']}" in delivered["body"]


def test_each_text_once_even_from_two_processes_and_a_restart(clean_redis, clock):
    apps = [make_app(clock, STORE_URL=clean_redis) for _ in range(2)]
    reg, driver = register_with_phones(apps[0].test_client(), n_stops=1)
    post_event(apps[0].test_client(), driver, type="route_started", timestamp=iso(0))
    job = apps[0].extensions["doorstep"].store.list_docs("notify_job")[0]
    from app.domain.tracking import StatusChange

    changes = [StatusChange(**c) for c in job["changes"]]
    # The same changes in two more jobs (a commit answered 503 after Redis had taken it, then
    # retried), in both processes; then a restarted one runs the first job.
    for n, a in enumerate(apps):
        a.extensions["doorstep"].notify.dispatch.process(job["route_id"], changes, f"copy_{n}")
    restarted = make_app(clock, STORE_URL=clean_redis)
    worker(restarted).run_once()
    events = [t["event"] for t in texts(restarted.test_client())]
    assert events == ["out_for_delivery", "approaching"]


def test_a_job_the_store_fails_half_way_makes_the_rest_on_retry_and_nothing_twice(app, clock):
    from app.notify.dispatch import JOB_LEASE_S
    from app.store import StoreUnavailable

    client, svc = app.test_client(), app.extensions["doorstep"]
    reg, driver = register_with_phones(client, n_stops=1)
    post_event(client, driver, type="route_started", timestamp=iso(0))
    store, real, calls = svc.store, svc.store.add_doc, []

    def fails_on_the_second_message(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            raise StoreUnavailable("Redis went away")
        return real(*args, **kwargs)

    store.add_doc = fails_on_the_second_message  # the first text is made, the second is not
    with pytest.raises(StoreUnavailable):
        svc.notify.dispatch.run_due()
    store.add_doc = real
    clock.advance(JOB_LEASE_S + 1)  # the job's lease runs out: it is due again
    worker(app).run_once()
    assert [t["event"] for t in texts(client)] == ["out_for_delivery", "approaching"]


def test_quiet_hours_hold_drop_or_send(client, app, clock):
    clock.t = helsinki(2026, 11, 26, 21, 30)
    reg, driver = register_with_phones(client, n_stops=1)
    post_event(client, driver, type="route_started", timestamp="2026-11-26T21:29:00+02:00")
    post_event(client, driver, type="delivered", stop=0, timestamp="2026-11-26T21:31:00+02:00")
    worker(app).run_once()
    by_event = {t["event"]: t for t in texts(client)}
    assert by_event["delivered"]["state"] == "sent"  # the one text that may wake you
    assert by_event["approaching"]["state"] == "dropped"  # stale by the morning
    held = by_event["out_for_delivery"]
    assert held["state"] == "scheduled" and held["due_at"] == "2026-11-27T06:00:00Z"  # 08:00
    clock.t = helsinki(2026, 11, 27, 7, 59)
    worker(app).run_once()
    assert {t["event"]: t for t in texts(client)}["out_for_delivery"]["state"] == "scheduled"
    clock.t = helsinki(2026, 11, 27, 8, 0)
    worker(app).run_once()
    assert {t["event"]: t for t in texts(client)}["out_for_delivery"]["state"] == "sent"


@pytest.mark.parametrize("template, parse", [
    (None, json.loads),  # the default (app/config.py): JSON
    ("To=$to&Body=$body", lambda raw: {k: v[0] for k, v in parse_qs(raw.decode()).items()}),
])
def test_http_gateway_gets_the_text_with_the_token(clock, template, parse):
    gateway = Receiver()
    try:
        chosen = {} if template is None else {"SMS_BODY_TEMPLATE": template}
        app = make_app(clock, SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TOKEN="sms-secret",
                       **chosen)
        client = app.test_client()
        _, driver = register_with_phones(client, n_stops=1)
        post_event(client, driver, type="route_started", timestamp=iso(0))
        worker(app).run_once()
        assert len(gateway.requests) == 2  # out for delivery, approaching
        request = gateway.requests[0]
        assert request["headers"]["Authorization"] == "Bearer sms-secret"
        body = parse(request["body"])
        assert body.get("to", body.get("To")) == PHONE
        assert "Out for delivery" in body.get("text", body.get("Body"))
    finally:
        gateway.close()


def test_gateway_rejection_fails_and_an_outage_retries(clock):
    gateway = Receiver([400, 503])
    try:
        app = make_app(clock, SMS_GATEWAY_URL=gateway.url)
        client = app.test_client()
        _, driver = register_with_phones(client, n_stops=1)
        post_event(client, driver, type="route_started", timestamp=iso(0))
        worker(app).run_once()
        states = sorted((t["state"], t["last_status"]) for t in texts(client))
        assert states == [("failed", 400), ("retrying", 503)]
        clock.advance(60)
        worker(app).run_once()
        assert sorted(t["state"] for t in texts(client)) == ["failed", "sent"]
        assert len(gateway.requests) == 3
    finally:
        gateway.close()


def test_the_worker_drains_a_backlog_without_waiting_between_claims(client, app):
    # 30 routes starting together: 30 jobs, more than one claim takes (20).
    drivers = [register_with_phones(client)[1] for _ in range(30)]
    for driver in drivers:
        post_event(client, driver, type="route_started", timestamp=iso(0))
    w, sleeps = worker(app), []

    def sleep(seconds):
        sleeps.append(seconds)
        if seconds:  # the first real pause: nothing was left
            w.running = False

    w.run_forever(5.0, sleep)
    assert sleeps[-1] == 5.0 and all(s == 0 for s in sleeps[:-1]) and len(sleeps) >= 3
    sent = [t for t in texts(client) if t["event"] == "out_for_delivery"]
    assert len(sent) == 30 and {t["state"] for t in sent} == {"sent"}


@pytest.mark.parametrize("lang, bodies", [
    ("fi", ["Toimitus order-0: Jakelussa, kuljettajana Aino.",
            "Toimitus order-0: Olet seuraavana vuorossa.",
            "Toimitus order-0: Toimitettu, jätetty: etuovelle."]),
    ("sv", ["Leverans order-0: Ute för leverans med Aino.",
            "Leverans order-0: Du är nästa stopp.",
            "Leverans order-0: Levererat, lämnat: vid ytterdörren."]),
])
def test_texts_come_in_the_language_of_the_sign_up(client, app, lang, bodies):
    reg, driver = register_with_phones(client, phones=(None, None))
    token = reg["shipments"][0]["token"]
    resp = client.post(f"/api/v1/track/{token}/texts", json={"phone": PHONE, "lang": lang})
    assert resp.status_code == 201, resp.json
    post_event(client, driver, type="route_started", timestamp=iso(0))
    post_event(client, driver, type="delivered", stop=0, timestamp=iso(60),
               proof={"left_at": "front door"})
    worker(app).run_once()
    link = f" https://track.example/track/{token}"
    assert [t["body"] for t in texts(client)] == [b + link for b in bodies]


def test_attempt_text_says_why_in_the_language(client, app):
    reg, driver = register_with_phones(client, n_stops=1, phones=(None,))
    token = reg["shipments"][0]["token"]
    client.post(f"/api/v1/track/{token}/texts", json={"phone": PHONE},
                headers={"Accept-Language": "fi"})  # no lang given: the request's language
    post_event(client, driver, type="route_started", timestamp=iso(0))
    post_event(client, driver, type="attempted", stop=0, reason="no_access", timestamp=iso(120))
    worker(app).run_once()
    attempt = texts(client)[-1]["body"]
    assert attempt.startswith("Toimitus order-0: Toimitusta yritettiin: kuljettaja ei päässyt "
                              "sisään. Yritämme uudelleen pe 27.11."), attempt


@pytest.mark.parametrize("lang", ["xx", ["fi"], {"fi": 1}, None, 7])
def test_an_unknown_text_language_is_a_400_naming_the_field(client, lang):
    token = register(client)["shipments"][0]["token"]
    resp = client.post(f"/api/v1/track/{token}/texts", json={"phone": PHONE, "lang": lang})
    assert resp.status_code == 400 and resp.json["field"] == "lang", resp.json


def test_the_catalog_marks_every_reason_the_domain_gives():
    from app.domain.tracking.statuses import REASON_TEXT
    from app.i18n.wording import REASONS

    assert set(REASONS) == set(REASON_TEXT.values())


def test_a_customer_signs_up_with_a_national_number_of_the_delivery_s_country(client):
    """The customer page's check: '040 123 4567' was refused (international form only), while
    the route API reads national numbers in the route's country (Helsinki: Finland)."""
    from tests.support.helpers import register

    reg = register(client)
    token = reg["shipments"][0]["token"]
    resp = client.post(f"/api/v1/track/{token}/texts", json={"phone": "040 123 4567"})
    assert resp.status_code == 201, resp.json
    assert resp.json["phone"].startswith("+358")
    bad = client.post(f"/api/v1/track/{token}/texts", json={"phone": "12"})
    assert bad.status_code == 400 and bad.json["field"] == "phone"
