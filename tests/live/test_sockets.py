"""End to end through a real gunicorn (gevent worker), real Socket.IO clients and a real Redis."""

from __future__ import annotations

import pytest
import requests
import socketio

from tests.support.helpers import STATION, STOPS, fix_between, register
from tests.support.viewers import Viewer


def post_fix(server, reg, frac, t):
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    resp = requests.post(f"{server.url}/api/v1/positions", json=fix_between(a, b, frac, t),
                         headers={"Authorization": f"Bearer {reg['driver_token']}"}, timeout=5)
    assert resp.status_code == 200 and resp.json()["accepted"] == 1, resp.text
    return fix_between(a, b, frac, t)


@pytest.fixture(params=["memory", "redis"])
def server(request, live_server_factory):
    if request.param == "memory":
        return live_server_factory()
    return live_server_factory(REDIS_URL=request.getfixturevalue("clean_redis"))


def test_posted_position_reaches_the_customer_socket(server):
    reg = register(requests, server.url)
    viewer = Viewer(server.url, {"token": reg["shipments"][0]["token"]})
    try:
        snap = viewer.next("snapshot")
        assert snap["tracking_id"] == reg["shipments"][0]["tracking_id"]
        sent = post_fix(server, reg, 0.5, 10)
        view = viewer.next("view", until=lambda v: v["driver"]["position"] is not None)
        assert view["driver"]["position"]["lat"] == pytest.approx(sent["lat"], abs=1e-6)
        sent = post_fix(server, reg, 0.8, 20)
        view = viewer.next("view", until=lambda v: v["driver"]["position"]["lat"] != pytest.approx(
            view["driver"]["position"]["lat"]))
        assert view["driver"]["position"]["lon"] == pytest.approx(sent["lon"], abs=1e-6)
    finally:
        viewer.close()


def test_late_viewer_gets_the_current_state_as_snapshot(server):
    reg = register(requests, server.url)
    sent = post_fix(server, reg, 0.7, 10)
    viewer = Viewer(server.url, {"token": reg["shipments"][0]["token"]})
    try:
        snap = viewer.next("snapshot")
        assert snap["driver"]["position"]["lat"] == pytest.approx(sent["lat"], abs=1e-6)
    finally:
        viewer.close()


def test_burst_is_coalesced_to_the_latest_position(server):
    reg = register(requests, server.url)
    viewer = Viewer(server.url, {"token": reg["shipments"][0]["token"]})
    try:
        viewer.next("snapshot")
        fixes = [fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], i / 40, i)
                 for i in range(1, 31)]
        resp = requests.post(f"{server.url}/api/v1/positions", json={"positions": fixes},
                             headers={"Authorization": f"Bearer {reg['driver_token']}"})
        assert resp.json()["accepted"] == 30
        # A tick may send a view before the burst (ETA text moves with the clock): the first view
        # that carries a position must already be the burst's last fix.
        view = viewer.next("view", until=lambda v: v["driver"]["position"] is not None)
        assert view["driver"]["position"]["lat"] == pytest.approx(fixes[-1]["lat"], abs=1e-6)
    finally:
        viewer.close()


def test_seller_dashboard_socket_gets_fleet_frames(server):
    reg = register(requests, server.url)
    seller = Viewer(server.url, {"seller_key": "demo"})
    try:
        snap = seller.next("snapshot")
        assert reg["route_id"] in [r["route_id"] for r in snap["routes"]]
        post_fix(server, reg, 0.5, 10)
        frame = seller.next("fleet")
        assert [r["route_id"] for r in frame["routes"]] == [reg["route_id"]]
    finally:
        seller.close()


@pytest.mark.parametrize("auth", [{"token": "forged"}, {"seller_key": "wrong"}, {}])
def test_bad_credentials_are_refused(live_server, auth):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, auth=auth, transports=["websocket"], wait_timeout=5)


def test_customer_never_receives_another_shipments_data(server):
    reg = register(requests, server.url, recipients=["Ann One", "Ben Two", "Cat Three"])
    viewer = Viewer(server.url, {"token": reg["shipments"][2]["token"]})
    try:
        viewer.next("snapshot")
        post_fix(server, reg, 0.5, 10)
        viewer.next("view")
        others = {reg["shipments"][i]["tracking_id"] for i in (0, 1)}
        while not viewer.events.empty():
            _, data = viewer.events.get()
            assert data["tracking_id"] == reg["shipments"][2]["tracking_id"]
            assert not others & set(str(data).split("'"))
            assert "Ann One" not in str(data) and "Ben Two" not in str(data)
    finally:
        viewer.close()
