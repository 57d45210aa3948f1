"""The seller's dashboard: sign-in, session cookie, CSRF, and what a seller may open."""

from __future__ import annotations

import pytest

from tests.support.helpers import register
from tests.support.servers import until
from tests.support.signin import csrf_of, sign_in


def test_dashboard_needs_sign_in(client):
    resp = client.get("/dashboard")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/signin")


def test_wrong_key_is_refused(client):
    resp = sign_in(client, key="not-a-key")
    assert resp.status_code == 401
    assert "not valid" in resp.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_sign_in_without_csrf_token_is_400(client):
    client.get("/signin")
    assert client.post("/signin", data={"key": "demo"}).status_code == 400


def test_sign_in_sets_a_safe_cookie_and_the_page_never_embeds_the_key(client):
    resp = sign_in(client, key="acme-key")
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    html = client.get("/dashboard").get_data(as_text=True)
    assert "acme-key" not in html and "Seller acme" in html


def test_sign_in_never_redirects_off_site(client):
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    resp = client.post("/signin", data={"key": "demo", "csrf_token": token,
                                        "next": "//evil.example/x"})
    assert resp.headers["Location"] == "/dashboard"


def test_state_changes_need_the_csrf_token(client):
    sign_in(client)
    assert client.post("/dashboard/demo", json={"stops": 1}).status_code == 400
    assert client.post("/signout").status_code == 400
    assert client.get("/dashboard").status_code == 200  # still signed in


def test_sign_out_forgets_the_seller(client):
    sign_in(client)
    token = csrf_of(client.get("/dashboard").get_data(as_text=True))
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_seller_opens_own_customer_pages_only(client):
    mine = register(client, key="demo")["shipments"][0]
    theirs = register(client, key="acme-key")["shipments"][0]
    sign_in(client)
    resp = client.get(f"/dashboard/shipments/{mine['tracking_id']}/track")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(mine["token"])
    assert client.get(f"/dashboard/shipments/{theirs['tracking_id']}/track").status_code == 404
    link = client.get(f"/dashboard/shipments/{mine['tracking_id']}/link").get_json()
    assert link["tracking_url"].endswith("/track/" + mine["token"])


def test_demo_refuses_bad_input(client):
    sign_in(client)
    token = csrf_of(client.get("/dashboard").get_data(as_text=True))
    resp = client.post("/dashboard/demo", json={"vehicle": "boat"},
                       headers={"X-CSRF-Token": token})
    assert resp.status_code == 400 and resp.get_json()["field"] == "vehicle"


def test_feedback_request_is_listed_for_8_pm_local_on_the_delivery_day(client):
    from tests.support.helpers import iso

    reg = register(client, n_stops=1)
    client.post("/api/v1/events", headers={"Authorization": f"Bearer {reg['driver_token']}"},
                json={"type": "delivered", "stop": 0, "timestamp": iso(300)})
    sign_in(client)
    messages = client.get("/dashboard/feedback").get_json()["messages"]
    assert [m["tracking_id"] for m in messages] == [reg["shipments"][0]["tracking_id"]]
    assert messages[0]["send_at"] == "2026-11-26T18:00:00Z"  # 20:00 in Helsinki


def test_demo_runs_are_bounded_per_seller(monkeypatch):
    import sys

    from app.ops import demo

    line = '{"shipments": [{"tracking_url": "http://x/track/abc"}]}'
    script = f"import sys, time; print({line!r}, flush=True); time.sleep(30)"
    monkeypatch.setattr(demo, "simulator_command",
                        lambda server, args: [sys.executable, "-c", script])
    ended = []
    runs = demo.DemoRuns(limit=1, link_timeout=10)
    try:
        assert runs.start("demo", "k", "http://x", "bike", 1, 50,
                          on_end=lambda: ended.append(1)) == "http://x/track/abc"
        try:
            runs.start("demo", "k", "http://x", "bike", 1, 50)
            raise AssertionError("a second run should be refused")
        except demo.DemoError as exc:
            assert "already running" in str(exc)
        assert runs.start("acme", "k", "http://x", "van", 1, 50)  # other sellers are separate
    finally:
        runs.stop_all()
    until(lambda: ended, 5, "the simulator run to end")
    assert ended == [1]  # the run's key is revoked when the simulator exits


@pytest.mark.parametrize("speedup", [1, 20, 150, 1000])
def test_a_demo_never_sends_more_fixes_than_its_server_takes(monkeypatch, speedup):
    import sys

    from app.config import from_env
    from app.ops import demo

    monkeypatch.delenv("FIXES_PER_DRIVER", raising=False)
    per_minute = int(from_env()["FIXES_PER_DRIVER"].split("/")[0])
    seen = []
    line = '{"shipments": [{"tracking_url": "http://x/track/abc"}]}'

    def command(server, args):
        seen.append(args)
        return [sys.executable, "-c", f"print({line!r}, flush=True)"]

    monkeypatch.setattr(demo, "simulator_command", command)
    runs = demo.DemoRuns(limit=1, link_timeout=10)
    try:
        runs.start("demo", "k", "http://x", "bike", 2, speedup)
    finally:
        runs.stop_all()
    args = seen[0]
    interval = float(args[args.index("--interval") + 1])
    assert speedup / interval * 60 < per_minute
    assert interval == 3.0 or speedup > 100  # the simulator's own pace when it fits


def test_a_demo_opens_the_last_stops_parcel(monkeypatch):
    """The first stops of a sped-up demo may be delivered before the page opens."""
    import sys

    from app.ops import demo

    line = ('{"shipments": [{"tracking_url": "http://x/track/first", "stop": 0}, '
            '{"tracking_url": "http://x/track/last", "stop": 2}, '
            '{"tracking_url": "http://x/track/middle", "stop": 1}]}')
    monkeypatch.setattr(demo, "simulator_command",
                        lambda server, args: [sys.executable, "-c", f"print({line!r})"])
    runs = demo.DemoRuns(limit=3, link_timeout=10)
    try:
        assert runs.start("demo", "k", "http://x", "bike", 3, 20) == "http://x/track/last"
        # A parcel more stops away than the map opens at shows no driver for most of the
        # route: the last one within them.
        runs.visible_stops = 2
        assert runs.start("demo", "k", "http://x", "bike", 3, 20) == "http://x/track/middle"
    finally:
        runs.stop_all()


@pytest.mark.parametrize("speedup", [1, 20, 1000])
def test_a_demo_driver_leaves_within_seconds_of_registering(monkeypatch, speedup):
    """Not after arriving over minutes and loading (16-61 s of a blank wait at x20), and not
    before the tab can open (a parcel delivered before its page is shown)."""
    import sys

    from app.ops import demo

    seen = []

    def command(server, args):
        seen.append(args)
        line = '{"shipments": [{"tracking_url": "http://x/track/abc"}]}'
        return [sys.executable, "-c", f"print({line!r}, flush=True)"]

    monkeypatch.setattr(demo, "simulator_command", command)
    runs = demo.DemoRuns(limit=1, link_timeout=10)
    try:
        runs.start("demo", "k", "http://x", "bike", 2, speedup)
    finally:
        runs.stop_all()
    args = seen[0]
    assert float(args[args.index("--leave-after") + 1]) / speedup == demo.DEMO_LEAVE_WALL_S


def test_the_demos_tab_says_what_is_happening(client):
    sign_in(client)
    page = client.get("/dashboard/demo/starting").get_data(as_text=True)
    assert "Starting the demo delivery" in page
    failed = client.get("/dashboard/demo/starting?failed").get_data(as_text=True)
    assert "did not start" in failed and "Starting the demo delivery…" not in failed
