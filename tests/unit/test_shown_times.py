"""A customer never reads a time still to come for something that already happened: a sped-up
simulator (the demo fleet, "Start a demo delivery") or a phone whose clock is ahead sends times
past the server's clock; the view shows when the server heard of it instead."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.helpers import register


def post(client, reg, path, body):
    resp = client.post(path, json=body, headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.text
    return resp


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def test_times_ahead_of_the_server_are_shown_as_when_it_heard_them(client):
    reg = register(client, start=False)
    ahead = time.time() + 16 * 60  # a x10 demo, a minute and a half in: 16 min ahead
    post(client, reg, "/api/v1/events", {"type": "route_started", "timestamp": ahead})
    before = time.time()
    delivered = {"type": "delivered", "stop": 0, "timestamp": ahead + 60,
                 "proof": {"left_at": "front door"}}
    post(client, reg, "/api/v1/events", delivered)
    after = time.time()
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    assert before - 1 <= epoch(view["proof"]["at"]) <= after + 1
    times = [epoch(e["at"]) for e in view["timeline"]]
    assert times == sorted(times) and max(times) <= after + 1
    local = datetime.fromtimestamp(epoch(view["proof"]["at"]), ZoneInfo("Europe/Helsinki"))
    assert view["status_text"] == f"Delivered at {local:%H:%M}"
    page = client.get(f"/track/{reg['shipments'][0]['token']}").get_data(as_text=True)
    assert f"Delivered at {local:%H:%M}, left at the front door" in page
    # The same outcome sent again (a lost answer) is still taken as done, not refused.
    post(client, reg, "/api/v1/events", delivered)
    # Another stop's view: its ETA is the sender's business, its timeline is not ahead either.
    other = client.get(f"/api/v1/track/{reg['shipments'][1]['token']}").json
    assert max(epoch(e["at"]) for e in other["timeline"]) <= time.time() + 1


def test_times_in_the_past_are_kept_as_sent(client):
    """A phone's backlog or a replay of yesterday keeps its own times."""
    reg = register(client)  # route_started at the helpers' T0, days ago
    post(client, reg, "/api/v1/events", {"type": "delivered", "stop": 0,
                                         "timestamp": "2026-11-26T09:05:00+00:00",
                                         "proof": {"left_at": "front door"}})
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    assert view["proof"]["at"] == "2026-11-26T09:05:00Z"
    assert view["status_text"] == "Delivered at 11:05"
