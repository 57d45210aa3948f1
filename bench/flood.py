"""A customer's view while drivers flood the API with batches of thousands of fixes.

    git worktree add /tmp/before <commit>
    python -m bench.flood --variant before=/tmp/before --variant after=. --repeat 3

For each variant (interleaved, A B A B ...): start gunicorn on a free port (gunicorn.conf.py of
the checkout, the gevent worker, the in-memory store unless --env REDIS_URL=...), register
routes, then time a customer's `GET /api/v1/track/<token>` one after another for --seconds
while nobody floods, and again while --senders drivers each post --batch fixes per request,
as fast as answers come back (--bodies distinct bodies, timestamps moving on, so the engine
does the work; encoded before the run, so the client's CPU goes to sending). Prints
the median and spread (p10, p90, max) of the view's latency, and what the flood was answered.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

import requests

from bench.drivers import east, register
from bench.load import start_server


def viewer(url: str, seconds: float) -> list[float]:
    """Latencies (ms) of one customer polling their view back to back."""
    s, out, end = requests.Session(), [], time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        s.get(url, timeout=30).raise_for_status()
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.02)
    return out


def bodies(batch: int, count: int, start: float) -> list[bytes]:
    """`count` request bodies of `batch` fixes each, 0.1 s apart and moving on from one body to
    the next, encoded before the run so that the flooding client spends its CPU on sending."""
    out, t = [], start
    for _ in range(count):
        fixes = [{"lat": p[0], "lon": p[1], "timestamp": t + i * 0.1, "speed": 5.0}
                 for i, p in enumerate(east(200 + ((t - start + i * 0.1) * 0.5) % 2500)
                                       for i in range(batch))]
        out.append(json.dumps({"positions": fixes}).encode())
        t += batch * 0.1
    return out


def flooder(base: str, token: str, payloads: list[bytes], stop, answers) -> None:
    """One driver posting its bodies one after another, as fast as answers come back.

    A process of its own at the lowest priority: an attacker floods from their own machines,
    and neither our GIL nor our CPU should slow the customer measured here.
    """
    os.nice(19)
    s = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while not stop.is_set():
        try:
            r = s.post(f"{base}/api/v1/positions", data=payloads[n % len(payloads)],
                       headers=headers, timeout=60)
            key = str(r.status_code)
        except requests.RequestException:
            key = "error"
        answers[key] = answers.get(key, 0) + 1
        n += 1


def summary(ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=10, method="inclusive")
    return (f"median {statistics.median(ms):7.1f} ms  p10 {q[0]:6.1f}  p90 {q[-1]:7.1f}  "
            f"max {max(ms):7.1f}  (n={len(ms)})")


def run(name: str, app_dir: Path, args) -> None:
    log = Path(tempfile.gettempdir()) / f"flood-{name}.log"
    proc, base = start_server(app_dir, args.env, str(log))
    try:
        regs = register(base, args.senders + 1, 3, args.key)
        view = f"{base}/api/v1/track/{regs[0]['shipments'][0]['token']}"
        quiet = viewer(view, args.seconds)
        manager = multiprocessing.Manager()
        stop, answers = manager.Event(), manager.dict()
        payloads = bodies(args.batch, args.bodies, time.time() + 1)
        procs = [multiprocessing.Process(target=flooder, daemon=True,
                                         args=(base, r["driver_token"], payloads, stop, answers))
                 for r in regs[1:]]
        for pr in procs:
            pr.start()
        flooded = viewer(view, args.seconds)
        stop.set()
        for pr in procs:
            pr.join(timeout=60)
        answers = dict(answers)
        manager.shutdown()
        print(f"{name:>8} quiet    {summary(quiet)}")
        print(f"{name:>8} flooded  {summary(flooded)}  flood answered {answers}",
              flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variant", action="append", required=True, help="name=checkout directory")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--seconds", type=float, default=15.0)
    p.add_argument("--senders", type=int, default=3)
    p.add_argument("--batch", type=int, default=5000)
    p.add_argument("--bodies", type=int, default=20, help="distinct bodies each sender cycles")
    p.add_argument("--key", default="demo")
    p.add_argument("--env", action="append", default=[], help="NAME=value for the server")
    args = p.parse_args()
    variants = [v.split("=", 1) for v in args.variant]
    for _ in range(args.repeat):
        for name, path in variants:
            run(name, Path(path).resolve(), args)


if __name__ == "__main__":
    main()
