"""CPU per step of the live path, in process: the parts a delivered update pays for.

    python -m bench.live_path [--routes 400] [--rounds 5]

Builds the app with the memory store (no sockets, no HTTP server), registers bench.load's
routes (3 stops, one shipment each) through the API, starts them, then per round posts one fix
per driver in bench.load's batches of 100 and runs one broadcaster tick computing every view
(as with a message queue: every room counts as watched, no socket to write to). Prints CPU
(`time.process_time`) per fix posted, per route of the tick, and per customer view and dashboard
row computed alone. Figures, not a test: compare code against code on one machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.drivers import BATCH, SPEED, east, route_payload

KEY = "bench"


def build(routes: int, timezone: str = "Europe/Helsinki"):
    from app import create_app

    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "SELLER_KEYS": {KEY: KEY}, "DEMO": False, "RATELIMIT_ENABLED": True,
                      "ROUTES_PER_SELLER": "100000/hour", "EVENTS_PER_SELLER": "100000/second",
                      "FIXES_PER_SELLER": "10000000/hour"})
    # No background tick: the bench runs the ticks itself.
    app.extensions["doorstep"].broadcaster._task = True
    client = app.test_client()
    auth = {"Authorization": f"Bearer {KEY}"}
    regs = [client.post("/api/v1/routes", json={**route_payload(i, 3), "timezone": timezone},
                        headers=auth).get_json() for i in range(routes)]
    start = int(time.time()) - 5
    for k in range(0, routes, BATCH):
        part = regs[k:k + BATCH]
        r = client.post("/api/v1/events", json={"events": [
            {"type": "route_started", "timestamp": start, "driver_token": g["driver_token"]}
            for g in part]}, headers={"Authorization": f"Bearer {part[0]['driver_token']}"})
        if r.status_code != 200:
            raise SystemExit(f"route start refused: {r.status_code} {r.get_data(as_text=True)}")
    return app, client, regs, start


def post_round(client, regs, ts: int, t0: int) -> float:
    lat, lon = east(200 + SPEED * (ts - t0))
    cpu = 0.0
    for k in range(0, len(regs), BATCH):
        part = regs[k:k + BATCH]
        items = [{"driver_token": g["driver_token"], "lat": lat, "lon": lon, "timestamp": ts,
                  "speed": SPEED, "heading": 90, "accuracy": 5} for g in part]
        c0 = time.process_time()
        r = client.post("/api/v1/positions", json={"positions": items},
                        headers={"Authorization": f"Bearer {part[0]['driver_token']}"})
        cpu += time.process_time() - c0
        if r.status_code != 200 or r.get_json()["accepted"] != len(part):
            raise SystemExit(f"fixes refused: {r.status_code} {r.get_data(as_text=True)[:300]}")
    return cpu


class Discard:
    def publish_frames(self, frames) -> None:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--routes", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--timezone", default="Europe/Helsinki",
                    help="the routes' zone: where it is past 8 pm every ETA is 'next delivery day'")
    a = ap.parse_args()
    app, client, regs, start = build(a.routes, a.timezone)
    services = app.extensions["doorstep"]
    broadcaster, reads = services.broadcaster, services.reads
    broadcaster.shared = True  # compute every room's frame, as with a message queue
    broadcaster.queue = Discard()  # ... whose messages go nowhere here
    post, tick = [], []
    for n in range(a.rounds):
        ts = start + 10 + 2 * n
        post.append(post_round(client, regs, ts, start) / len(regs))
        broadcaster._sent.clear()
        broadcaster._last.clear()
        c0 = time.process_time()
        broadcaster.flush()
        tick.append((time.process_time() - c0) / len(regs))
    from app.domain.view import customer_view, route_summary

    states = [reads.route_state(g["route_id"]) for g in regs]
    c0 = time.process_time()
    for route, progress, shipments in states:
        for s in shipments:
            customer_view(route, progress, s, reads.settings, now=time.time())
    view = (time.process_time() - c0) / (len(states) * 3)
    c0 = time.process_time()
    for route, progress, shipments in states:
        route_summary(route, progress, shipments, reads.settings)
    row = (time.process_time() - c0) / len(states)
    us = 1e6
    print(f"routes {a.routes}, rounds {a.rounds}, {a.timezone}")
    print(f"POST per fix     {statistics.median(post) * us:7.1f} us (min {min(post) * us:.1f})")
    print(f"tick per route   {statistics.median(tick) * us:7.1f} us (min {min(tick) * us:.1f})"
          " (3 customer views, 1 dashboard row, frames)")
    print(f"customer_view    {view * us:7.1f} us")
    print(f"route_summary    {row * us:7.1f} us")


if __name__ == "__main__":
    main()
