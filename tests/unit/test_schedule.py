"""Scheduled messages: the feedback request at 8 pm local, its rules, cancelling it."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from app.domain.hours import iso_utc
from app.notify.schedule import feedback_due, text_due
from tests.support.helpers import route_payload
from tests.support.notify import SELLER, Clock, Receiver, helsinki, make_app, worker

TZ = "Europe/Helsinki"


@pytest.mark.parametrize("delivered, due", [
    ((2026, 11, 26, 14, 22), (2026, 11, 26, 20, 0)),  # the end of the delivery day
    ((2026, 11, 26, 7, 40), (2026, 11, 26, 20, 0)),
    ((2026, 11, 26, 20, 0), (2026, 11, 26, 20, 0)),
    ((2026, 11, 26, 20, 30), (2026, 11, 27, 8, 0)),  # after 8 pm: the next morning
    ((2026, 3, 29, 14, 0), (2026, 3, 29, 20, 0)),  # the day clocks go forward
])
def test_feedback_is_due_at_8_pm_local(delivered, due):
    assert feedback_due(helsinki(*delivered), TZ) == helsinki(*due)


@pytest.mark.parametrize("status, hour, due_hour", [
    ("out_for_delivery", 12, 12), ("approaching", 12, 12),
    ("delivered", 22, 22), ("delivered", 6, 6),
    ("out_for_delivery", 6, 8), ("attempted", 21, 8 + 24),
    ("approaching", 21, None), ("approaching", 7, None),
])
def test_quiet_hours_rules(status, hour, due_hour):
    now = helsinki(2026, 11, 26, hour, 0)
    due = text_due(status, now, TZ)
    expected = None if due_hour is None else helsinki(2026, 11, 26, 0, 0) + due_hour * 3600
    assert due == expected


@pytest.fixture
def clock():
    return Clock(helsinki(2026, 11, 26, 14, 23))


@pytest.fixture
def app(clock):
    return make_app(clock)


def deliver_at_1422(client):
    payload = route_payload(n_stops=1)
    payload["stops"][0]["shipments"][0]["phone"] = "+358401234567"
    reg = client.post("/api/v1/routes", json=payload, headers=SELLER).json
    driver = {"Authorization": f"Bearer {reg['driver_token']}"}
    for event in ({"type": "route_started", "timestamp": "2026-11-26T14:00:00+02:00"},
                  {"type": "delivered", "stop": 0, "timestamp": "2026-11-26T14:22:00+02:00"}):
        assert client.post("/api/v1/events", json=event, headers=driver).status_code == 200
    return reg


def messages(client, kind):
    return client.get(f"/api/v1/messages?kind={kind}", headers=SELLER).json["messages"]


def test_feedback_request_goes_out_at_8_pm_by_text_and_webhook(client, app, clock):
    receiver = Receiver()
    try:
        client.post("/api/v1/webhooks", json={"url": receiver.url,
                                              "events": ["feedback_request"]}, headers=SELLER)
        deliver_at_1422(client)
        worker(app).run_once()
        [feedback] = messages(client, "feedback")
        assert feedback["state"] == "scheduled" and feedback["due_at"] == "2026-11-26T18:00:00Z"
        clock.t = helsinki(2026, 11, 26, 19, 59)
        worker(app).run_once()
        assert messages(client, "feedback")[0]["state"] == "scheduled"
        clock.t = helsinki(2026, 11, 26, 20, 0)
        worker(app).run_once()
        worker(app).run_once()  # the text and webhook it made are due now too
        assert messages(client, "feedback")[0]["state"] == "sent"
        assert [t["event"] for t in messages(client, "text")][0] == "feedback_request"
        assert messages(client, "text")[0]["state"] == "sent"
        assert [r["headers"]["X-Doorstep-Event"] for r in receiver.requests] == [
            "feedback_request"]
    finally:
        receiver.close()


@pytest.mark.parametrize("lang, words", [
    ("en", "How did delivery order-0 go?"),
    ("fi", "Miten toimitus order-0 onnistui?"),
    ("sv", "Hur gick leveransen order-0?"),
])
def test_the_feedback_text_is_in_the_language_of_the_sign_up(client, app, clock, lang, words):
    """The seller's record and the webhook keep English; the customer's text is theirs."""
    tracking_id = deliver_at_1422(client)["shipments"][0]["tracking_id"]
    app.extensions["doorstep"].notify.subscriptions.subscribe(tracking_id, "+358401234567", lang)
    worker(app).run_once()
    clock.t = helsinki(2026, 11, 26, 20, 0)
    worker(app).run_once()
    [feedback] = messages(client, "feedback")
    assert feedback["body"].startswith("How did delivery order-0 go?")
    [text] = [t for t in messages(client, "text") if t["event"] == "feedback_request"]
    assert text["body"].startswith(words)


def test_cancelled_feedback_is_never_sent(client, app, clock):
    deliver_at_1422(client)
    worker(app).run_once()
    [feedback] = messages(client, "feedback")
    other = client.delete(f"/api/v1/messages/{feedback['id']}",
                          headers={"Authorization": "Bearer acme-key"})
    assert other.status_code == 404
    resp = client.delete(f"/api/v1/messages/{feedback['id']}", headers=SELLER)
    assert resp.status_code == 200 and resp.json["state"] == "cancelled"
    clock.t = helsinki(2026, 11, 26, 20, 5)
    worker(app).run_once()
    assert messages(client, "feedback")[0]["state"] == "cancelled"
    assert "feedback_request" not in [t["event"] for t in messages(client, "text")]
    again = client.delete(f"/api/v1/messages/{feedback['id']}", headers=SELLER)
    assert again.status_code == 409 and again.json["field"] == "message_id"


def test_a_customer_who_rated_the_delivery_is_not_asked_at_8_pm(client, app, clock):
    """The outside check: rated at 15:00, still texted "How did delivery ... go?" at 20:00."""
    reg = deliver_at_1422(client)
    ship = reg["shipments"][0]
    app.extensions["doorstep"].notify.subscriptions.subscribe(ship["tracking_id"],
                                                              "+358401234567", "en")
    worker(app).run_once()
    page = client.get(f"/track/{ship['token']}").get_data(as_text=True)
    csrf = re.search(r'csrfToken&#34;: &#34;([^&]+)&#34;|"csrfToken": "([^"]+)"',
                     html.unescape(page))
    token = next(g for g in csrf.groups() if g)
    rated = client.post(f"/api/v1/track/{ship['token']}/feedback",
                        json={"delivery": 5, "product": 5}, headers={"X-CSRF-Token": token})
    assert rated.status_code == 201, rated.json
    clock.t = helsinki(2026, 11, 26, 20, 0)
    worker(app).run_once()
    worker(app).run_once()
    [feedback] = messages(client, "feedback")
    assert feedback["state"] == "cancelled", feedback
    assert "feedback_request" not in [t["event"] for t in messages(client, "text")]


def test_messages_api_checks_its_input(client):
    assert client.get("/api/v1/messages").status_code == 401
    assert client.get("/api/v1/messages?kind=fax", headers=SELLER).json["field"] == "kind"
    assert client.get("/api/v1/messages?limit=0", headers=SELLER).json["field"] == "limit"
    assert client.delete("/api/v1/messages/msg_nope", headers=SELLER).status_code == 404


@pytest.mark.parametrize("delivered", [(2026, 11, 26, 14, 22), (2026, 11, 26, 20, 30)])
def test_dashboard_and_worker_agree_on_the_send_time(client, app, clock, delivered):
    from tests.support.signin import sign_in

    clock.t = helsinki(*delivered) + 60
    reg = client.post("/api/v1/routes", json=route_payload(n_stops=1), headers=SELLER).json
    driver = {"Authorization": f"Bearer {reg['driver_token']}"}
    stamp = datetime.fromtimestamp(helsinki(*delivered), UTC).isoformat()
    for event in ({"type": "route_started", "timestamp": stamp},
                  {"type": "delivered", "stop": 0, "timestamp": stamp}):
        assert client.post("/api/v1/events", json=event, headers=driver).status_code == 200
    sign_in(client)
    # Before the worker runs, the dashboard computes the time; afterwards it lists the outbox's.
    [computed] = client.get("/dashboard/feedback").get_json()["messages"]
    worker(app).run_once()
    [scheduled] = messages(client, "feedback")
    assert computed["send_at"] == scheduled["due_at"]
    assert scheduled["due_at"] == iso_utc(feedback_due(helsinki(*delivered), TZ))
