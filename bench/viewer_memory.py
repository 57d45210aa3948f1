"""What one connected viewer costs the server: RSS, greenlets, objects, traced allocations.

    python -m bench.viewer_memory --viewers 2000 --ports 5400-5409 [--tracemalloc]

Starts the app under gunicorn as production does (gunicorn.conf.py, one gevent worker) with a
census hook (bench/memory_hook.py), registers routes, takes a census, connects idle customer
viewers (raw websocket, the bench's viewers), takes a second census, and prints the
difference per viewer: what grew, by greenlet kind, object type and (with --tracemalloc, which
itself slows the server and adds its own overhead) allocating line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess  # nosec B404 # starts our own server
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.drivers import register
from bench.load import ROOT, free_port
from bench.viewers import ViewerLog, run_viewers


def ask(census_ask: Path, out: Path) -> dict:
    census_ask.write_text(str(out))
    for _ in range(600):
        if out.exists() and out.stat().st_size:
            time.sleep(0.2)
            return json.loads(out.read_text())
        time.sleep(0.1)
    raise SystemExit("no census")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--viewers", type=int, default=2000)
    p.add_argument("--routes", type=int, default=500)
    p.add_argument("--ports", help='port range, e.g. "5400-5409"')
    p.add_argument("--tracemalloc", action="store_true")
    p.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp())
    port = free_port(args.ports)
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "DEMO": "0", "SECRET_KEY": "bench",  # nosec B105
           "CENSUS_ASK": str(tmp / "ask"), "WORKER_CONNECTIONS": "20000"}
    env.update(kv.split("=", 1) for kv in args.env)
    if args.tracemalloc:
        env["PYTHONTRACEMALLOC"] = "1"
    proc = subprocess.Popen(  # nosec B603
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "bench" / "memory_hook.py"),
         "app:create_app()"], cwd=ROOT, env=env, stdout=open(tmp / "server.log", "w"),
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        regs = register(url, args.routes, 3, "demo")
        tokens = [s["token"] for r in regs for s in r["shipments"]]
        before = ask(tmp / "ask", tmp / "c0.json")
        logs = [ViewerLog("customer", tokens[i % len(tokens)]) for i in range(args.viewers)]
        split = urlsplit(url)
        hold = args.viewers / 500 + 8

        async def connect_and_census():
            task = asyncio.create_task(run_viewers(split.hostname, split.port, logs, {}, 500,
                                                   time.time() + hold))
            await asyncio.sleep(args.viewers / 500 + 4)
            after = await asyncio.to_thread(ask, tmp / "ask", tmp / "c1.json")
            await task
            return after

        after = asyncio.run(connect_and_census())
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    n = sum(1 for lg in logs if lg.connect_s is not None)
    report(before, after, n)


def report(before: dict, after: dict, n: int) -> None:
    per = lambda a, b: (b - a) / max(1, n)  # noqa: E731
    print(f"viewers connected: {n}")
    print(f"RSS: {per(before['rss'], after['rss']) / 1024:.1f} KB per viewer")
    print(f"greenlets: {per(before['greenlets'], after['greenlets']):.2f} per viewer, "
          f"{per(before['greenlet_bytes'], after['greenlet_bytes']) / 1024:.1f} KB per viewer "
          "with their saved stacks")
    for k, v in sorted(after["greenlet_kinds"].items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {v - before['greenlet_kinds'].get(k, 0):6d} {k}")
    print(f"objects: {per(before['objects'], after['objects']):.1f} per viewer; most grown:")
    grown = {k: v - before["kinds"].get(k, 0) for k, v in after["kinds"].items()}
    for k, v in sorted(grown.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {v / max(1, n):7.2f} {k}")
    if "traced" in after:
        print(f"traced: {per(before['traced_total'], after['traced_total']) / 1024:.1f} KB per "
              "viewer; most grown lines:")
        grown = {k: v - before["traced"].get(k, 0) for k, v in after["traced"].items()}
        for k, v in sorted(grown.items(), key=lambda kv: -kv[1])[:25]:
            print(f"  {v / max(1, n) / 1024:7.2f} KB {k}")


if __name__ == "__main__":
    main()
