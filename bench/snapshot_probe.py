"""Connect to snapshot, as a real Socket.IO client sees it, against a server under load.

    python -m bench.load --ports 5400-5409 --server-log /tmp/s.log ... &   # the load
    python -m bench.snapshot_probe --log /tmp/s.log --every 0.5 --count 40

Registers one route of its own on the server (seller key `demo`), then connects a
python-socketio client (websocket transport, as the pages do) every `--every` seconds, one at
a time, and prints how long it took, from the moment `connect()` was called, to the
namespace connect acknowledged and to the `snapshot` event (Doorstep sends the snapshot
before the acknowledgement, socket.io the other way round). Medians and spread; no pass or
fail.
"""

from __future__ import annotations

import argparse
import re
import statistics
import threading
import time
from pathlib import Path

import requests
import socketio

from bench.drivers import route_payload


def server_url(log: str, timeout: float = 120) -> str:
    """The address gunicorn (or a --server-cmd) wrote to its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = Path(log).read_text() if Path(log).exists() else ""
        found = re.search(r"(?:Listening at: |listening on |http://)(127\.0\.0\.1:\d+)", text)
        if found:
            return "http://" + found.group(1)
        time.sleep(0.5)
    raise SystemExit(f"no address in {log}")


def one(url: str, token: str) -> dict[str, float]:
    """Connect once; answer the seconds to each phase (`connect`, `snapshot`)."""
    times: dict[str, float] = {}
    got = threading.Event()
    client = socketio.Client(reconnection=False)
    t0 = time.perf_counter()
    client.on("connect", lambda: times.setdefault("connect", time.perf_counter() - t0))

    @client.on("snapshot")
    def _snapshot(_data):
        times.setdefault("snapshot", time.perf_counter() - t0)
        got.set()

    try:
        client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=30)
        got.wait(30)
    finally:
        client.disconnect()
    return times


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="the server (else read from --log)")
    p.add_argument("--log", help="the server log bench.load writes (--server-log)")
    p.add_argument("--key", default="demo")
    p.add_argument("--wait", type=float, default=0, help="seconds before the first connect")
    p.add_argument("--every", type=float, default=0.5)
    p.add_argument("--count", type=int, default=30)
    args = p.parse_args(argv)
    url = args.url or server_url(args.log)
    for _ in range(120):  # the server may still be starting
        try:
            reg = requests.post(f"{url}/api/v1/routes", json=route_payload(999_999, 3),
                                headers={"Authorization": f"Bearer {args.key}"}, timeout=30)
            if reg.ok:
                break
        except requests.RequestException:
            pass
        time.sleep(1)
    token = reg.json()["shipments"][0]["token"]
    time.sleep(args.wait)
    rows: list[dict[str, float]] = []
    for _ in range(args.count):
        started = time.time()
        try:
            rows.append(one(url, token))
        except (socketio.exceptions.ConnectionError, OSError) as exc:
            print(time.strftime("%H:%M:%S"), "failed:", exc, flush=True)
            if not rows:
                continue
            break  # the load's server has stopped

        print(time.strftime("%H:%M:%S"), {k: round(v * 1000, 1) for k, v in rows[-1].items()},
              flush=True)
        time.sleep(max(0.0, args.every - (time.time() - started)))
    for phase in ("connect", "snapshot"):
        ms = sorted(r[phase] * 1000 for r in rows if phase in r)
        if ms:
            print(f"{phase:9} n={len(ms)} median {statistics.median(ms):.1f} ms, "
                  f"min {ms[0]:.1f}, p90 {ms[int(0.9 * (len(ms) - 1))]:.1f}, max {ms[-1]:.1f}")


if __name__ == "__main__":
    main()
