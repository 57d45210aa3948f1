"""Load generator: drivers posting batched fixes, thousands of live viewers, measured servers.

    python -m bench.load --routes 2000 --viewers 5000 --dashboards 10 --window 30
    python -m bench.load --app-dir /tmp/before --env BROADCAST_INTERVAL=1.0   # another checkout
    python -m bench.load --servers 2 --env REDIS_URL=redis://127.0.0.1:6379/1  # two processes
    python -m bench.load --server-cmd "node ../shared/peer/server.js --port {port}"  # a peer

With --servers N, N gunicorn processes share REDIS_URL as store and message queue, as in
docs/deployment.md. The load is spread as nginx would spread it there: each driver's fixes go to
one process (its batch to that process, like `hash $http_authorization`), viewers go round-robin
(websocket-only clients need no stickiness). CPU and memory are summed over the processes.

Starts gunicorn (gunicorn.conf.py of --app-dir, the gevent worker) on a free port unless --url
is given, registers routes, connects viewers from several processes (raw websocket, Socket.IO
framing), drives the ingest API, and prints delivered updates/s, latency percentiles from the
POST of a fix to its arrival on a viewer's socket, the server worker's CPU and RSS, losses and
reorderings. --json writes the same figures for scripts.

--server-cmd starts another implementation of the same HTTP and Socket.IO protocol instead of
gunicorn: the command (run in --app-dir, `{port}` replaced by the free port, BIND set as for
gunicorn) is itself the measured process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shlex
import socket
import subprocess  # nosec B404 # starts gunicorn
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.drivers import BATCH, Drivers, register
from bench.report import LoadReport
from bench.server import Proc, worker_pid
from bench.viewers import worker

ROOT = Path(__file__).resolve().parent.parent


def free_port(ports: str | None = None) -> int:
    """A free local port: any, or the first free one of a range "5400-5449"."""
    lo, hi = (int(x) for x in ports.split("-")) if ports else (0, 0)
    for port in range(lo, hi + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise SystemExit(f"no free port in {ports}")


def pin(cpus: str | None):
    """A preexec_fn putting the child on these CPUs ("0", "0,1"), or None."""
    if not cpus:
        return None
    chosen = {int(c) for c in cpus.split(",")}
    return lambda: os.sched_setaffinity(0, chosen)


def start_server(app_dir: Path, env: list[str], log_path: str,
                 cpus: str | None = None, cmd: str | None = None,
                 ports: str | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port(ports)
    full = {**os.environ, "BIND": f"127.0.0.1:{port}", "DEMO": "0", "PYTHONUNBUFFERED": "1",
            "SECRET_KEY": "bench"}  # the same everywhere when there are several processes  # nosec B105 # a local bench server
    full.update(kv.split("=", 1) for kv in env)
    argv = (shlex.split(cmd.replace("{port}", str(port))) if cmd else
            [sys.executable, "-m", "gunicorn", "-c", str(app_dir / "gunicorn.conf.py"),
             "app:create_app()"])
    proc = subprocess.Popen(  # nosec B603 # the developer's own command line, no shell
        argv, cwd=app_dir, env=full, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
        preexec_fn=pin(cpus))
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start; see {log_path}")


def dropped_by_reason(url: str) -> dict[str, int]:
    """Valid fixes a Doorstep server's engine ignored, by reason (its /metrics)."""
    try:
        text = requests.get(url + "/metrics", timeout=10).text
    except requests.RequestException:
        return {}
    out: dict[str, int] = {}
    for line in text.splitlines():
        if line.startswith("doorstep_fixes_dropped_total{"):
            reason = line.split('reason="', 1)[-1].split('"', 1)[0]
            out[reason] = out.get(reason, 0) + int(float(line.split()[-1]))
    return out


def counted(url: str, name: str) -> int:
    """A counter of a Doorstep server's /metrics so far (-1 if it did not answer)."""
    try:
        text = requests.get(url + "/metrics", timeout=10).text
    except requests.RequestException:
        return -1
    return sum(int(float(line.split()[-1])) for line in text.splitlines()
               if line.startswith(name + "_total"))


def viewer_specs(regs: list[dict], viewers: int, dashboards: int, key: str):
    """Customers spread over routes first (one per route, then a second, ...), then dashboards."""
    specs, per_route = [], len(regs[0]["shipments"])
    for k in range(viewers):
        reg = regs[k % len(regs)]
        shipment = reg["shipments"][(k // len(regs)) % per_route]
        specs.append(("customer", shipment["token"], reg["route_id"]))
    specs += [("dashboard", key, None)] * dashboards
    return specs


def start_servers(args) -> tuple[list[subprocess.Popen], list[str]]:
    env = list(args.env)
    if args.servers > 1:
        redis_url = dict(kv.split("=", 1) for kv in env).get("REDIS_URL")
        if not redis_url:
            raise SystemExit("--servers above 1 needs --env REDIS_URL=redis://...")
        env.append(f"MESSAGE_QUEUE={redis_url}")
    procs, urls = [], []
    try:
        for i in range(args.servers):
            log = args.server_log if args.servers == 1 else f"{args.server_log}.{i}"
            proc, url = start_server(Path(args.app_dir), env, log, args.server_cpus,
                                     args.server_cmd, args.ports)
            procs.append(proc)
            urls.append(url)
    except BaseException:
        for proc in procs:
            proc.kill()
        raise
    return procs, urls


def run(args) -> dict:
    if args.procs % args.servers:
        raise SystemExit("--procs must be a multiple of --servers")
    procs_started: list[subprocess.Popen] = []
    if args.url is None:
        procs_started, urls = start_servers(args)
        # gunicorn's worker is the master's child; a --server-cmd is measured itself
        servers = [Proc(p.pid if args.server_cmd else worker_pid(p.pid)) for p in procs_started]
    else:
        urls, servers = [args.url], [Proc(args.pid)]
    affinity = os.sched_getaffinity(0)
    if args.load_cpus:  # the generator (and the viewer processes it forks) keep off the server's
        os.sched_setaffinity(0, {int(c) for c in args.load_cpus.split(",")})
    cpu = lambda: sum(s.cpu() for s in servers)  # noqa: E731
    rss = lambda: sum(s.rss() for s in servers)  # noqa: E731
    try:
        regs = register(urls[0], args.routes, args.stops, args.key)
        route_of = {s["tracking_id"]: r["route_id"] for r in regs for s in r["shipments"]}
        rss_idle = rss()
        specs = viewer_specs(regs, args.viewers, args.dashboards, args.key)
        cpu_c0 = cpu()
        connect_s = len(specs) / args.connect_rate + 3
        until = time.time() + connect_s + args.warmup + args.window + 4
        pipes, procs = [], []
        chunks = [specs[i::args.procs] for i in range(args.procs)]
        for i, chunk in enumerate(chunks):
            rx, tx = mp.Pipe(duplex=False)
            stuck = args.stuck // args.procs + (1 if i < args.stuck % args.procs else 0)
            split = urlsplit(urls[i % len(urls)])  # viewer process i talks to one server
            p = mp.Process(target=worker, args=(split.hostname, split.port, chunk, route_of,
                                                args.connect_rate / args.procs, until, stuck, tx))
            p.start()
            pipes.append(rx)
            procs.append(p)
        time.sleep(connect_s)
        rss_connected, cpu_c1 = rss(), cpu()
        drivers = Drivers(urls, regs, period=args.period, batch=args.batch)
        drivers.run()
        time.sleep(args.warmup)
        cpu0, each0, t0 = cpu(), [s.cpu() for s in servers], time.time()
        time.sleep(args.window)
        cpu1, each1, t1 = cpu(), [s.cpu() for s in servers], time.time()
        load_average = os.getloadavg()  # the machine's, at the window's end: how shared it was
        rss_loaded = rss()
        # Where a lost fix went: skipped for a backed-up viewer, or overtaken in the broadcaster
        skipped = coalesced = None
        dropped: dict[str, int] = {}
        if args.server_cmd is None:
            for url in urls:
                for reason, n in dropped_by_reason(url).items():
                    dropped[reason] = dropped.get(reason, 0) + n
            skipped = sum(counted(url, "doorstep_frames_skipped_slow") for url in urls)
            coalesced = sum(counted(url, "doorstep_changes_coalesced") for url in urls)
        drivers.stop()
        results = [rx.recv() for rx in pipes]
        for p in procs:
            p.join()
        logs = [log for chunk in results for log in chunk]
        report = LoadReport(logs, drivers, (t0, t1), cpu1 - cpu0, args.period)
        figures = report.figures()
        figures.update(
            rss_idle_mb=rss_idle / 2**20, rss_connected_mb=rss_connected / 2**20,
            rss_loaded_mb=rss_loaded / 2**20,
            rss_per_viewer_kb=(rss_connected - rss_idle) / 1024 / max(1, len(specs)),
            # the server's CPU over the connect storm, per viewer (a storm that outlasts the
            # connect phase counts only what happened within it)
            connect_cpu_ms=(cpu_c1 - cpu_c0) * 1000 / max(1, len(specs)),
            skipped_frames=skipped, coalesced=coalesced, dropped_by_server=dropped,
            load_average=load_average,
            cpu_each=[(b - a) / (t1 - t0) for a, b in zip(each0, each1, strict=True)],
            busiest_cpu_share=max((b - a) / (t1 - t0) for a, b in zip(each0, each1, strict=True)),
            load={k: getattr(args, k) for k in ("routes", "viewers", "dashboards", "period",
                                                "batch", "window", "stuck", "connect_rate",
                                                "servers", "server_cpus", "load_cpus",
                                                "server_cmd")},
            env=args.env, app_dir=str(args.app_dir))
        return figures
    finally:
        os.sched_setaffinity(0, affinity)
        for proc in procs_started:
            proc.terminate()
        for proc in procs_started:
            proc.wait(timeout=20)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="an already running server (then --pid is its worker)")
    p.add_argument("--pid", type=int)
    p.add_argument("--servers", type=int, default=1,
                   help="server processes sharing REDIS_URL as store and message queue")
    p.add_argument("--app-dir", default=str(ROOT), help="checkout whose server to start")
    p.add_argument("--server-cmd", help='start this instead of gunicorn, e.g. "node '
                   '../shared/peer/server.js --port {port}" ({port}: the port to listen on)')
    p.add_argument("--ports", help='take the server\'s port from this range, e.g. "5400-5449" '
                   "(default: any free port)")
    p.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server")
    p.add_argument("--server-log", default="/tmp/bench-server.log")  # nosec B108 # a developer's bench log
    p.add_argument("--server-cpus", help='CPUs for the server processes, e.g. "0"')
    p.add_argument("--load-cpus", help='CPUs for the load generator, e.g. "1": on a small '
                   "machine the viewers otherwise take the server's core the moment it sends")
    p.add_argument("--key", default="demo", help="seller key")
    p.add_argument("--routes", type=int, default=2000, help="active drivers")
    p.add_argument("--stops", type=int, default=3)
    p.add_argument("--period", type=int, default=2, help="seconds between a driver's fixes")
    p.add_argument("--batch", type=int, default=BATCH,
                   help="fixes per POST at most (the API takes at most 100 drivers in one)")
    p.add_argument("--viewers", type=int, default=5000, help="customer viewers")
    p.add_argument("--dashboards", type=int, default=10)
    p.add_argument("--stuck", type=int, default=0, help="customer viewers that stop reading")
    p.add_argument("--procs", type=int, default=4, help="viewer processes")
    p.add_argument("--connect-rate", type=float, default=500, help="connections per second")
    p.add_argument("--warmup", type=float, default=8)
    p.add_argument("--window", type=float, default=30, help="measured seconds")
    p.add_argument("--json", help="write the figures to this file too")
    return p


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    figures = run(args)
    print(LoadReport.format(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
