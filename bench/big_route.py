"""How long the notification worker holds its process for one route with many shipments.

    python -m bench.big_route --shipments 500 25000 --repeat 3

In process (threading, in-memory store, every shipment with a phone for texts): register a route
of --shipments (50 per stop), start it, and time each `run_due()` the worker makes until the
route's status changes are messages. With the in-memory store nothing in a job waits, so one
call is one stretch the worker never yields; the longest is what a 25,000-shipment route cost
when one job held all its changes. `--one-job` puts every change in one job, as before.
"""

from __future__ import annotations

import argparse
import statistics
import time

from app import create_app
from app.notify import dispatch
from bench.drivers import STATION


def payload(shipments: int) -> dict:
    stops = []
    for k in range(0, shipments, 50):
        n = min(50, shipments - k)
        stops.append({"lat": STATION[0], "lon": STATION[1] + 0.001 * (len(stops) + 1),
                      "shipments": [{"recipient": f"R{k + i}", "phone": "+358401234567"}
                                    for i in range(n)]})
    return {"driver": {"name": "Aino", "vehicle": "van"}, "stops": stops,
            "station": {"lat": STATION[0], "lon": STATION[1]}}


def run(shipments: int, one_job: bool) -> list[float]:
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "MAX_SHIPMENTS_PER_ROUTE": shipments, "MAX_BATCH": 5000,
                      "NOTIFY_INTERVAL": 0})
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = client.post("/api/v1/routes", json=payload(shipments),
                      headers={"Authorization": "Bearer demo"}).json
    dispatch.JOB_CHANGES = 10**9 if one_job else 50
    started = {"type": "route_started", "timestamp": int(time.time())}
    resp = client.post("/api/v1/events", json=started,
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    if resp.status_code != 200:
        raise SystemExit(f"big_route: the server refused the setup: {resp.json}")
    calls = []
    while True:
        t0 = time.perf_counter()
        done = svc.notify.dispatch.run_due()
        calls.append((time.perf_counter() - t0) * 1000)
        if not done:
            return calls[:-1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shipments", type=int, nargs="+", default=[500, 25000])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--one-job", action="store_true", help="all changes in one job (as before)")
    args = p.parse_args()
    for n in args.shipments:
        longest, totals = [], []
        for _ in range(args.repeat):
            calls = run(n, args.one_job)
            longest.append(max(calls))
            totals.append(sum(calls))
        print(f"{n:>6} shipments{' (one job)' if args.one_job else ''}: longest run_due "
              f"median {statistics.median(longest):8.1f} ms (min {min(longest):.1f}, max "
              f"{max(longest):.1f}); all calls {statistics.median(totals):8.1f} ms", flush=True)


if __name__ == "__main__":
    main()
